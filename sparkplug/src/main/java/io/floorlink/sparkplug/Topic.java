package io.floorlink.sparkplug;

import java.util.Objects;

/**
 * A Sparkplug B 3.0 topic: {@code spBv1.0/group_id/message_type/edge_node_id[/device_id]}, or the host
 * application state topic {@code spBv1.0/STATE/host_id} (specification section 4.1).
 *
 * @param groupId group_id; null only for STATE
 * @param type message type, never null
 * @param edgeNodeId edge_node_id; null only for STATE
 * @param deviceId device_id for DBIRTH, DDEATH, DDATA and DCMD, otherwise null
 * @param hostId host_id for STATE, otherwise null
 */
public record Topic(String groupId, MessageType type, String edgeNodeId, String deviceId, String hostId) {

    /** The Sparkplug B namespace element, the first topic level of every Sparkplug topic. */
    public static final String NAMESPACE = "spBv1.0";

    public Topic {
        Objects.requireNonNull(type, "type");
        if (type == MessageType.STATE) {
            requireId("host_id", hostId);
            if (groupId != null || edgeNodeId != null || deviceId != null) {
                throw new SparkplugException("STATE topic carries only a host_id");
            }
        } else {
            requireId("group_id", groupId);
            requireId("edge_node_id", edgeNodeId);
            if (type.isDeviceMessage()) {
                requireId("device_id", deviceId);
            } else if (deviceId != null) {
                throw new SparkplugException(type + " topic must not carry a device_id");
            }
            if (hostId != null) {
                throw new SparkplugException(type + " topic must not carry a host_id");
            }
        }
    }

    /** A node-level topic (NBIRTH, NDEATH, NDATA, NCMD). */
    public static Topic node(String groupId, MessageType type, String edgeNodeId) {
        return new Topic(groupId, type, edgeNodeId, null, null);
    }

    /** A device-level topic (DBIRTH, DDEATH, DDATA, DCMD). */
    public static Topic device(String groupId, MessageType type, String edgeNodeId, String deviceId) {
        return new Topic(groupId, type, edgeNodeId, deviceId, null);
    }

    /** The primary host application's STATE topic. */
    public static Topic state(String hostId) {
        return new Topic(null, MessageType.STATE, null, null, hostId);
    }

    /**
     * Parses an MQTT topic name.
     *
     * @throws SparkplugException if the topic is not a valid Sparkplug B 3.0 topic; the message names the part
     */
    public static Topic parse(String topic) {
        Objects.requireNonNull(topic, "topic");
        String[] parts = topic.split("/", -1);
        if (parts.length < 3 || !NAMESPACE.equals(parts[0])) {
            throw new SparkplugException("not a Sparkplug B topic (expected " + NAMESPACE + "/...): " + topic);
        }
        if ("STATE".equals(parts[1])) {
            if (parts.length != 3) {
                throw new SparkplugException("STATE topic must be " + NAMESPACE + "/STATE/host_id: " + topic);
            }
            return state(parts[2]);
        }
        if (parts.length < 4) {
            throw new SparkplugException("missing edge_node_id: " + topic);
        }
        MessageType type;
        try {
            type = MessageType.valueOf(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new SparkplugException("unknown message type '" + parts[2] + "' in topic " + topic, e);
        }
        if (type == MessageType.STATE) {
            throw new SparkplugException("STATE is not a group-level message type: " + topic);
        }
        if (type.isDeviceMessage()) {
            if (parts.length != 5) {
                throw new SparkplugException(
                        type + " topic needs group_id/" + type + "/edge_node_id/device_id: " + topic);
            }
            return device(parts[1], type, parts[3], parts[4]);
        }
        if (parts.length != 4) {
            throw new SparkplugException(type + " topic needs group_id/" + type + "/edge_node_id: " + topic);
        }
        return node(parts[1], type, parts[3]);
    }

    /** The MQTT topic name. */
    @Override
    public String toString() {
        if (type == MessageType.STATE) {
            return NAMESPACE + "/STATE/" + hostId;
        }
        String base = NAMESPACE + "/" + groupId + "/" + type + "/" + edgeNodeId;
        return deviceId == null ? base : base + "/" + deviceId;
    }

    /**
     * Checks one topic element: non-empty UTF-8 without the MQTT separators and wildcards (section 4.1.1).
     *
     * @throws SparkplugException naming the element
     */
    public static void requireId(String element, String value) {
        if (value == null || value.isEmpty()) {
            throw new SparkplugException(element + " must not be empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/' || c == '+' || c == '#') {
                throw new SparkplugException(element + " '" + value + "' must not contain '/', '+' or '#'");
            }
        }
    }
}
