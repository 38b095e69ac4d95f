package io.floorlink.gateway.cluster;

import io.floorlink.gateway.facts.FactsStore;
import io.floorlink.gateway.host.HostProcessor;
import io.floorlink.gateway.host.PrimaryHost;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a gateway of a cluster does when it gains or loses a group: taking one over it closes the sessions the
 * previous owner left open, reads the group's receipts (after the lease is taken, so they include everything the
 * previous owner committed), hands both to the processor and subscribes to the group's topics; edge nodes it does
 * not know yet are asked for a rebirth as after a restart, and replay what no receipt covers. Losing one it
 * unsubscribes and makes the processor forget the group.
 */
public final class ClusterOwnership implements LeaseManager.Ownership {
    private static final Logger log = LoggerFactory.getLogger(ClusterOwnership.class);

    private final FactsStore store;
    private final HostProcessor processor;
    private final List<PrimaryHost> hosts;

    /** @param hosts the host's clients, one per MQTT server; read at each change (filled after construction) */
    public ClusterOwnership(FactsStore store, HostProcessor processor, List<PrimaryHost> hosts) {
        this.store = store;
        this.processor = processor;
        this.hosts = hosts;
    }

    @Override
    public void adopt(String group, long epoch) throws Exception {
        int closed = store.closeLeftOpenSessions(group, System.currentTimeMillis());
        if (closed > 0) {
            log.info("group {}: closed {} sessions left open by its previous owner (platform_restart)", group, closed);
        }
        processor.adoptGroup(group, epoch, store.loadReceipts(group)).get(30, TimeUnit.SECONDS);
        for (PrimaryHost host : hosts) {
            host.subscribeGroup(group).get(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public CompletableFuture<Void> drop(String group) {
        for (PrimaryHost host : hosts) {
            host.unsubscribeGroup(group);
        }
        return processor.dropGroup(group);
    }
}
