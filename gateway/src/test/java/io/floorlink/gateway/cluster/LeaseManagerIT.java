package io.floorlink.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.gateway.facts.FactsStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Two lease managers (two gateways of one cluster) on one H2 store: they split the groups, a stopped one's groups
 * are taken over after its leases expire with a new epoch, and a closed one gives its groups back at once.
 */
class LeaseManagerIT {
    private static final List<String> GROUPS = List.of("ENT-1", "ENT-2", "ENT-3", "ENT-4");

    /** What a gateway serves: adopted groups with their epochs, as the lease manager told it. */
    private static final class Served implements LeaseManager.Ownership {
        final Map<String, Long> groups = new ConcurrentHashMap<>();

        @Override
        public void adopt(String group, long epoch) {
            groups.put(group, epoch);
        }

        @Override
        public CompletableFuture<Void> drop(String group) {
            groups.remove(group);
            return CompletableFuture.completedFuture(null);
        }
    }

    private static LeaseManager manager(FactsStore store, String id, Served served, SimpleMeterRegistry registry) {
        LeaseManager m = new LeaseManager(
                new GroupLeases(store.dataSource()),
                "host",
                new ClusterConfig(id, Duration.ofMillis(1500), Duration.ofMillis(300), GROUPS),
                served);
        m.bindTo(registry);
        return m;
    }

    @Test
    void twoManagersSplitTheGroupsAndTheSurvivorTakesOverAStoppedOnesWithNewEpochs() throws Exception {
        String url = "jdbc:h2:mem:lm-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
        try (FactsStore store = FactsStore.open(url, "sa", null)) {
            Served a = new Served();
            Served b = new Served();
            SimpleMeterRegistry ra = new SimpleMeterRegistry();
            SimpleMeterRegistry rb = new SimpleMeterRegistry();
            LeaseManager ma = manager(store, "gw-a", a, ra);
            LeaseManager mb = manager(store, "gw-b", b, rb);
            ma.start();
            mb.start();
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> a.groups.size() == 2 && b.groups.size() == 2);
                assertThat(Set.copyOf(a.groups.keySet())).doesNotContainAnyElementsOf(b.groups.keySet());
                assertThat(ma.held()).isEqualTo(a.groups);
                assertThat(ra.get("floorlink.gateway.cluster.leases").gauge().value())
                        .isEqualTo(2);

                // gw-b stops renewing without giving its leases back (a frozen or dead gateway)
                Map<String, Long> bHeld = Map.copyOf(b.groups);
                mb.stop();
                await().atMost(Duration.ofSeconds(20)).until(() -> a.groups.size() == 4);
                for (Map.Entry<String, Long> e : bHeld.entrySet()) {
                    assertThat(a.groups.get(e.getKey()))
                            .as("a takeover is a new epoch: %s", e.getKey())
                            .isGreaterThan(e.getValue());
                    assertThat(mb.holds(e.getKey(), e.getValue()))
                            .as("the stopped manager's view is stale, but the store refuses it: %s", e.getKey())
                            .isTrue();
                    assertThat(new GroupLeases(store.dataSource()).renew(e.getKey(), "gw-b", e.getValue(), 1500))
                            .isFalse();
                }
                assertThat(ra.get("floorlink.gateway.cluster.takeovers")
                                .counter()
                                .count())
                        .isGreaterThanOrEqualTo(2);

                // a gateway that closes gives its groups back at once: a new one takes them without waiting
                Served c = new Served();
                LeaseManager mc = manager(store, "gw-c", c, new SimpleMeterRegistry());
                mc.start();
                try {
                    await().atMost(Duration.ofSeconds(20)).until(() -> a.groups.size() == 2 && c.groups.size() == 2);
                    ma.close();
                    await().atMost(Duration.ofSeconds(20)).until(() -> c.groups.size() == 4);
                } finally {
                    mc.close();
                }
            } finally {
                ma.close();
                mb.close();
            }
        }
    }
}
