package io.floorlink.edge.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void delaysDoubleWithinJitterBoundsAndStopAtTheMaximum() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new Random(42));
        for (int i = 0; i < 200; i++) {
            assertThat(b.delay(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
            assertThat(b.delay(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
            assertThat(b.delay(3)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
            assertThat(b.delay(5)).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
            assertThat(b.delay(1000)).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
        }
    }

    @Test
    void jitterSpreadsAgentsThatFailedTogether() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new Random(7));
        long distinct = java.util.stream.IntStream.range(0, 50)
                .mapToObj(i -> b.delay(4))
                .distinct()
                .count();
        assertThat(distinct).isGreaterThan(40);
    }
}
