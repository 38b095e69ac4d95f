package io.floorlink.gateway.facts;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Everything gathered since the last flush, handed from the processing thread to the writer. The writer owns
 * it afterwards.
 *
 * @param sessions session changes in the order they happened
 * @param declarations point declarations to upsert
 * @param points per-minute point rollups
 * @param devices per-minute device counter increments
 * @param receipts received record ids of the edge nodes that got new ones; written in the same transaction as
 *     the rollups they contributed to
 * @param stateMillis per-minute time in each value of state points
 * @param staticRuns static runs to upsert, in the order produced (a later version of a run replaces an earlier one)
 * @param gaps known platform gaps to record ({@code platform_gap})
 * @param leases in a cluster, the lease epoch each group's facts were gathered under: the store writes a group's
 *     facts only while that lease is still the writer's ({@code gateway.cluster}); empty outside a cluster
 */
public record FactsBatch(
        List<SessionOp> sessions,
        List<PointDeclaration> declarations,
        Map<Keys.PointKey, PointAgg> points,
        Map<Keys.DeviceKey, DeviceAgg> devices,
        List<EdgeReceipt> receipts,
        Map<Keys.StateKey, Long> stateMillis,
        List<StaticRun> staticRuns,
        List<PlatformGap> gaps,
        Map<String, Long> leases) {

    /** A batch outside a cluster (no lease epochs). */
    public FactsBatch(
            List<SessionOp> sessions,
            List<PointDeclaration> declarations,
            Map<Keys.PointKey, PointAgg> points,
            Map<Keys.DeviceKey, DeviceAgg> devices,
            List<EdgeReceipt> receipts,
            Map<Keys.StateKey, Long> stateMillis,
            List<StaticRun> staticRuns,
            List<PlatformGap> gaps) {
        this(sessions, declarations, points, devices, receipts, stateMillis, staticRuns, gaps, Map.of());
    }

    /** A batch without platform gaps. */
    public FactsBatch(
            List<SessionOp> sessions,
            List<PointDeclaration> declarations,
            Map<Keys.PointKey, PointAgg> points,
            Map<Keys.DeviceKey, DeviceAgg> devices,
            List<EdgeReceipt> receipts,
            Map<Keys.StateKey, Long> stateMillis,
            List<StaticRun> staticRuns) {
        this(sessions, declarations, points, devices, receipts, stateMillis, staticRuns, List.of());
    }

    /** A batch without state time or static runs. */
    public FactsBatch(
            List<SessionOp> sessions,
            List<PointDeclaration> declarations,
            Map<Keys.PointKey, PointAgg> points,
            Map<Keys.DeviceKey, DeviceAgg> devices,
            List<EdgeReceipt> receipts) {
        this(sessions, declarations, points, devices, receipts, Map.of(), List.of());
    }

    /** A batch without receipts. */
    public FactsBatch(
            List<SessionOp> sessions,
            List<PointDeclaration> declarations,
            Map<Keys.PointKey, PointAgg> points,
            Map<Keys.DeviceKey, DeviceAgg> devices) {
        this(sessions, declarations, points, devices, List.of());
    }

    /** The same batch gathered under these lease epochs (group to epoch). */
    public FactsBatch withLeases(Map<String, Long> newLeases) {
        return new FactsBatch(
                sessions,
                declarations,
                points,
                devices,
                receipts,
                stateMillis,
                staticRuns,
                gaps,
                Map.copyOf(newLeases));
    }

    /**
     * The part of the batch that concerns the groups in {@code keep}, and the platform gaps of no group; the
     * leases of the other groups are left out too.
     */
    public FactsBatch onlyGroups(Set<String> keep) {
        Map<String, Long> keptLeases = new HashMap<>(leases);
        keptLeases.keySet().retainAll(keep);
        return new FactsBatch(
                sessions.stream().filter(o -> keep.contains(o.groupId())).toList(),
                declarations.stream().filter(d -> keep.contains(d.groupId())).toList(),
                only(points, k -> keep.contains(k.groupId())),
                only(devices, k -> keep.contains(k.groupId())),
                receipts.stream().filter(r -> keep.contains(r.groupId())).toList(),
                only(stateMillis, k -> keep.contains(k.groupId())),
                staticRuns.stream().filter(r -> keep.contains(r.groupId())).toList(),
                gaps.stream()
                        .filter(g -> g.groupId() == null || keep.contains(g.groupId()))
                        .toList(),
                keptLeases);
    }

    private static <K, V> Map<K, V> only(Map<K, V> map, Predicate<K> keep) {
        Map<K, V> out = new HashMap<>();
        map.forEach((k, v) -> {
            if (keep.test(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * The records the batch holds: point and device rollups, state-time and static-run rows, session changes,
     * declarations, receipts and gaps. What the writer's backlog is bounded by ({@link FactsWriter}): it is what a
     * batch costs in memory, and the minute-level rows it writes.
     */
    public long records() {
        return (long) points.size()
                + devices.size()
                + stateMillis.size()
                + staticRuns.size()
                + sessions.size()
                + declarations.size()
                + receipts.size()
                + gaps.size();
    }

    public boolean isEmpty() {
        return sessions.isEmpty()
                && declarations.isEmpty()
                && points.isEmpty()
                && devices.isEmpty()
                && receipts.isEmpty()
                && stateMillis.isEmpty()
                && staticRuns.isEmpty()
                && gaps.isEmpty();
    }
}
