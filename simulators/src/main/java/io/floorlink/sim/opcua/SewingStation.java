package io.floorlink.sim.opcua;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * The behaviour of one sewing station: idle and sewing alternate, each seam ends with a thread trim, every few
 * trims make a piece, and a seam occasionally ends in a short fault. Transition chances are per unit of time, so
 * the behaviour does not depend on the tick length. Not thread-safe: the simulator calls it under its lock.
 */
final class SewingStation {

    private static final double MEAN_IDLE_SECONDS = 3.0;
    private static final double MEAN_SEAM_SECONDS = 5.0;
    private static final double FAULT_CHANCE_PER_SEAM = 0.04;
    private static final double MIN_FAULT_SECONDS = 2.0;
    private static final double MAX_FAULT_SECONDS = 8.0;
    private static final double MIN_RPM = 3000.0;
    private static final double MAX_RPM = 5000.0;
    /** Thread break, needle break, motor overload, bobbin empty. */
    private static final int[] FAULT_CODES = {101, 102, 201, 301};

    private final String id;
    private final SplittableRandom random;

    private boolean powered = true;
    private int runState = StationSnapshot.RUN_STATE_IDLE;
    private long stitches;
    private long trims;
    private double stitchFraction;
    private double seamRpm;
    private double motorSpeed;
    private int faultCode;
    private double faultSecondsLeft;
    private Instant time;

    SewingStation(String id, SplittableRandom random, Instant start) {
        this.id = id;
        this.random = random;
        this.time = start;
    }

    String id() {
        return id;
    }

    boolean powered() {
        return powered;
    }

    /** Advances the station by {@code elapsed}; a powered-off station does not change. */
    void tick(Duration elapsed, Instant now) {
        if (!powered) {
            return;
        }
        time = now;
        double seconds = elapsed.toNanos() / 1e9;
        switch (runState) {
            case StationSnapshot.RUN_STATE_IDLE -> {
                if (happens(seconds, MEAN_IDLE_SECONDS)) {
                    runState = StationSnapshot.RUN_STATE_SEWING;
                    seamRpm = MIN_RPM + random.nextDouble() * (MAX_RPM - MIN_RPM);
                    sew(seconds);
                }
            }
            case StationSnapshot.RUN_STATE_SEWING -> {
                sew(seconds);
                if (happens(seconds, MEAN_SEAM_SECONDS)) {
                    endSeam();
                }
            }
            case StationSnapshot.RUN_STATE_FAULT -> {
                faultSecondsLeft -= seconds;
                if (faultSecondsLeft <= 0) {
                    runState = StationSnapshot.RUN_STATE_IDLE;
                    faultCode = 0;
                }
            }
            default -> runState = StationSnapshot.RUN_STATE_IDLE;
        }
    }

    private void sew(double seconds) {
        // one stitch per motor revolution, with a little speed wobble around the seam's speed
        motorSpeed = Math.max(MIN_RPM, Math.min(MAX_RPM, seamRpm * (0.98 + 0.04 * random.nextDouble())));
        stitchFraction += motorSpeed / 60.0 * seconds;
        long whole = (long) stitchFraction;
        stitches += whole;
        stitchFraction -= whole;
    }

    private void endSeam() {
        motorSpeed = 0.0;
        stitchFraction = 0.0;
        if (random.nextDouble() < FAULT_CHANCE_PER_SEAM) {
            runState = StationSnapshot.RUN_STATE_FAULT;
            faultCode = FAULT_CODES[random.nextInt(FAULT_CODES.length)];
            faultSecondsLeft = MIN_FAULT_SECONDS + random.nextDouble() * (MAX_FAULT_SECONDS - MIN_FAULT_SECONDS);
        } else {
            runState = StationSnapshot.RUN_STATE_IDLE;
            trims++;
        }
    }

    private boolean happens(double seconds, double meanSeconds) {
        return random.nextDouble() < 1.0 - Math.exp(-seconds / meanSeconds);
    }

    void setPowered(boolean on, Instant now) {
        if (on == powered) {
            return;
        }
        powered = on;
        time = now;
        motorSpeed = 0.0;
        faultCode = 0;
        stitchFraction = 0.0;
        // a machine that loses power mid-seam comes back idle; counters are kept by the controller
        runState = on ? StationSnapshot.RUN_STATE_IDLE : StationSnapshot.RUN_STATE_OFF;
    }

    StationSnapshot snapshot() {
        return new StationSnapshot(
                id,
                powered,
                runState,
                stitches,
                trims,
                trims / StationSnapshot.TRIMS_PER_PIECE,
                motorSpeed,
                faultCode,
                time);
    }
}
