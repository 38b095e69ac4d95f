package io.floorlink.edge.connector.opcua;

import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.Quality;
import java.lang.reflect.Array;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;

/** Converts OPC UA (Milo) values, types and statuses to the protocol-neutral FloorLink ones. */
final class OpcUaValues {
    private static final long CODE_MASK = 0xFFFF0000L;

    private OpcUaValues() {}

    /**
     * The Sparkplug datatype for an OPC UA built-in type; null for types FloorLink does not carry (ByteString,
     * ExtensionObject, ...). Text-like types (LocalizedText, QualifiedName, NodeId, Guid, StatusCode) travel
     * as STRING.
     */
    static DataType dataTypeOf(OpcUaDataType builtin) {
        if (builtin == null) {
            return null;
        }
        return switch (builtin) {
            case Boolean -> DataType.BOOLEAN;
            case SByte -> DataType.INT8;
            case Byte -> DataType.UINT8;
            case Int16 -> DataType.INT16;
            case UInt16 -> DataType.UINT16;
            case Int32 -> DataType.INT32;
            case UInt32 -> DataType.UINT32;
            case Int64 -> DataType.INT64;
            case UInt64 -> DataType.UINT64;
            case Float -> DataType.FLOAT;
            case Double -> DataType.DOUBLE;
            case DateTime -> DataType.DATETIME;
            case String, LocalizedText, QualifiedName, NodeId, ExpandedNodeId, Guid, StatusCode, XmlElement ->
                DataType.STRING;
            default -> null;
        };
    }

    /**
     * Converts a Milo value to the Java type documented on {@link DataType} for {@code type}.
     *
     * @return the converted value, never null for a non-null input
     * @throws IllegalArgumentException when the value does not fit the type (out of range, not a number, an
     *     array for a scalar point)
     */
    static Object toJava(Object value, DataType type) {
        if (value == null) {
            return null;
        }
        if (value.getClass().isArray()) {
            if (type == DataType.STRING) {
                return arrayText(value);
            }
            throw new IllegalArgumentException("array value for a scalar " + type + " point");
        }
        return switch (type) {
            case BOOLEAN -> toBoolean(value);
            case INT8 -> (int) ranged(value, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case UINT8 -> (int) ranged(value, 0, 0xFF);
            case INT16 -> (int) ranged(value, Short.MIN_VALUE, Short.MAX_VALUE);
            case UINT16 -> (int) ranged(value, 0, 0xFFFF);
            case INT32 -> (int) ranged(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case UINT32 -> ranged(value, 0, 0xFFFF_FFFFL);
            case INT64, UINT64 -> integral(value);
            case FLOAT -> (float) number(value).doubleValue();
            case DOUBLE -> number(value).doubleValue();
            case STRING, TEXT -> text(value);
            case DATETIME -> epochMillis(value);
        };
    }

    /** The FloorLink quality of an OPC UA status: by its severity bits. */
    static Quality quality(StatusCode status) {
        if (status.isGood()) {
            return Quality.GOOD;
        }
        return status.isUncertain() ? Quality.UNCERTAIN : Quality.BAD;
    }

    /**
     * True for the statuses a server (or a line controller in front of stations) reports when it cannot reach
     * the device behind the node: Bad_NoCommunication, Bad_NotConnected, Bad_DeviceFailure.
     */
    static boolean isNoCommunication(StatusCode status) {
        long code = status.getValue() & CODE_MASK;
        return code == StatusCodes.Bad_NoCommunication
                || code == StatusCodes.Bad_NotConnected
                || code == StatusCodes.Bad_DeviceFailure;
    }

    /** The symbolic name of a status, e.g. {@code Bad_NoCommunication}, or its hex value when unknown. */
    static String statusName(StatusCode status) {
        return StatusCodes.lookup(status.getValue()).map(a -> a[0]).orElse(String.format("0x%08X", status.getValue()));
    }

    /** Source timestamp, else server timestamp, else the receive time. */
    static Instant sourceTime(DataValue dv, Instant received) {
        DateTime t = dv.sourceTime();
        if (t == null || !t.isValid() || t.isNull()) {
            t = dv.serverTime();
        }
        if (t == null || !t.isValid() || t.isNull()) {
            return received;
        }
        return t.getJavaInstant();
    }

    private static Boolean toBoolean(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException("cannot read " + value.getClass().getSimpleName() + " as boolean");
    }

    private static long ranged(Object value, long min, long max) {
        long v = integral(value);
        if (v < min || v > max) {
            throw new IllegalArgumentException("value " + v + " out of range [" + min + ", " + max + "]");
        }
        return v;
    }

    private static long integral(Object value) {
        if (value instanceof Boolean b) {
            return b ? 1 : 0;
        }
        Number n = number(value);
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (d != Math.rint(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("value " + d + " is not a whole number");
            }
            return (long) d;
        }
        return n.longValue();
    }

    private static Number number(Object value) {
        if (value instanceof Number n) {
            return n;
        }
        if (value instanceof Boolean b) {
            return b ? 1 : 0;
        }
        throw new IllegalArgumentException("cannot read " + value.getClass().getSimpleName() + " as a number");
    }

    private static long epochMillis(Object value) {
        if (value instanceof DateTime dt) {
            return dt.getJavaTime();
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException("cannot read " + value.getClass().getSimpleName() + " as a DateTime");
    }

    static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof LocalizedText lt) {
            return lt.text() == null ? "" : lt.text();
        }
        if (value instanceof QualifiedName qn) {
            return qn.name() == null ? "" : qn.name();
        }
        if (value instanceof DateTime dt) {
            return dt.getJavaInstant().toString();
        }
        if (value instanceof StatusCode sc) {
            return sc.toString();
        }
        if (value.getClass().isArray()) {
            return arrayText(value);
        }
        return value.toString();
    }

    private static String arrayText(Object array) {
        int n = Array.getLength(array);
        List<String> parts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Object e = Array.get(array, i);
            parts.add(e == null ? "null" : text(e));
        }
        return "[" + String.join(", ", parts) + "]";
    }
}
