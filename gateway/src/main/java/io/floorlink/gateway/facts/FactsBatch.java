package io.floorlink.gateway.facts;

import java.util.List;
import java.util.Map;

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
 */
public record FactsBatch(
        List<SessionOp> sessions,
        List<PointDeclaration> declarations,
        Map<Keys.PointKey, PointAgg> points,
        Map<Keys.DeviceKey, DeviceAgg> devices,
        List<EdgeReceipt> receipts,
        Map<Keys.StateKey, Long> stateMillis,
        List<StaticRun> staticRuns,
        List<PlatformGap> gaps) {

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
