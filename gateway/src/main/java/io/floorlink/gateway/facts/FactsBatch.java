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
 */
public record FactsBatch(
        List<SessionOp> sessions,
        List<PointDeclaration> declarations,
        Map<Keys.PointKey, PointAgg> points,
        Map<Keys.DeviceKey, DeviceAgg> devices) {

    public boolean isEmpty() {
        return sessions.isEmpty() && declarations.isEmpty() && points.isEmpty() && devices.isEmpty();
    }
}
