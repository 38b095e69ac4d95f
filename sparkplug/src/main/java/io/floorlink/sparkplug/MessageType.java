package io.floorlink.sparkplug;

/** Sparkplug B 3.0 message types (specification section 4.1.2). */
public enum MessageType {
    NBIRTH,
    NDEATH,
    DBIRTH,
    DDEATH,
    NDATA,
    DDATA,
    NCMD,
    DCMD,
    STATE;

    /** True for the message types whose topic carries a device_id. */
    public boolean isDeviceMessage() {
        return this == DBIRTH || this == DDEATH || this == DDATA || this == DCMD;
    }
}
