package io.floorlink.gateway.facts;

import java.util.HashMap;
import java.util.Map;

/**
 * The fact state of one device of an edge node: its session, declared points, health counters and open
 * historical connectivity run. Confined to the processing thread; created by {@link FactsAggregator#device}.
 */
public final class DeviceFacts {
    final String group;
    final String edgeNode;
    final String deviceId;
    final Map<String, PointFacts> points = new HashMap<>();
    private boolean born;
    boolean sessionOpen;
    /** DBIRTH declarations of the device so far: which one a {@link PointFacts} belongs to */
    int declarations;
    /** whether any point has state, counter or static-run facts */
    boolean tracked;
    /**
     * Per point name, the newest live sample time counted under the device's facts of the node's previous session;
     * taken by the first declaration.
     */
    Map<String, Long> carriedLiveTs = Map.of();

    long readsOk;
    long readsFailed;
    boolean histOpen;
    boolean histTouched;
    long histFrom;
    long histLast = Long.MIN_VALUE;
    long histSeen = Long.MIN_VALUE;
    long histInterval = -1;

    DeviceFacts(String group, String edgeNode, String deviceId) {
        this.group = group;
        this.edgeNode = edgeNode;
        this.deviceId = deviceId;
    }

    public String deviceId() {
        return deviceId;
    }

    /** Whether the device has a DBIRTH (for this host) not followed by a DDEATH. */
    public boolean born() {
        return born;
    }

    public void born(boolean born) {
        this.born = born;
    }

    long interval() {
        return histInterval > 0 ? histInterval : FactsAggregator.HEALTH_MAX_INTERVAL_MS;
    }
}
