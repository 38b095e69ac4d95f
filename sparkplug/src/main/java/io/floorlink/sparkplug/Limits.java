package io.floorlink.sparkplug;

/**
 * The size limits of FloorLink's Sparkplug messages, declared once for the edge (which checks what it is about to
 * publish) and the host (which refuses, counts and logs a message that breaks one at ingest, so it never reaches
 * the facts store). The identifier and name lengths equal the widths of the facts store's columns
 * ({@code V1__facts.sql}): a longer value would be refused by the database and must be refused before it.
 *
 * <table>
 *   <caption>Limits</caption>
 *   <tr><th>constant</th><th>value</th><th>what and why</th></tr>
 *   <tr><td>{@link #MAX_ID_LENGTH}</td><td>128 characters</td><td>group id, edge node id, device id
 *       ({@code group_id}, {@code edge_node_id}, {@code device_id} columns are VARCHAR(128))</td></tr>
 *   <tr><td>{@link #MAX_METRIC_NAME_LENGTH}</td><td>256 characters</td><td>metric (point) name
 *       ({@code point_id} VARCHAR(256))</td></tr>
 *   <tr><td>{@link #MAX_CATEGORY_LENGTH}</td><td>16 characters</td><td>{@code category} property
 *       ({@code point_declaration.category} VARCHAR(16))</td></tr>
 *   <tr><td>{@link #MAX_UNIT_LENGTH}</td><td>32 characters</td><td>{@code unit} property
 *       ({@code point_declaration.unit} VARCHAR(32))</td></tr>
 *   <tr><td>{@link #MAX_EPOCH_LENGTH}</td><td>64 characters</td><td>buffer epoch
 *       ({@code edge_receipt.buffer_epoch} VARCHAR(64), same as {@link Receipt#MAX_EPOCH_LENGTH})</td></tr>
 *   <tr><td>{@link #MAX_METRICS_PER_MESSAGE}</td><td>10,000 metrics</td><td>metrics in one BIRTH or DATA payload;
 *       bounds the host's per-message work and the declarations of one device</td></tr>
 *   <tr><td>{@link #MAX_PAYLOAD_BYTES}</td><td>1 MiB</td><td>encoded Sparkplug payload; checked before
 *       decoding</td></tr>
 *   <tr><td>{@link #MAX_STRING_VALUE_LENGTH}</td><td>4,096 characters</td><td>a String or Text metric value
 *       (kept in the host's live view)</td></tr>
 * </table>
 *
 * <p>Lengths count Java {@code char}s (UTF-16 code units), which is what VARCHAR(n) counts on H2 and, for
 * characters of the Basic Multilingual Plane, on PostgreSQL.
 */
public final class Limits {
    /** Longest group id, edge node id or device id, in characters. */
    public static final int MAX_ID_LENGTH = 128;
    /** Longest metric (point) name, in characters. */
    public static final int MAX_METRIC_NAME_LENGTH = 256;
    /** Longest {@code category} property of a BIRTH metric, in characters. */
    public static final int MAX_CATEGORY_LENGTH = 16;
    /** Longest {@code unit} property of a BIRTH metric, in characters. */
    public static final int MAX_UNIT_LENGTH = 32;
    /** Longest buffer epoch, in characters. */
    public static final int MAX_EPOCH_LENGTH = Receipt.MAX_EPOCH_LENGTH;
    /** Most metrics in one payload (BIRTH or DATA). */
    public static final int MAX_METRICS_PER_MESSAGE = 10_000;
    /** Largest encoded Sparkplug payload, in bytes. */
    public static final int MAX_PAYLOAD_BYTES = 1024 * 1024;
    /** Longest String or Text metric value, in characters. */
    public static final int MAX_STRING_VALUE_LENGTH = 4096;

    private Limits() {}

    /**
     * The first limit a message breaks, or null when it keeps all of them. Checks the topic's ids, the metric
     * count, and per metric the name, String values and (in a birth) the {@code category} and {@code unit}
     * properties.
     *
     * @return a short text naming the limit and the offending value's size, never null-safe on its inputs
     */
    public static String violation(Topic topic, io.floorlink.sparkplug.proto.SparkplugBProto.Payload payload) {
        String v = idViolation("group id", topic.groupId());
        if (v == null) {
            v = idViolation("edge node id", topic.edgeNodeId());
        }
        if (v == null) {
            v = idViolation("device id", topic.deviceId());
        }
        if (v != null) {
            return v;
        }
        if (payload.getMetricsCount() > MAX_METRICS_PER_MESSAGE) {
            return "metrics per message " + payload.getMetricsCount() + " > MAX_METRICS_PER_MESSAGE ("
                    + MAX_METRICS_PER_MESSAGE + ")";
        }
        boolean birth = topic.type() == MessageType.NBIRTH || topic.type() == MessageType.DBIRTH;
        for (io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric m : payload.getMetricsList()) {
            if (m.getName().length() > MAX_METRIC_NAME_LENGTH) {
                return "metric name length " + m.getName().length() + " > MAX_METRIC_NAME_LENGTH ("
                        + MAX_METRIC_NAME_LENGTH + ")";
            }
            if (m.hasStringValue() && m.getStringValue().length() > MAX_STRING_VALUE_LENGTH) {
                return "string value length of '" + m.getName() + "' "
                        + m.getStringValue().length() + " > MAX_STRING_VALUE_LENGTH (" + MAX_STRING_VALUE_LENGTH + ")";
            }
            if (MetricNames.BUFFER_EPOCH.equals(m.getName())
                    && m.hasStringValue()
                    && m.getStringValue().length() > MAX_EPOCH_LENGTH) {
                return "buffer epoch length " + m.getStringValue().length() + " > MAX_EPOCH_LENGTH (" + MAX_EPOCH_LENGTH
                        + ")";
            }
            if (birth && m.hasProperties()) {
                var props = m.getProperties();
                for (int i = 0; i < props.getKeysCount() && i < props.getValuesCount(); i++) {
                    String key = props.getKeys(i);
                    var value = props.getValues(i);
                    if (!value.hasStringValue()) {
                        continue;
                    }
                    int len = value.getStringValue().length();
                    if (MetricNames.PROP_CATEGORY.equals(key) && len > MAX_CATEGORY_LENGTH) {
                        return "category length of '" + m.getName() + "' " + len + " > MAX_CATEGORY_LENGTH ("
                                + MAX_CATEGORY_LENGTH + ")";
                    }
                    if (MetricNames.PROP_UNIT.equals(key) && len > MAX_UNIT_LENGTH) {
                        return "unit length of '" + m.getName() + "' " + len + " > MAX_UNIT_LENGTH (" + MAX_UNIT_LENGTH
                                + ")";
                    }
                    if (len > MAX_STRING_VALUE_LENGTH) {
                        return "property '" + key + "' of '" + m.getName() + "' length " + len
                                + " > MAX_STRING_VALUE_LENGTH (" + MAX_STRING_VALUE_LENGTH + ")";
                    }
                }
            }
        }
        return null;
    }

    private static String idViolation(String what, String id) {
        if (id != null && id.length() > MAX_ID_LENGTH) {
            return what + " length " + id.length() + " > MAX_ID_LENGTH (" + MAX_ID_LENGTH + ")";
        }
        return null;
    }
}
