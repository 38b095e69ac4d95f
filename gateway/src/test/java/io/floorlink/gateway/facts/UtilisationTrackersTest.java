package io.floorlink.gateway.facts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The aggregators behind value_increase, point_state_* and point_static_run. */
class UtilisationTrackersTest {
    private static final long M = Instant.parse("2026-05-01T06:00:00Z").toEpochMilli();

    /** "minute offset/value" -> millis, for readable expectations. */
    private static Map<String, Long> rows(StateTime t) {
        Map<String, Long> out = new TreeMap<>();
        t.millis().forEach((k, v) -> out.put((k.bucket() - M) / 60_000 + "/" + (int) k.value(), v));
        return out;
    }

    @Test
    void stateTimeIsSplitAtMinuteBoundariesAndEndsAtTheSessionEnd() {
        StateTime out = new StateTime();
        StateTracker s = new StateTracker("G", "D", "state", M, Long.MAX_VALUE);
        s.sample(1, M + 50_000, out);
        s.sample(2, M + 70_000, out); // 1 held 50 s .. 70 s: 10 s in minute 0, 10 s in minute 1
        s.sample(Double.NaN, M + 100_000, out); // a bad sample holds nothing
        s.sample(3, M + 110_000, out);
        s.close(M + 125_000, out);
        s.sample(4, M + 200_000, out);
        assertThat(s.isOpen()).isTrue();
        assertThat(rows(out))
                .isEqualTo(Map.of("0/1", 10_000L, "1/1", 10_000L, "1/2", 30_000L, "1/3", 10_000L, "2/3", 5_000L));
    }

    @Test
    void anOpenSegmentIsCreditedAtEachFlushNeverTwice() {
        StateTime out = new StateTime();
        StateTracker s = new StateTracker("G", "D", "state", M, Long.MAX_VALUE);
        s.sample(7, M + 1_000, out);
        s.creditUpTo(M + 21_000, out);
        s.creditUpTo(M + 11_000, out); // an earlier flush time credits nothing
        s.sample(8, M + 16_000, out); // arrived after the flush that credited past it: 0 ms more for 7
        s.creditUpTo(M + 30_000, out);
        assertThat(rows(out)).isEqualTo(Map.of("0/7", 20_000L, "0/8", 9_000L));
    }

    @Test
    void liveSegmentsStartAtTheBirthAndHistoricalOnesStopWhereTheLiveStreamStarts() {
        StateTime out = new StateTime();
        long birth = M + 30_000;
        StateTracker live = new StateTracker("G", "D", "state", birth, Long.MAX_VALUE);
        StateTracker hist = new StateTracker("G", "D", "state", Long.MIN_VALUE, birth);
        live.sample(1, M + 10_000, out); // a DBIRTH value from an older record holds from the birth
        hist.sample(2, M, out);
        hist.sample(3, M + 20_000, out);
        hist.close(Long.MAX_VALUE, out);
        live.close(M + 40_000, out);
        assertThat(rows(out)).isEqualTo(Map.of("0/1", 10_000L, "0/2", 20_000L, "0/3", 10_000L));
    }

    @Test
    void staticRunsOfAtLeastAMinuteAreReportedOpenThenClosed() {
        StaticRunTracker r = new StaticRunTracker("G", "D", "p", Long.MIN_VALUE);
        assertThat(r.sample(5, M)).isNull();
        assertThat(r.sample(5, M + 30_000)).isNull();
        assertThat(r.openRunIfChanged()).as("30 s is no static run yet").isNull();
        assertThat(r.sample(5, M + 60_000)).isNull();
        assertThat(r.openRunIfChanged()).isEqualTo(new StaticRun("G", "D", "p", M, M + 60_000, 5, true));
        assertThat(r.openRunIfChanged()).as("unchanged since the last report").isNull();
        assertThat(r.sample(5, M + 80_000)).isNull();
        assertThat(r.sample(6, M + 90_000)).isEqualTo(new StaticRun("G", "D", "p", M, M + 90_000, 5, false));
        assertThat(r.sample(Double.NaN, M + 100_000)).as("6 held 10 s").isNull();
        assertThat(r.sample(6, M + 110_000)).isNull();
        assertThat(r.close(M + 175_000)).isEqualTo(new StaticRun("G", "D", "p", M + 110_000, M + 175_000, 6, false));
        assertThat(r.close(M + 200_000)).isNull();
    }

    @Test
    void aBadSampleEndsARunAndAHistoricalStreamEndsAtItsLastSample() {
        StaticRunTracker r = new StaticRunTracker("G", "D", "p", Long.MIN_VALUE);
        r.sample(1, M);
        assertThat(r.sample(Double.NaN, M + 61_000)).isEqualTo(new StaticRun("G", "D", "p", M, M + 61_000, 1, false));
        r.sample(2, M + 100_000);
        r.sample(2, M + 170_000);
        assertThat(r.closeAtLast()).isEqualTo(new StaticRun("G", "D", "p", M + 100_000, M + 170_000, 2, false));
    }

    @Test
    void counterIncreasesTreatANegativeStepAsAReset() {
        CounterTracker c = new CounterTracker();
        assertThat(c.next(100, M)).as("no predecessor").isZero();
        assertThat(c.next(104.5, M + 1_000)).isEqualTo(4.5);
        assertThat(c.next(104.5, M + 2_000)).isZero();
        assertThat(c.next(3, M + 3_000)).as("reset: the new value").isEqualTo(3);
        assertThat(c.next(1, M + 2_500)).as("out of order: nothing").isZero();
        assertThat(c.next(10, M + 4_000)).isEqualTo(7);
    }

    @Test
    void increasesMergeAndStayAbsentForOtherPoints() {
        PointAgg a = new PointAgg();
        a.addIncrease(0);
        PointAgg b = new PointAgg();
        b.addIncrease(2.5);
        a.merge(b);
        a.merge(new PointAgg());
        assertThat(a.increase).isEqualTo(2.5);
        PointAgg none = new PointAgg();
        none.merge(new PointAgg());
        assertThat(none.increase).isNaN();
    }
}
