package io.floorlink.gateway.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: while writing a batch costs the writer more CPU time than a third of the flush interval, the interval grows
 * (up to its maximum) so the writer stays about a third busy; it comes back once writes are fast again.
 */
class FlushIntervalStretchTest {

    @Test
    void theIntervalIsThreeTimesTheLastWriteBetweenTheIntervalAndItsMaximum() throws Exception {
        AtomicInteger batches = new AtomicInteger();
        AtomicLong lastWrite = new AtomicLong(0);
        HostProcessor processor = new HostProcessor("stretch-host", 1_000, 100, batch -> {
            batches.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        });
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        processor.meterBinder().bindTo(registry);
        processor.stretchFlushInterval(lastWrite::get, 2_000);
        processor.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> batches.get() >= 3);
            assertThat(interval(registry))
                    .as("fast writes: the configured 100 ms")
                    .isEqualTo(0.1);

            lastWrite.set(300);
            await().atMost(Duration.ofSeconds(10)).until(() -> interval(registry) == 0.9);
            int before = batches.get();
            Thread.sleep(3_000);
            // a wide band: a loaded machine may hold a flush back, never bring one forward (30 at 100 ms)
            assertThat(batches.get() - before)
                    .as("flushes in 3 s at a 900 ms interval")
                    .isBetween(1, 6);

            lastWrite.set(60_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> interval(registry) == 2.0);

            lastWrite.set(20);
            await().atMost(Duration.ofSeconds(10)).until(() -> interval(registry) == 0.1);
        } finally {
            processor.stop(10_000);
        }
    }

    @Test
    void aMaximumBelowTheIntervalIsRefused() {
        HostProcessor processor =
                new HostProcessor("stretch-host", 1_000, 5_000, batch -> CompletableFuture.completedFuture(null));
        assertThatThrownBy(() -> processor.stretchFlushInterval(() -> 0, 1_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1000 ms is below the flush interval 5000 ms");
    }

    private static double interval(SimpleMeterRegistry registry) {
        return registry.get("floorlink.gateway.flush.interval").gauge().value();
    }
}
