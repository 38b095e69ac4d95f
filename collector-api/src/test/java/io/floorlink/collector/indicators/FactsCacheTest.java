package io.floorlink.collector.indicators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FactsCacheTest {

    @Test
    void anEntryIsUsedOnlyAtTheRevisionItWasReadAt() {
        FactsCache cache = new FactsCache(10);
        cache.put("IMM-01/2026-05-04", 3, "facts");

        assertThat(cache.get("IMM-01/2026-05-04", 3)).isEqualTo("facts");
        assertThat(cache.get("IMM-01/2026-05-04", 4))
                .as("the gateway wrote into the day since")
                .isNull();
        assertThat(cache.get("IMM-02/2026-05-04", 3)).isNull();
        assertThat(cache.holds("IMM-01/2026-05-04")).as("held at some revision").isTrue();
        assertThat(cache.holds("IMM-02/2026-05-04")).isFalse();
        assertThat(cache.hits()).as("a peek is no lookup").isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(2);
    }

    @Test
    void theLeastRecentlyUsedEntryGoesFirstAndTheMetersSayIt() {
        FactsCache cache = new FactsCache(2);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        cache.bindTo(registry);
        cache.put("a", 0, 1);
        cache.put("b", 0, 2);
        cache.get("a", 0);
        cache.put("c", 0, 3);

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("b", 0)).as("b was used least recently").isNull();
        assertThat(cache.get("a", 0)).isEqualTo(1);
        assertThat(cache.get("c", 0)).isEqualTo(3);
        assertThat(registry.get("floorlink.collector.indicators.cache.evictions")
                        .functionCounter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("floorlink.collector.indicators.cache.lookups")
                        .tag("result", "hit")
                        .functionCounter()
                        .count())
                .isEqualTo(3);
        assertThat(registry.get("floorlink.collector.indicators.cache.entries")
                        .gauge()
                        .value())
                .isEqualTo(2);
    }

    @Test
    void aCacheOfNoEntriesKeepsNothingAndANegativeBoundIsRefused() {
        FactsCache off = FactsCache.off();
        off.put("a", 0, 1);
        assertThat(off.enabled()).isFalse();
        assertThat(off.get("a", 0)).isNull();
        assertThatThrownBy(() -> new FactsCache(-1)).hasMessageContaining("must be >= 0");
    }

    private static double fills(SimpleMeterRegistry registry, String result) {
        return registry.get("floorlink.collector.indicators.cache.fills")
                .tag("result", result)
                .functionCounter()
                .count();
    }

    @Test
    void fillsWaitInABoundedQueueOnceEachAndTheRestAreDroppedAndCounted() throws Exception {
        FactsCache cache = new FactsCache(10);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        cache.bindTo(registry);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        cache.fillLater("busy", () -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ran.incrementAndGet();
        });
        assertThat(running.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < FactsCache.MAX_PENDING_FILLS + 2; i++) {
            cache.fillLater("report-" + i, ran::incrementAndGet);
        }
        cache.fillLater("report-0", ran::incrementAndGet);
        cache.fillLater("busy", ran::incrementAndGet);
        assertThat(cache.awaitFills(Duration.ofMillis(50)))
                .as("a fill is still running")
                .isFalse();

        release.countDown();
        assertThat(cache.awaitFills(Duration.ofSeconds(10))).isTrue();
        assertThat(ran)
                .as("the running fill and the %d that found room", FactsCache.MAX_PENDING_FILLS)
                .hasValue(1 + FactsCache.MAX_PENDING_FILLS);
        assertThat(fills(registry, "done")).isEqualTo(1 + FactsCache.MAX_PENDING_FILLS);
        assertThat(fills(registry, "dropped")).as("two found the queue full").isEqualTo(2);

        cache.fillLater("report-0", ran::incrementAndGet);
        assertThat(cache.awaitFills(Duration.ofSeconds(10))).isTrue();
        assertThat(ran).as("a key is queued again once its fill ended").hasValue(2 + FactsCache.MAX_PENDING_FILLS);
    }

    @Test
    void aFillThatFailsIsCountedAndTheFillerGoesOn() throws Exception {
        FactsCache cache = new FactsCache(10);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        cache.bindTo(registry);
        cache.fillLater("down", () -> {
            throw new FactsUnavailableException("facts store down", null);
        });
        cache.fillLater("next", () -> cache.put("a", 1, "facts"));
        assertThat(cache.awaitFills(Duration.ofSeconds(10))).isTrue();
        assertThat(fills(registry, "failed")).isEqualTo(1);
        assertThat(fills(registry, "done")).isEqualTo(1);
        assertThat(cache.get("a", 1)).isEqualTo("facts");
    }

    @Test
    void aClosedCacheRunsNoMoreFillsAndKeepsItsEntries() throws Exception {
        FactsCache cache = new FactsCache(10);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        cache.bindTo(registry);
        cache.put("a", 1, "facts");
        cache.close();
        AtomicInteger ran = new AtomicInteger();
        cache.fillLater("report", ran::incrementAndGet);
        assertThat(cache.awaitFills(Duration.ofSeconds(1))).isTrue();
        assertThat(ran).hasValue(0);
        assertThat(fills(registry, "dropped")).isEqualTo(1);
        assertThat(cache.get("a", 1)).isEqualTo("facts");
    }
}
