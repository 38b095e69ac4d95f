package io.floorlink.collector.indicators;

/**
 * Parameters of {@code networked.v1} (INDICATORS.md), configured as {@code thresholds:} in collector.yaml.
 *
 * @param thetaOnline minimum online_ratio, 0..1; null means 0.90
 * @param thetaComplete minimum completeness, 0..1; null means 0.95
 */
public record Thresholds(Double thetaOnline, Double thetaComplete) {
    public static final double DEFAULT_THETA_ONLINE = 0.90;
    public static final double DEFAULT_THETA_COMPLETE = 0.95;

    public Thresholds {
        thetaOnline = thetaOnline == null ? DEFAULT_THETA_ONLINE : thetaOnline;
        thetaComplete = thetaComplete == null ? DEFAULT_THETA_COMPLETE : thetaComplete;
        if (!(thetaOnline >= 0 && thetaOnline <= 1)) {
            throw new IllegalArgumentException("theta_online must be between 0 and 1 but was " + thetaOnline);
        }
        if (!(thetaComplete >= 0 && thetaComplete <= 1)) {
            throw new IllegalArgumentException("theta_complete must be between 0 and 1 but was " + thetaComplete);
        }
    }

    /** θ_online = 0.90, θ_complete = 0.95. */
    public static Thresholds defaults() {
        return new Thresholds(null, null);
    }
}
