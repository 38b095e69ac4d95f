package io.floorlink.gateway.facts;

/**
 * Additive rollup of one point over one bucket, mirroring the columns of {@code point_minute}. Mutable and
 * confined to one thread at a time (the host's processing thread, then the writer after hand-over).
 */
public final class PointAgg {

    long samples;
    long good;
    long bad;
    long uncertain;
    long historical;
    double min = Double.NaN;
    double max = Double.NaN;
    double sum;
    long valueCount;
    double last = Double.NaN;
    long lastTs = Long.MIN_VALUE;
    long latencyCount;
    long latencySum;
    long latencyMin = Long.MAX_VALUE;
    long latencyMax = Long.MIN_VALUE;
    final long[] lat = new long[FactsSchema.LATENCY_BUCKETS];
    /** Sum of counter increases; NaN when the point is no counter (the column stays NULL). */
    double increase = Double.NaN;

    /** Adds one sample outcome; {@code quality}: 0 good, 1 uncertain, 2 bad. */
    public void addSample(int quality, boolean isHistorical) {
        samples++;
        switch (quality) {
            case 0 -> good++;
            case 1 -> uncertain++;
            default -> bad++;
        }
        if (isHistorical) {
            historical++;
        }
    }

    /** Adds a numeric value observed at {@code ts} (epoch ms); NaN values are not numeric and are skipped. */
    public void addValue(double value, long ts) {
        if (Double.isNaN(value)) {
            return;
        }
        if (valueCount == 0 || value < min) {
            min = value;
        }
        if (valueCount == 0 || value > max) {
            max = value;
        }
        sum += value;
        valueCount++;
        if (ts >= lastTs) {
            lastTs = ts;
            last = value;
        }
    }

    /** Adds an increase of a counter point (never negative; 0 still marks the row as a counter's). */
    public void addIncrease(double amount) {
        increase = Double.isNaN(increase) ? amount : increase + amount;
    }

    /** Adds one latency observation in milliseconds (ingest minus source time, may be negative). */
    public void addLatency(long ms) {
        latencyCount++;
        latencySum += ms;
        latencyMin = Math.min(latencyMin, ms);
        latencyMax = Math.max(latencyMax, ms);
        lat[FactsSchema.latencyBucket(ms)]++;
    }

    /** Combines another rollup of the same point into this one (counts add, min/max combine, last by time). */
    public void merge(PointAgg o) {
        samples += o.samples;
        good += o.good;
        bad += o.bad;
        uncertain += o.uncertain;
        historical += o.historical;
        if (o.valueCount > 0) {
            min = valueCount == 0 ? o.min : Math.min(min, o.min);
            max = valueCount == 0 ? o.max : Math.max(max, o.max);
            sum += o.sum;
            valueCount += o.valueCount;
            if (o.lastTs >= lastTs) {
                lastTs = o.lastTs;
                last = o.last;
            }
        }
        if (!Double.isNaN(o.increase)) {
            addIncrease(o.increase);
        }
        latencyCount += o.latencyCount;
        latencySum += o.latencySum;
        latencyMin = Math.min(latencyMin, o.latencyMin);
        latencyMax = Math.max(latencyMax, o.latencyMax);
        for (int i = 0; i < FactsSchema.LATENCY_BUCKETS; i++) {
            lat[i] += o.lat[i];
        }
    }

    public long samples() {
        return samples;
    }
}
