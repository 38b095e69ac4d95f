package io.floorlink.collector.indicators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
        assertThat(cache.hits()).isEqualTo(1);
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
}
