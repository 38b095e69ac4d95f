package io.floorlink.sparkplug;

import com.google.protobuf.InvalidProtocolBufferException;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.PropertySet;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.PropertyValue;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds and reads Sparkplug metrics, properties and payloads with the Java value types of {@link DataType}. */
public final class Metrics {
    private Metrics() {}

    /**
     * Starts a metric with name, datatype and value set; a null value sets {@code is_null}.
     *
     * @throws SparkplugException when the value's Java type does not fit the datatype
     */
    public static Metric.Builder metric(String name, DataType type, Object value) {
        Metric.Builder b = Metric.newBuilder().setName(name).setDatatype(type.code());
        return setValue(b, type, value);
    }

    /** Sets the value oneof of {@code b} (or {@code is_null} when value is null). */
    public static Metric.Builder setValue(Metric.Builder b, DataType type, Object value) {
        if (value == null) {
            return b.setIsNull(true);
        }
        try {
            switch (type) {
                case INT8, INT16, INT32, UINT8, UINT16 -> b.setIntValue(((Number) value).intValue());
                case UINT32 -> b.setIntValue((int) ((Number) value).longValue());
                case INT64, UINT64, DATETIME -> b.setLongValue(((Number) value).longValue());
                case FLOAT -> b.setFloatValue(((Number) value).floatValue());
                case DOUBLE -> b.setDoubleValue(((Number) value).doubleValue());
                case BOOLEAN -> b.setBooleanValue((Boolean) value);
                case STRING, TEXT -> b.setStringValue((String) value);
            }
        } catch (ClassCastException e) {
            throw new SparkplugException(
                    "metric '" + b.getName() + "': value of " + value.getClass().getSimpleName() + " is not " + type,
                    e);
        }
        return b;
    }

    /**
     * The value of a metric as the Java type of its datatype: Int8/16/32 and UInt8/16 as Integer (sign
     * restored for the signed types, which the wire carries in a uint32), UInt32, Int64, UInt64 and
     * DateTime as Long, Float, Double, Boolean, String. Null when {@code is_null} is set or no value is
     * present.
     *
     * @param type the metric's datatype; pass the birth datatype for DATA metrics that omit it
     */
    public static Object value(Metric m, DataType type) {
        if (m.getIsNull()) {
            return null;
        }
        return switch (m.getValueCase()) {
            case INT_VALUE ->
                switch (type) {
                    case INT8 -> (int) (byte) m.getIntValue();
                    case INT16 -> (int) (short) m.getIntValue();
                    case UINT8 -> m.getIntValue() & 0xFF;
                    case UINT16 -> m.getIntValue() & 0xFFFF;
                    case UINT32, INT64, UINT64, DATETIME -> Integer.toUnsignedLong(m.getIntValue());
                    default -> m.getIntValue();
                };
            case LONG_VALUE -> m.getLongValue();
            case FLOAT_VALUE -> m.getFloatValue();
            case DOUBLE_VALUE -> m.getDoubleValue();
            case BOOLEAN_VALUE -> m.getBooleanValue();
            case STRING_VALUE -> m.getStringValue();
            default -> null;
        };
    }

    /** Numeric view of a value for rollups: numbers as double, Boolean as 0/1, anything else null. */
    public static Double asDouble(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof Boolean bool) {
            return bool ? 1.0 : 0.0;
        }
        return null;
    }

    /**
     * Builds a PropertySet from a map; values: String, Boolean, Integer (Int32), Long (UInt64), Float, Double.
     * Null values are skipped.
     */
    public static PropertySet properties(Map<String, ?> props) {
        PropertySet.Builder set = PropertySet.newBuilder();
        props.forEach((key, value) -> {
            if (value == null) {
                return;
            }
            PropertyValue.Builder pv = PropertyValue.newBuilder();
            if (value instanceof String s) {
                pv.setType(DataType.STRING.code()).setStringValue(s);
            } else if (value instanceof Boolean bool) {
                pv.setType(DataType.BOOLEAN.code()).setBooleanValue(bool);
            } else if (value instanceof Integer i) {
                pv.setType(DataType.INT32.code()).setIntValue(i);
            } else if (value instanceof Long l) {
                pv.setType(DataType.UINT64.code()).setLongValue(l);
            } else if (value instanceof Float f) {
                pv.setType(DataType.FLOAT.code()).setFloatValue(f);
            } else if (value instanceof Double d) {
                pv.setType(DataType.DOUBLE.code()).setDoubleValue(d);
            } else {
                throw new SparkplugException("property '" + key + "': unsupported value type "
                        + value.getClass().getSimpleName());
            }
            set.addKeys(key).addValues(pv);
        });
        return set.build();
    }

    /** Reads a PropertySet into an insertion-ordered map with the value types {@link #properties} writes. */
    public static Map<String, Object> properties(PropertySet set) {
        Map<String, Object> out = new LinkedHashMap<>();
        int n = Math.min(set.getKeysCount(), set.getValuesCount());
        for (int i = 0; i < n; i++) {
            PropertyValue pv = set.getValues(i);
            Object v =
                    switch (pv.getValueCase()) {
                        case INT_VALUE -> pv.getIntValue();
                        case LONG_VALUE -> pv.getLongValue();
                        case FLOAT_VALUE -> pv.getFloatValue();
                        case DOUBLE_VALUE -> pv.getDoubleValue();
                        case BOOLEAN_VALUE -> pv.getBooleanValue();
                        case STRING_VALUE -> pv.getStringValue();
                        default -> null;
                    };
            if (!pv.getIsNull() && v != null) {
                out.put(set.getKeys(i), v);
            }
        }
        return out;
    }

    /** The quality a metric carries in its {@link MetricNames#PROP_QUALITY} property; GOOD when absent. */
    public static Quality quality(Metric m) {
        if (!m.hasProperties()) {
            return Quality.GOOD;
        }
        PropertySet set = m.getProperties();
        for (int i = 0; i < Math.min(set.getKeysCount(), set.getValuesCount()); i++) {
            if (MetricNames.PROP_QUALITY.equals(set.getKeys(i))) {
                PropertyValue pv = set.getValues(i);
                long code = pv.hasLongValue() ? pv.getLongValue() : pv.getIntValue();
                return Quality.fromCode((int) code);
            }
        }
        return Quality.GOOD;
    }

    /**
     * Decodes a Sparkplug B payload.
     *
     * @throws SparkplugException naming the topic when the bytes are not a valid payload
     */
    public static Payload decode(String topic, byte[] bytes) {
        try {
            return Payload.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new SparkplugException("payload on " + topic + " is not a Sparkplug B payload: " + e.getMessage(), e);
        }
    }
}
