package io.floorlink.collector.indicators;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BucketsTest {
    private static Interval interval(String from, String to) {
        return new Interval(Instant.parse(from), Instant.parse(to));
    }

    @Test
    void aMinuteLongWindowAcrossAMinuteBoundaryReadsBothPartialMinutes() {
        Buckets b = Buckets.of(List.of(interval("2026-03-02T10:00:32Z", "2026-03-02T10:01:32Z")));

        assertThat(b.days()).isEmpty();
        assertThat(b.hours()).isEmpty();
        assertThat(b.minutes()).isEmpty();
        assertThat(b.partial())
                .extracting(Buckets.Partial::bucket)
                .containsExactly(Instant.parse("2026-03-02T10:00:00Z"), Instant.parse("2026-03-02T10:01:00Z"));
        assertThat(b.partial()).extracting(Buckets.Partial::fraction).containsExactly(28 / 60.0, 32 / 60.0);
    }

    @Test
    void aWindowAcrossAnHourBoundaryWithoutAWholeMinuteIsSplitThere() {
        Buckets b = Buckets.of(List.of(interval("2026-03-02T10:59:50Z", "2026-03-02T11:00:20Z")));

        assertThat(b.partial())
                .extracting(Buckets.Partial::bucket)
                .containsExactly(Instant.parse("2026-03-02T10:59:00Z"), Instant.parse("2026-03-02T11:00:00Z"));
    }

    @Test
    void aWindowInsideOneMinuteIsOnePartialMinute() {
        Buckets b = Buckets.of(List.of(interval("2026-03-02T10:00:05Z", "2026-03-02T10:00:50Z")));

        assertThat(b.partial()).hasSize(1);
        assertThat(b.partial().get(0).fraction()).isEqualTo(45 / 60.0);
    }

    @Test
    void wholeDaysHoursAndMinutesGoToTheirRollups() {
        Buckets b = Buckets.of(List.of(interval("2026-03-01T22:58:30Z", "2026-03-03T01:02:10Z")));

        assertThat(b.days()).containsExactly(interval("2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z"));
        assertThat(b.hours())
                .containsExactly(
                        interval("2026-03-01T23:00:00Z", "2026-03-02T00:00:00Z"),
                        interval("2026-03-03T00:00:00Z", "2026-03-03T01:00:00Z"));
        assertThat(b.minutes())
                .containsExactly(
                        interval("2026-03-01T22:59:00Z", "2026-03-01T23:00:00Z"),
                        interval("2026-03-03T01:00:00Z", "2026-03-03T01:02:00Z"));
        assertThat(b.partial())
                .extracting(Buckets.Partial::bucket)
                .containsExactly(Instant.parse("2026-03-01T22:58:00Z"), Instant.parse("2026-03-03T01:02:00Z"));
    }
}
