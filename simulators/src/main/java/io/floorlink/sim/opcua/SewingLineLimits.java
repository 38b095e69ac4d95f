package io.floorlink.sim.opcua;

/**
 * Operation limits the simulated server advertises in {@code Server/ServerCapabilities/OperationLimits} (OPC UA
 * Part 5 §6.3.11) and enforces: a Read, Browse, TranslateBrowsePathsToNodeIds, RegisterNodes or
 * Create/Modify/DeleteMonitoredItems call with more operations than its limit is answered with Bad_TooManyOperations
 * (Part 4 §5.10.2, §5.8.2, §5.12.2). Real PLC servers allow far fewer operations per call than a PC server; this
 * lets tests and demos reproduce them. 0 means no limit (Milo's default for that limit is kept).
 *
 * @param maxNodesPerRead most nodes per Read, 0 = no limit
 * @param maxNodesPerBrowse most nodes per Browse, TranslateBrowsePathsToNodeIds and RegisterNodes, 0 = no limit
 * @param maxMonitoredItemsPerCall most items per Create/Modify/DeleteMonitoredItems, 0 = no limit
 * @param monitoredItemsLimitAdvertised false for a device that under-reports: MaxMonitoredItemsPerCall is
 *     enforced but OperationLimits shows Milo's default (10,000). The Read and Browse limits are always advertised
 *     (Milo enforces what it advertises)
 */
public record SewingLineLimits(
        int maxNodesPerRead,
        int maxNodesPerBrowse,
        int maxMonitoredItemsPerCall,
        boolean monitoredItemsLimitAdvertised) {

    /** No limits of our own. */
    public static final SewingLineLimits NONE = new SewingLineLimits(0, 0, 0);

    /** Small limits like a PLC's: 50 nodes per Read, 20 per Browse, 50 monitored items per call. */
    public static final SewingLineLimits SMALL = new SewingLineLimits(50, 20, 50);

    /** Validates: every limit 0 or positive; throws {@link IllegalArgumentException} naming the field. */
    public SewingLineLimits {
        check("max_nodes_per_read", maxNodesPerRead);
        check("max_nodes_per_browse", maxNodesPerBrowse);
        check("max_monitored_items_per_call", maxMonitoredItemsPerCall);
    }

    /** Limits that are all advertised. */
    public SewingLineLimits(int maxNodesPerRead, int maxNodesPerBrowse, int maxMonitoredItemsPerCall) {
        this(maxNodesPerRead, maxNodesPerBrowse, maxMonitoredItemsPerCall, true);
    }

    private static void check(String field, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(field + ": must be 0 (no limit) or positive, was " + value);
        }
    }

    /** Whether any limit is set. */
    public boolean any() {
        return maxNodesPerRead > 0 || maxNodesPerBrowse > 0 || maxMonitoredItemsPerCall > 0;
    }
}
