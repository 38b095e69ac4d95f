package io.floorlink.gateway.host;

import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.PropertySet;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.PropertyValue;

/** Allocation-free readers of metric values and properties for the processing thread. */
public final class MetricValues {
    private MetricValues() {}

    /** A non-negative integer property, or -1 when absent. */
    public static long longProperty(PropertySet set, String key) {
        int n = Math.min(set.getKeysCount(), set.getValuesCount());
        for (int i = 0; i < n; i++) {
            if (key.equals(set.getKeys(i))) {
                PropertyValue pv = set.getValues(i);
                if (pv.getIsNull()) {
                    return -1;
                }
                return pv.hasLongValue()
                        ? pv.getLongValue()
                        : pv.hasIntValue() ? Integer.toUnsignedLong(pv.getIntValue()) : -1;
            }
        }
        return -1;
    }

    public static boolean booleanProperty(Metric m, String key) {
        if (!m.hasProperties()) {
            return false;
        }
        PropertySet set = m.getProperties();
        int n = Math.min(set.getKeysCount(), set.getValuesCount());
        for (int i = 0; i < n; i++) {
            if (key.equals(set.getKeys(i))) {
                return set.getValues(i).getBooleanValue();
            }
        }
        return false;
    }

    /** The numeric view of {@link io.floorlink.sparkplug.Metrics#asDouble}, without boxing: NaN when the value is not numeric. */
    public static double numeric(Metric m, DataType type) {
        if (m.getIsNull()) {
            return Double.NaN;
        }
        switch (m.getValueCase()) {
            case INT_VALUE -> {
                int v = m.getIntValue();
                return switch (type) {
                    case INT8 -> (byte) v;
                    case INT16 -> (short) v;
                    case UINT8 -> v & 0xFF;
                    case UINT16 -> v & 0xFFFF;
                    case UINT32, INT64, UINT64, DATETIME -> Integer.toUnsignedLong(v);
                    default -> v;
                };
            }
            case LONG_VALUE -> {
                return m.getLongValue();
            }
            case FLOAT_VALUE -> {
                return m.getFloatValue();
            }
            case DOUBLE_VALUE -> {
                return m.getDoubleValue();
            }
            case BOOLEAN_VALUE -> {
                return m.getBooleanValue() ? 1.0 : 0.0;
            }
            default -> {
                return Double.NaN;
            }
        }
    }

    public static Double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : null;
    }

    public static String text(Object o) {
        return o == null ? null : o.toString();
    }
}
