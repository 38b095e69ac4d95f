package io.floorlink.gateway.facts;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facts store's Hikari pool reports Micrometer's standard {@code hikaricp.*} meters, tag pool=floorlink-facts. */
class FactsStorePoolMetersTest {

    @TempDir
    Path dir;

    private String url(String name) {
        return "jdbc:h2:file:" + dir.resolve(name) + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
    }

    private static Gauge active(SimpleMeterRegistry registry) {
        return registry.find("hikaricp.connections.active")
                .tag("pool", FactsStore.POOL_NAME)
                .gauge();
    }

    @Test
    void poolMetersComeWithTheStoreAndGoWithItSoAReopenedStoreReportsAgain() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        for (int round = 0; round < 3; round++) {
            try (FactsStore store = FactsStore.open(url("facts"), "sa", null, registry)) {
                assertThat(active(registry)).isNotNull();
                assertThat(registry.find("hikaricp.connections.max")
                                .tag("pool", "floorlink-facts")
                                .gauge()
                                .value())
                        .isEqualTo(4.0);
            }
            assertThat(active(registry)).isNull();
            assertThat(registry.find("hikaricp.connections").meters()).isEmpty();
        }
    }

    @Test
    void withoutARegistryThePoolReportsNothing() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        try (FactsStore store = FactsStore.open(url("facts"), "sa", null)) {
            assertThat(registry.getMeters()).isEmpty();
        }
    }

    @Test
    void aSecondStoreOpenOnTheSameRegistryDoesNotTakeOverTheFirstsMeters() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        try (FactsStore first = FactsStore.open(url("a"), "sa", null, registry)) {
            Gauge firstActive = active(registry);
            try (FactsStore second = FactsStore.open(url("b"), "sa", null, registry)) {
                assertThat(active(registry)).isSameAs(firstActive);
            }
            assertThat(active(registry)).isSameAs(firstActive);
        }
        assertThat(active(registry)).isNull();
    }
}
