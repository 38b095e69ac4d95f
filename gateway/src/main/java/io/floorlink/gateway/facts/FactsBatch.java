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
 */
public record FactsBatch(
        List<SessionOp> sessions,
        List<PointDeclaration> declarations,
        Map<Keys.PointKey, PointAgg> points,
        Map<Keys.DeviceKey, DeviceAgg> devices,
        List<EdgeReceipt> receipts) {

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
                && receipts.isEmpty();
    }
}
