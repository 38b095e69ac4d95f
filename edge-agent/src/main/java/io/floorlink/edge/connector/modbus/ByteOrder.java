package io.floorlink.edge.connector.modbus;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Layout of a multi-register value on the wire, named by the byte positions of a 32-bit value ABCD (A most
 * significant) in register order. The 64-bit names follow the same two rules (swap the bytes inside each register,
 * reverse the register order): ABCDEFGH = ABCD, BADCFEHG = BADC, GHEFCDAB = CDAB, HGFEDCBA = DCBA.
 */
public enum ByteOrder {
    /** Big-endian, the Modbus default (ABCDEFGH for 64-bit). */
    ABCD(false, false, "ABCDEFGH"),
    /** Bytes swapped inside each register (BADCFEHG). */
    BADC(true, false, "BADCFEHG"),
    /** Registers in reverse order, low word first (GHEFCDAB). */
    CDAB(false, true, "GHEFCDAB"),
    /** Little-endian (HGFEDCBA). */
    DCBA(true, true, "HGFEDCBA");

    private final boolean swapBytes;
    private final boolean swapWords;
    private final String name64;

    ByteOrder(boolean swapBytes, boolean swapWords, String name64) {
        this.swapBytes = swapBytes;
        this.swapWords = swapWords;
        this.name64 = name64;
    }

    /** The order for a 32-bit or 64-bit name, case-insensitive. */
    @JsonCreator
    public static ByteOrder parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        for (ByteOrder o : values()) {
            if (o.name().equals(t) || o.name64.equals(t)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown byte order '" + text
                + "' (allowed: ABCD, BADC, CDAB, DCBA or the 64-bit names ABCDEFGH, BADCFEHG, GHEFCDAB, HGFEDCBA)");
    }

    @JsonValue
    public String wireName() {
        return name();
    }

    /** The 64-bit name of this order, e.g. GHEFCDAB for CDAB. */
    public String name64() {
        return name64;
    }

    /** Whether the bytes inside each register are swapped (also applies to strings). */
    boolean swapBytes() {
        return swapBytes;
    }

    /**
     * The big-endian bytes of {@code count} registers starting at byte {@code offset} of {@code raw} (the registers
     * as received, two bytes each, high byte first).
     */
    byte[] toBigEndian(byte[] raw, int offset, int count) {
        byte[] out = new byte[count * 2];
        for (int i = 0; i < count; i++) {
            int src = offset + 2 * (swapWords ? count - 1 - i : i);
            byte hi = raw[src];
            byte lo = raw[src + 1];
            out[2 * i] = swapBytes ? lo : hi;
            out[2 * i + 1] = swapBytes ? hi : lo;
        }
        return out;
    }
}
