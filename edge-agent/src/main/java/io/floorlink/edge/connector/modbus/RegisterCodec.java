package io.floorlink.edge.connector.modbus;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Decodes register bytes (as received: two bytes per register, high byte first) into Java values. */
public final class RegisterCodec {
    private RegisterCodec() {}

    /**
     * The value of {@code type} starting at register {@code index} of {@code raw}.
     *
     * @param raw registers as received
     * @param index first register, 0-based within {@code raw}
     * @param type a numeric type (not bool or string)
     * @param order layout of multi-register values
     * @return Integer (int16, uint16, int32), Long (uint32, int64, uint64 as its 64 bits), Float or Double
     */
    public static Object number(byte[] raw, int index, ValueType type, ByteOrder order) {
        int n = type.registers();
        // Single registers are big-endian by the Modbus specification; byte orders apply to wider values only.
        ByteOrder layout = n == 1 ? ByteOrder.ABCD : order;
        ByteBuffer be = ByteBuffer.wrap(layout.toBigEndian(raw, index * 2, n));
        return switch (type) {
            case INT16 -> (int) be.getShort();
            case UINT16 -> be.getShort() & 0xffff;
            case INT32 -> be.getInt();
            case UINT32 -> be.getInt() & 0xffff_ffffL;
            case INT64, UINT64 -> be.getLong();
            case FLOAT32 -> be.getFloat();
            case FLOAT64 -> be.getDouble();
            default -> throw new IllegalArgumentException("not a numeric type: " + type.wireName());
        };
    }

    /** The numeric value as a double; uint64 above Long.MAX_VALUE stays positive. */
    public static double asDouble(Object number, ValueType type) {
        if (type == ValueType.UINT64) {
            long l = (Long) number;
            return l >= 0 ? l : (double) (l >>> 1) * 2.0 + (l & 1);
        }
        return ((Number) number).doubleValue();
    }

    /** ASCII text of {@code count} registers from {@code index}; trailing NULs and spaces removed. */
    public static String text(byte[] raw, int index, int count, ByteOrder order) {
        byte[] b = new byte[count * 2];
        for (int i = 0; i < count; i++) {
            byte hi = raw[2 * (index + i)];
            byte lo = raw[2 * (index + i) + 1];
            b[2 * i] = order.swapBytes() ? lo : hi;
            b[2 * i + 1] = order.swapBytes() ? hi : lo;
        }
        int end = b.length;
        while (end > 0 && (b[end - 1] == 0 || b[end - 1] == ' ')) {
            end--;
        }
        int nul = 0;
        while (nul < end && b[nul] != 0) {
            nul++;
        }
        return new String(b, 0, nul, StandardCharsets.US_ASCII);
    }

    /** Bit {@code bit} (0 = least significant) of register {@code index}. */
    public static boolean bit(byte[] raw, int index, int bit) {
        int v = ((raw[2 * index] & 0xff) << 8) | (raw[2 * index + 1] & 0xff);
        return (v >> bit & 1) == 1;
    }

    /** Bit {@code index} of a packed coil / discrete input response (LSB of the first byte first). */
    public static boolean packedBit(byte[] packed, int index) {
        return (packed[index / 8] >> (index % 8) & 1) == 1;
    }
}
