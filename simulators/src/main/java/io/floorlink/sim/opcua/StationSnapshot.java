package io.floorlink.sim.opcua;

import java.time.Instant;

/**
 * The true state of one simulated sewing station, as the machine itself knows it (a powered-off station is
 * {@link #RUN_STATE_OFF} here while its OPC UA nodes keep the last value with a bad status).
 *
 * @param stationId e.g. "SEW-01"
 * @param powered whether the station has power
 * @param runState {@link #RUN_STATE_OFF}, {@link #RUN_STATE_IDLE}, {@link #RUN_STATE_SEWING} or {@link #RUN_STATE_FAULT}
 * @param stitchCount stitches since the simulation started; grows only while sewing (the OPC UA UInt32 wraps)
 * @param trimCount thread trims (one at the end of each seam)
 * @param pieces finished pieces; one piece every {@value #TRIMS_PER_PIECE} trims
 * @param motorSpeed motor speed in rpm; 0 unless sewing
 * @param faultCode the active fault, 0 unless in fault
 * @param time simulated time of this state (the last tick, or the last power change)
 */
public record StationSnapshot(
        String stationId,
        boolean powered,
        int runState,
        long stitchCount,
        long trimCount,
        long pieces,
        double motorSpeed,
        int faultCode,
        Instant time) {

    /** RunState: powered off. */
    public static final int RUN_STATE_OFF = 0;
    /** RunState: powered, motor stopped, waiting for the operator. */
    public static final int RUN_STATE_IDLE = 1;
    /** RunState: sewing a seam. */
    public static final int RUN_STATE_SEWING = 2;
    /** RunState: stopped by a fault, see {@link #faultCode()}. */
    public static final int RUN_STATE_FAULT = 3;
    /** Trims per finished piece. */
    public static final int TRIMS_PER_PIECE = 4;
}
