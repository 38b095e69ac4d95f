package io.floorlink.sparkplug;

/** Quality of one sample, carried as the {@link MetricNames#PROP_QUALITY} property on the wire. */
public enum Quality {
    GOOD(192),
    UNCERTAIN(64),
    BAD(0);

    private final int code;

    Quality(int code) {
        this.code = code;
    }

    /** The OPC Classic style quality code sent on the wire. */
    public int code() {
        return code;
    }

    /** Maps a wire code to a quality: the OPC Classic quality bits 0xC0 decide (11 good, 01 uncertain). */
    public static Quality fromCode(int code) {
        int bits = code & 0xC0;
        if (bits == 0xC0) {
            return GOOD;
        }
        return bits == 0x40 ? UNCERTAIN : BAD;
    }
}
