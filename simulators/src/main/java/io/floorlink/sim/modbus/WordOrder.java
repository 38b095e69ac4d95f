package io.floorlink.sim.modbus;

import java.util.Locale;

/**
 * How a machine lays multi-register values out on the wire. The names are the byte positions of a 32-bit value
 * ABCD (A most significant) as sent in register order; 64-bit values follow the same two rules (swap bytes inside
 * each register, reverse the register order).
 */
public enum WordOrder {
    /** Big-endian, the Modbus default. */
    ABCD(false, false),
    /** Bytes swapped inside each register. */
    BADC(true, false),
    /** Registers in reverse order (low word first). */
    CDAB(false, true),
    /** Little-endian. */
    DCBA(true, true);

    private final boolean swapBytes;
    private final boolean swapWords;

    WordOrder(boolean swapBytes, boolean swapWords) {
        this.swapBytes = swapBytes;
        this.swapWords = swapWords;
    }

    /** The order for a name (case-insensitive). */
    public static WordOrder parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown byte order '" + text + "' (allowed: ABCD, BADC, CDAB, DCBA)");
        }
    }

    /** Registers holding the big-endian bytes {@code be} (length even) in this order. */
    short[] registers(byte[] be) {
        int n = be.length / 2;
        short[] out = new short[n];
        for (int i = 0; i < n; i++) {
            int src = swapWords ? n - 1 - i : i;
            int hi = be[2 * src] & 0xff;
            int lo = be[2 * src + 1] & 0xff;
            out[i] = (short) (swapBytes ? (lo << 8 | hi) : (hi << 8 | lo));
        }
        return out;
    }

    /** Registers of a text, two characters per register, NUL padded; only the byte swap applies. */
    short[] text(String text, int registers) {
        byte[] b = new byte[registers * 2];
        byte[] src = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(src, 0, b, 0, Math.min(src.length, b.length));
        short[] out = new short[registers];
        for (int i = 0; i < registers; i++) {
            int hi = b[2 * i] & 0xff;
            int lo = b[2 * i + 1] & 0xff;
            out[i] = (short) (swapBytes ? (lo << 8 | hi) : (hi << 8 | lo));
        }
        return out;
    }
}
