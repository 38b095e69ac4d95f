package io.floorlink.gateway.host;

import io.floorlink.sparkplug.Receipt;
import java.util.concurrent.CompletableFuture;

/** Where the host's commands and receipts go: one per MQTT server (an edge node is on one of them). */
public interface Uplink {
    /** Sends an NCMD Node Control/Rebirth to the edge node; never blocks. */
    void sendRebirth(String groupId, String edgeNodeId);

    /**
     * Publishes a receipt (retained, QoS 1); never blocks.
     *
     * @return completes when the server acknowledged it, exceptionally when it did not
     */
    CompletableFuture<?> sendReceipt(String groupId, String edgeNodeId, Receipt receipt);
}
