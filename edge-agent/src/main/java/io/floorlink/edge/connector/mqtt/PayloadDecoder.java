package io.floorlink.edge.connector.mqtt;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Point;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Status;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.TimeFormat;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Timestamp;
import io.floorlink.edge.point.PointSample;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.Quality;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns one MQTT payload into samples of one device. Pure and thread-confined: no I/O, no shared state apart
 * from the thread-safe Jackson mapper.
 */
final class PayloadDecoder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MS_THRESHOLD = 100_000_000_000L;

    private PayloadDecoder() {}

    /**
     * What one message gave.
     *
     * @param samples good samples, one per point that parsed
     * @param ok points that parsed
     * @param failed points that did not parse (or all of them for an unreadable payload)
     * @param problem short reason of the first failure, null when none; for logs, never a metric tag
     */
    record Decoded(List<PointSample> samples, int ok, int failed, String problem) {}

    static Decoded decode(
            String deviceId, byte[] payload, List<Point> points, Timestamp ts, ZoneId zone, Instant receiveTime) {
        String text = new String(payload, StandardCharsets.UTF_8);
        boolean needsJson = points.stream().anyMatch(p -> p.pointer() != null) || ts != null;
        JsonNode root = null;
        if (needsJson) {
            try {
                root = JSON.readTree(text);
            } catch (IOException e) {
                root = null;
            }
            if (root == null || !root.isContainerNode()) {
                return new Decoded(List.of(), 0, points.size(), "payload is not a JSON object");
            }
        }
        Instant source = receiveTime;
        String problem = null;
        if (ts != null) {
            try {
                source = timestamp(root.at(JsonPointer.compile(ts.pointer())), ts.format(), zone);
            } catch (IllegalArgumentException e) {
                // A bad timestamp makes every value of the message unusable: its time is unknown.
                return new Decoded(List.of(), 0, points.size(), "timestamp " + ts.pointer() + ": " + e.getMessage());
            }
        }
        List<PointSample> samples = new ArrayList<>(points.size());
        int ok = 0;
        int failed = 0;
        for (Point p : points) {
            try {
                Object v = p.pointer() == null
                        ? plain(text.trim(), p)
                        : value(root.at(JsonPointer.compile(p.pointer())), p);
                samples.add(new PointSample(deviceId, p.id(), v, Quality.GOOD, source, receiveTime));
                ok++;
            } catch (IllegalArgumentException e) {
                failed++;
                if (problem == null) {
                    problem = "point " + p.id() + ": " + e.getMessage();
                }
            }
        }
        return new Decoded(samples, ok, failed, problem);
    }

    /** True for online, false for offline, null for any other status payload. */
    static Boolean status(byte[] payload, Status status) {
        String text = new String(payload, StandardCharsets.UTF_8).trim();
        if (status.pointer() != null) {
            try {
                JsonNode n = JSON.readTree(text);
                if (n == null) {
                    return null;
                }
                JsonNode v = n.at(JsonPointer.compile(status.pointer()));
                if (v.isMissingNode() || v.isNull() || v.isContainerNode()) {
                    return null;
                }
                text = v.asText();
            } catch (IOException e) {
                return null;
            }
        }
        if (text.equalsIgnoreCase(status.online())) {
            return Boolean.TRUE;
        }
        if (text.equalsIgnoreCase(status.offline())) {
            return Boolean.FALSE;
        }
        return null;
    }

    static Instant timestamp(JsonNode n, TimeFormat format, ZoneId zone) {
        if (n.isMissingNode() || n.isNull()) {
            throw new IllegalArgumentException("missing");
        }
        if (n.isNumber()
                || (n.isTextual() && format != TimeFormat.ISO && n.asText().matches("-?\\d+(\\.\\d+)?"))) {
            BigDecimal d = n.isNumber() ? n.decimalValue() : new BigDecimal(n.asText());
            TimeFormat f = format;
            if (f == TimeFormat.AUTO) {
                f = d.abs().compareTo(BigDecimal.valueOf(MS_THRESHOLD)) >= 0 ? TimeFormat.EPOCH_MS : TimeFormat.EPOCH_S;
            }
            if (f == TimeFormat.ISO) {
                throw new IllegalArgumentException("a number where ISO-8601 text is configured");
            }
            long ms = f == TimeFormat.EPOCH_MS
                    ? d.longValue()
                    : d.movePointRight(3).longValue();
            return Instant.ofEpochMilli(ms);
        }
        if (!n.isTextual()) {
            throw new IllegalArgumentException("not a time");
        }
        if (format == TimeFormat.EPOCH_MS || format == TimeFormat.EPOCH_S) {
            throw new IllegalArgumentException("text where epoch " + format.wireName() + " is configured");
        }
        return iso(n.asText().trim(), zone);
    }

    static Instant iso(String text, ZoneId zone) {
        String t = text.replace(' ', 'T');
        try {
            return OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
        } catch (DateTimeException e) {
            // no offset: a local time of the plant
        }
        try {
            return LocalDateTime.parse(t, DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                    .atZone(zone)
                    .toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + abbreviate(text) + "' is not an ISO-8601 time");
        }
    }

    private static Object value(JsonNode n, Point p) {
        if (n.isMissingNode()) {
            throw new IllegalArgumentException("field missing");
        }
        if (n.isNull()) {
            throw new IllegalArgumentException("null");
        }
        if (n.isContainerNode()) {
            throw new IllegalArgumentException("an object or array, not a value");
        }
        if (p.map() != null) {
            return mapped(n.asText(), p);
        }
        DataType t = p.type();
        if (t == DataType.STRING) {
            return n.asText();
        }
        if (t == DataType.BOOLEAN) {
            if (n.isBoolean()) {
                return n.booleanValue();
            }
            if (n.isNumber() && (n.asInt() == 0 || n.asInt() == 1)) {
                return n.asInt() == 1;
            }
            return bool(n.asText());
        }
        if (n.isNumber()) {
            return number(n.decimalValue(), t);
        }
        if (n.isBoolean()) {
            return number(BigDecimal.valueOf(n.booleanValue() ? 1 : 0), t);
        }
        return number(parseNumber(n.asText()), t);
    }

    private static Object plain(String text, Point p) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty payload");
        }
        if (p.map() != null) {
            return mapped(text, p);
        }
        return switch (p.type()) {
            case STRING, TEXT -> text;
            case BOOLEAN -> text.equals("1") ? Boolean.TRUE : text.equals("0") ? Boolean.FALSE : bool(text);
            default -> number(parseNumber(text), p.type());
        };
    }

    private static Object mapped(String key, Point p) {
        Double v = p.map().get(key);
        if (v == null) {
            throw new IllegalArgumentException("'" + abbreviate(key) + "' is not in the map");
        }
        return number(BigDecimal.valueOf(v), p.type());
    }

    private static Boolean bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes" -> Boolean.TRUE;
            case "false", "off", "no" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("'" + abbreviate(text) + "' is not a boolean");
        };
    }

    private static BigDecimal parseNumber(String text) {
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + abbreviate(text) + "' is not a number");
        }
    }

    private static Object number(BigDecimal d, DataType t) {
        return switch (t) {
            case FLOAT -> d.floatValue();
            case DOUBLE -> d.doubleValue();
            case INT8 -> (int) integer(d, Byte.MIN_VALUE, Byte.MAX_VALUE, t);
            case INT16 -> (int) integer(d, Short.MIN_VALUE, Short.MAX_VALUE, t);
            case INT32 -> (int) integer(d, Integer.MIN_VALUE, Integer.MAX_VALUE, t);
            case UINT8 -> (int) integer(d, 0, 0xFF, t);
            case UINT16 -> (int) integer(d, 0, 0xFFFF, t);
            case UINT32 -> integer(d, 0, 0xFFFF_FFFFL, t);
            case INT64, UINT64 -> integer(d, t == DataType.UINT64 ? 0 : Long.MIN_VALUE, Long.MAX_VALUE, t);
            default -> throw new IllegalArgumentException("not a numeric type " + t);
        };
    }

    private static long integer(BigDecimal d, long min, long max, DataType t) {
        if (d.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(d.toPlainString() + " is not a whole number for " + name(t));
        }
        if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new IllegalArgumentException(d.toPlainString() + " is out of range for " + name(t));
        }
        return d.longValueExact();
    }

    private static String name(DataType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
