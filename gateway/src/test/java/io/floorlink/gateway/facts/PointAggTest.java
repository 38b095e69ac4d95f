package io.floorlink.gateway.facts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PointAggTest {

    @Test
    void mergeAddsCountsCombinesMinMaxAndKeepsTheLatestLast() {
        PointAgg a = new PointAgg();
        a.addSample(0, false);
        a.addValue(5, 2_000);
        a.addLatency(30);
        PointAgg b = new PointAgg();
        b.addSample(2, true);
        b.addValue(-1, 1_000);
        b.addSample(1, false);
        b.addValue(9, 1_500);
        a.merge(b);
        assertThat(a.samples).isEqualTo(3);
        assertThat(a.good).isEqualTo(1);
        assertThat(a.bad).isEqualTo(1);
        assertThat(a.uncertain).isEqualTo(1);
        assertThat(a.historical).isEqualTo(1);
        assertThat(a.min).isEqualTo(-1);
        assertThat(a.max).isEqualTo(9);
        assertThat(a.sum).isEqualTo(13);
        assertThat(a.last).as("value at the latest timestamp").isEqualTo(5);
        assertThat(a.latencyCount).isEqualTo(1);
        assertThat(a.latencyMin).isEqualTo(30);
    }

    @Test
    void nonNumericValuesCountAsSamplesButNotValues() {
        PointAgg a = new PointAgg();
        a.addSample(0, false);
        a.addValue(Double.NaN, 1);
        assertThat(a.samples).isEqualTo(1);
        assertThat(a.valueCount).isZero();
    }
}
