package io.floorlink.gateway.host;

import io.floorlink.gateway.facts.EdgeReceipt;
import io.floorlink.sparkplug.Receipt;
import io.floorlink.sparkplug.SparkplugException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every MQTT server the host is on: rebirth requests and receipts go to each. Thread-safe; never blocks. */
final class Uplinks {
    private static final Logger log = LoggerFactory.getLogger(Uplinks.class);

    private final String hostId;
    private final HostMetrics metrics;
    private final List<Uplink> uplinks = new CopyOnWriteArrayList<>();
    private final Throttle throttle = new Throttle(30_000);

    Uplinks(String hostId, HostMetrics metrics) {
        this.hostId = hostId;
        this.metrics = metrics;
    }

    void add(Uplink uplink) {
        uplinks.add(uplink);
    }

    void sendRebirth(String group, String edgeNode) {
        for (Uplink u : uplinks) {
            try {
                u.sendRebirth(group, edgeNode);
            } catch (RuntimeException e) {
                log.warn("rebirth request to {}/{} failed: {}", group, edgeNode, e.toString());
            }
        }
    }

    /**
     * Called once a batch is committed, with the receipts that batch stored: a receipt never covers a record id
     * whose facts are not stored.
     */
    void publishReceipts(List<EdgeReceipt> receipts, long committedAt) {
        if (receipts.isEmpty() || uplinks.isEmpty()) {
            return;
        }
        for (EdgeReceipt er : receipts) {
            Receipt receipt;
            try {
                receipt = new Receipt(hostId, er.epoch(), committedAt, er.ranges());
            } catch (SparkplugException e) {
                long suppressed = throttle.allow("receipt:" + er.groupId() + "/" + er.edgeNodeId(), committedAt);
                if (suppressed >= 0) {
                    log.warn("no receipt for {}/{}: {}", er.groupId(), er.edgeNodeId(), e.getMessage());
                }
                continue;
            }
            for (Uplink u : uplinks) {
                CompletableFuture<?> sent;
                try {
                    sent = u.sendReceipt(er.groupId(), er.edgeNodeId(), receipt);
                } catch (RuntimeException e) {
                    sent = CompletableFuture.failedFuture(e);
                }
                sent.whenComplete((ok, failure) -> {
                    if (failure == null) {
                        metrics.receiptsPublished.increment();
                        return;
                    }
                    long suppressed = throttle.allow("receipt-send", System.currentTimeMillis());
                    if (suppressed >= 0) {
                        log.warn(
                                "receipt for {}/{} not published: {} ({} more since last warning)",
                                er.groupId(),
                                er.edgeNodeId(),
                                failure.toString(),
                                suppressed);
                    }
                });
            }
        }
    }
}
