package io.floorlink.edge.connector.mqtt;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import io.floorlink.edge.config.ConnectorConfig;
import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.config.Reconnect;
import io.floorlink.edge.point.PointChecks;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.config.ConfigEnums;
import io.floorlink.sparkplug.config.DataSize;
import io.floorlink.sparkplug.mqtt.MqttClients;
import java.io.IOException;
import java.net.URI;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code type: mqtt} connector: one plant MQTT broker and the devices publishing to it. See this package's
 * README.md for every key. Every record validates itself when built and throws {@link IllegalArgumentException}
 * naming the field and the device/point it belongs to.
 *
 * @param name connector name, unique within the agent, never blank
 * @param url broker URL, {@code tcp://host[:port]} (default port 1883) or {@code ssl://host[:port]} (8883)
 * @param mqttVersion 3 (MQTT 3.1.1) or 5; default 5
 * @param clientId MQTT client identifier; default {@code floorlink-<name>}
 * @param username user name, nullable (anonymous)
 * @param password password, nullable; write it as {@code ${ENV}}; never logged
 * @param tls trust and key stores for {@code ssl://}; nullable (JVM default trust)
 * @param cleanStart false (default) keeps a persistent session so QoS 1/2 messages published while the agent
 *     was away are delivered after it reconnects
 * @param sessionExpiry how long the broker keeps the session after a disconnect (MQTT 5); default 1 h
 * @param keepAlive MQTT keep alive, whole seconds; default 30 s
 * @param reconnect backoff between connection attempts; default 1 s initial, 30 s max
 * @param zone time zone of payload timestamps written without offset; default Asia/Shanghai
 * @param devices the devices publishing to this broker, at least one; the expanded ids are unique
 * @param maxPayloadSize largest message payload the connector decodes; larger ones are dropped unread, counted in
 *     {@code floorlink.edge.mqtt.messages.oversized} and logged (rate-limited); default {@value
 *     #DEFAULT_MAX_PAYLOAD_SIZE} bytes, from 1 KB to 16 MB
 */
public record MqttConnectorConfig(
        String name,
        URI url,
        Integer mqttVersion,
        String clientId,
        String username,
        String password,
        EdgeConfig.Tls tls,
        Boolean cleanStart,
        Duration sessionExpiry,
        Duration keepAlive,
        Reconnect reconnect,
        @JsonDeserialize(using = ZoneText.class) ZoneId zone,
        List<Device> devices,
        DataSize maxPayloadSize)
        implements ConnectorConfig {

    /** Default {@link #maxPayloadSize} in bytes (256 KiB): far above any JSON a device publishes for its points. */
    public static final int DEFAULT_MAX_PAYLOAD_SIZE = 256 * 1024;
    /** Upper bound of {@link #maxPayloadSize} in bytes (16 MiB). */
    public static final int MAX_MAX_PAYLOAD_SIZE = 16 * 1024 * 1024;

    /** Default {@link #zone}. */
    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Asia/Shanghai");

    public MqttConnectorConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: required (the connector name)");
        }
        String where = "connector '" + name + "': ";
        if (url == null) {
            throw new IllegalArgumentException(where + "url: required, e.g. tcp://10.0.0.7:1883");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("tcp") && !scheme.equals("ssl") || url.getHost() == null) {
            throw new IllegalArgumentException(where + "url: '" + url + "' must be tcp://host:port or ssl://host:port");
        }
        mqttVersion = mqttVersion == null ? 5 : mqttVersion;
        if (mqttVersion != 3 && mqttVersion != 5) {
            throw new IllegalArgumentException(where + "mqtt_version: must be 3 (3.1.1) or 5");
        }
        clientId = clientId == null ? "floorlink-" + name : clientId;
        if (clientId.isBlank()) {
            throw new IllegalArgumentException(where + "client_id: must not be blank");
        }
        if (username != null && username.isBlank()) {
            throw new IllegalArgumentException(where + "username: must not be blank");
        }
        if (password != null && username == null) {
            throw new IllegalArgumentException(where + "username: required with password");
        }
        if (tls != null && !scheme.equals("ssl")) {
            throw new IllegalArgumentException(where + "tls: only with an ssl:// url");
        }
        cleanStart = cleanStart != null && cleanStart;
        sessionExpiry = sessionExpiry == null ? Duration.ofHours(1) : sessionExpiry;
        if (sessionExpiry.isNegative() || sessionExpiry.toSeconds() > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(where + "session_expiry: must be 0s or more");
        }
        keepAlive = keepAlive == null ? Duration.ofSeconds(30) : keepAlive;
        if (keepAlive.toMillis() % 1000 != 0 || keepAlive.getSeconds() < 1 || keepAlive.getSeconds() > 65535) {
            throw new IllegalArgumentException(where + "keep_alive: must be whole seconds between 1s and 65535s");
        }
        reconnect = reconnect == null ? Reconnect.DEFAULT : reconnect;
        zone = zone == null ? DEFAULT_ZONE : zone;
        if (devices == null || devices.isEmpty()) {
            throw new IllegalArgumentException(where + "devices: at least one device is required");
        }
        Set<String> ids = new HashSet<>();
        for (Device d : devices) {
            if (d == null) {
                throw new IllegalArgumentException(where + "devices: empty entry");
            }
            for (String id : d.deviceIds()) {
                if (!ids.add(id)) {
                    throw new IllegalArgumentException(where + "devices: duplicate device id '" + id + "'");
                }
            }
        }
        devices = List.copyOf(devices);
        maxPayloadSize = maxPayloadSize == null ? new DataSize(DEFAULT_MAX_PAYLOAD_SIZE) : maxPayloadSize;
        if (maxPayloadSize.bytes() < 1024 || maxPayloadSize.bytes() > MAX_MAX_PAYLOAD_SIZE) {
            throw new IllegalArgumentException(where + "max_payload_size: must be from 1KB to 16MB");
        }
    }

    /** A connector with the default {@link #maxPayloadSize}. */
    public MqttConnectorConfig(
            String name,
            URI url,
            Integer mqttVersion,
            String clientId,
            String username,
            String password,
            EdgeConfig.Tls tls,
            Boolean cleanStart,
            Duration sessionExpiry,
            Duration keepAlive,
            Reconnect reconnect,
            ZoneId zone,
            List<Device> devices) {
        this(
                name,
                url,
                mqttVersion,
                clientId,
                username,
                password,
                tls,
                cleanStart,
                sessionExpiry,
                keepAlive,
                reconnect,
                zone,
                devices,
                null);
    }

    /** The port of the url, or the MQTT default of its scheme (1883, 8883). */
    public int port() {
        return MqttClients.port(url);
    }

    /** True for {@code ssl://}. */
    public boolean secure() {
        return MqttClients.secure(url);
    }

    /** Every device id of every entry, in configuration order. */
    public List<String> deviceIds() {
        List<String> out = new ArrayList<>();
        devices.forEach(d -> out.addAll(d.deviceIds()));
        return out;
    }

    @Override
    public String toString() {
        return "MqttConnectorConfig[name=" + name + ", url=" + url + ", mqttVersion=" + mqttVersion + ", clientId="
                + clientId + ", username=" + username + ", password=" + (password == null ? "null" : "***")
                + ", tls=" + tls + ", cleanStart=" + cleanStart + ", devices=" + devices.size() + ", maxPayloadSize="
                + maxPayloadSize + "]";
    }

    /**
     * One device with a fixed topic ({@code id}), or several devices sharing a wildcard topic filter
     * ({@code ids} and {@code device_segment}: the topic level that carries the device id).
     *
     * @param id equipment id of a single device; exclusive with ids
     * @param ids equipment ids of the devices matched by a wildcard topic; exclusive with id
     * @param topic topic (filter) carrying the device's data; {@code +} and {@code #} allowed with ids
     * @param deviceSegment 1-based topic level holding the device id ({@code plant/asm1/+/data} -> 3); required
     *     with ids, applies to the data and status topics
     * @param qos subscription QoS 0, 1 or 2; default 1
     * @param timestamp where the source timestamp is in a JSON payload; nullable (receive time)
     * @param silenceTimeout the device is down after this long without any message; nullable (no silence rule)
     * @param status a status / last-will topic that says online or offline; nullable
     * @param points the values taken from each data message, at least one
     */
    public record Device(
            String id,
            List<String> ids,
            String topic,
            Integer deviceSegment,
            Integer qos,
            Timestamp timestamp,
            Duration silenceTimeout,
            Status status,
            List<Point> points) {
        public Device {
            if ((id == null) == (ids == null || ids.isEmpty())) {
                throw new IllegalArgumentException(
                        "devices[]: set either id (one device, fixed topic) or ids (devices matched by a wildcard topic)");
            }
            if (id != null && id.isBlank()) {
                throw new IllegalArgumentException("devices[].id: must not be blank");
            }
            String where = "device '" + (id != null ? id : String.join(",", ids)) + "': ";
            if (ids != null) {
                for (String i : ids) {
                    if (i == null || i.isBlank()) {
                        throw new IllegalArgumentException(where + "ids: blank id");
                    }
                }
                ids = List.copyOf(ids);
            }
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException(where + "topic: required, e.g. plant/asm1/ST-01/data");
            }
            TopicFilters.check(where + "topic", topic);
            if (ids != null) {
                if (deviceSegment == null) {
                    throw new IllegalArgumentException(where
                            + "device_segment: required with ids (the 1-based topic level holding the device id)");
                }
                TopicFilters.checkSegment(where + "device_segment", topic, deviceSegment);
            } else if (deviceSegment != null) {
                throw new IllegalArgumentException(where + "device_segment: only with ids");
            } else if (TopicFilters.hasWildcard(topic)) {
                throw new IllegalArgumentException(where + "topic: '" + topic
                        + "' has a wildcard; use ids and device_segment for a wildcard topic");
            }
            qos = qos == null ? 1 : qos;
            if (qos < 0 || qos > 2) {
                throw new IllegalArgumentException(where + "qos: must be 0, 1 or 2");
            }
            if (silenceTimeout != null && (silenceTimeout.isNegative() || silenceTimeout.isZero())) {
                throw new IllegalArgumentException(where + "silence_timeout: must be positive");
            }
            if (status != null) {
                TopicFilters.check(where + "status.topic", status.topic());
                if (ids != null) {
                    TopicFilters.checkSegment(where + "status.topic (device_segment)", status.topic(), deviceSegment);
                } else if (TopicFilters.hasWildcard(status.topic())) {
                    throw new IllegalArgumentException(where + "status.topic: no wildcard for a single device");
                }
                if (status.topic().equals(topic)) {
                    throw new IllegalArgumentException(where + "status.topic: must differ from topic");
                }
            }
            if (points == null || points.isEmpty()) {
                throw new IllegalArgumentException(where + "points: at least one point is required");
            }
            Set<String> pids = new HashSet<>();
            for (Point p : points) {
                if (p == null) {
                    throw new IllegalArgumentException(where + "points: empty entry");
                }
                if (!pids.add(p.id())) {
                    throw new IllegalArgumentException(where + "duplicate point id '" + p.id() + "'");
                }
                if (p.pointer() == null && points.size() > 1) {
                    throw new IllegalArgumentException(
                            where + "point '" + p.id()
                                    + "': pointer: required when a device has several points (a plain payload holds one value)");
                }
            }
            if (timestamp != null && points.size() == 1 && points.get(0).pointer() == null) {
                throw new IllegalArgumentException(
                        where
                                + "timestamp: a plain payload has no timestamp field; remove timestamp (the receive time is used)");
            }
            points = List.copyOf(points);
        }

        /** The equipment ids of this entry: {@code [id]} or {@code ids}. */
        public List<String> deviceIds() {
            return id != null ? List.of(id) : ids;
        }
    }

    /**
     * {@code status:} a topic on which the device (or its last will) says whether it is online.
     *
     * @param topic status topic (filter, with the device's device_segment for wildcard entries), never null
     * @param pointer JSON Pointer to the state in a JSON status payload; null for a plain text payload
     * @param online the payload (or field) text meaning online; default {@code online}
     * @param offline the payload (or field) text meaning offline; default {@code offline}
     */
    public record Status(String topic, String pointer, String online, String offline) {
        public Status {
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("status.topic: required");
            }
            if (pointer != null) {
                checkPointer("status.pointer", pointer);
            }
            online = online == null ? "online" : online;
            offline = offline == null ? "offline" : offline;
            if (online.equals(offline)) {
                throw new IllegalArgumentException("status: online and offline must differ");
            }
        }
    }

    /** How a payload timestamp is written. */
    public enum TimeFormat {
        /** Numbers: above 10^11 milliseconds, else seconds; text: ISO-8601. */
        AUTO,
        EPOCH_S,
        EPOCH_MS,
        /** ISO-8601 with offset ({@code 2026-03-01T08:00:00+08:00}, {@code ...Z}) or local in the zone. */
        ISO;

        @JsonCreator
        public static TimeFormat parse(String text) {
            return ConfigEnums.parse(TimeFormat.class, text, "timestamp format");
        }

        @JsonValue
        public String wireName() {
            return ConfigEnums.name(this);
        }
    }

    /**
     * {@code timestamp:} the source timestamp field of JSON payloads.
     *
     * @param pointer JSON Pointer to the field, e.g. {@code /ts}, never null
     * @param format auto (default), epoch_s, epoch_ms or iso
     */
    public record Timestamp(String pointer, TimeFormat format) {
        public Timestamp {
            if (pointer == null) {
                throw new IllegalArgumentException("timestamp.pointer: required, e.g. /ts");
            }
            checkPointer("timestamp.pointer", pointer);
            format = format == null ? TimeFormat.AUTO : format;
        }
    }

    /**
     * One point taken from each data message.
     *
     * @param id point id, unique within its device (Sparkplug metric name); must not start with {@code _health/}
     * @param pointer JSON Pointer to the value ({@code /counts/ok}); null when the whole payload is the value
     *     (plain numeric or text payload)
     * @param type Sparkplug datatype; required unless map is set (then default int32)
     * @param map text-to-number map for enumerations ({@code RUNNING: 1}); nullable
     * @param category what the point measures, never null
     * @param interval the device's publish interval for this value, positive (read counting, see README)
     * @param unit engineering unit, nullable
     * @param engLow low end of the valid range, nullable
     * @param engHigh high end of the valid range, nullable, not below engLow
     */
    public record Point(
            String id,
            String pointer,
            DataType type,
            Map<String, Double> map,
            Category category,
            Duration interval,
            String unit,
            Double engLow,
            Double engHigh) {
        public Point {
            String where = PointChecks.id(id);
            if (pointer != null) {
                checkPointer(where + "pointer", pointer);
            }
            if (map != null) {
                if (map.isEmpty()) {
                    throw new IllegalArgumentException(where + "map: must not be empty");
                }
                type = type == null ? DataType.INT32 : type;
                if (!isNumeric(type)) {
                    throw new IllegalArgumentException(where + "type: a map gives numbers; use a numeric type");
                }
                for (Map.Entry<String, Double> e : map.entrySet()) {
                    if (e.getKey() == null || e.getValue() == null) {
                        throw new IllegalArgumentException(where + "map: every entry needs a text and a number");
                    }
                }
                map = Map.copyOf(map);
            }
            if (type == null) {
                throw new IllegalArgumentException(
                        where + "type: required (int32, int64, uint32, float, double, boolean, string, ...)");
            }
            if (type == DataType.TEXT) {
                type = DataType.STRING;
            }
            if (type == DataType.DATETIME) {
                throw new IllegalArgumentException(where + "type: datetime is not supported for values");
            }
            PointChecks.category(where, category);
            if (interval == null) {
                throw new IllegalArgumentException(where + "interval: required (the device's publish interval)");
            }
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException(where + "interval: must be positive");
            }
            PointChecks.range(where, engLow, engHigh);
        }
    }

    static boolean isNumeric(DataType t) {
        return t != DataType.BOOLEAN && t != DataType.STRING && t != DataType.TEXT && t != DataType.DATETIME;
    }

    private static void checkPointer(String field, String pointer) {
        try {
            JsonPointer.compile(pointer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    field + ": '" + pointer + "' is not a JSON Pointer (write /field/sub or /array/0)");
        }
    }

    /** Reads {@code zone:} (an IANA zone id such as Asia/Shanghai); the shared YAML mapper has no ZoneId reader. */
    static final class ZoneText extends StdScalarDeserializer<ZoneId> {
        ZoneText() {
            super(ZoneId.class);
        }

        @Override
        public ZoneId deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            try {
                return ZoneId.of(text == null ? "" : text.trim());
            } catch (DateTimeException e) {
                throw new IllegalArgumentException(
                        "zone: unknown time zone '" + text + "' (write an IANA id such as Asia/Shanghai or UTC)");
            }
        }
    }
}
