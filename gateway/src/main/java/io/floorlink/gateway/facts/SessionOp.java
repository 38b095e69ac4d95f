package io.floorlink.gateway.facts;

/**
 * One change to edge_session/device_session, applied in the order produced. Closes address "the open session"
 * of a node or device, so no database id has to travel back to the processing thread. Times are epoch ms.
 */
public sealed interface SessionOp {
    /** The Sparkplug group (enterprise) the session belongs to. */
    String groupId();

    /** Opens an edge session at {@code at}. */
    record OpenEdge(String groupId, String edgeNodeId, Long bdSeq, long at) implements SessionOp {}

    /** Closes the open edge session of a node. */
    record CloseEdge(String groupId, String edgeNodeId, long at, String reason) implements SessionOp {}

    /** Opens a device session. */
    record OpenDevice(String groupId, String edgeNodeId, String deviceId, long at, boolean historical)
            implements SessionOp {}

    /** Closes the open session of one device. */
    record CloseDevice(String groupId, String edgeNodeId, String deviceId, long at, String reason)
            implements SessionOp {}

    /**
     * A closed device session rebuilt from historical {@code _health/connected} values ({@code historical} =
     * TRUE); never addressed by later closes.
     */
    record HistoricalDevice(String groupId, String edgeNodeId, String deviceId, long from, long to, String reason)
            implements SessionOp {}

    /** Closes every open device session of a node. */
    record CloseNodeDevices(String groupId, String edgeNodeId, long at, String reason) implements SessionOp {}
}
