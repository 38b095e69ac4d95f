package io.floorlink.edge.connector.mqtt;

import io.floorlink.edge.connector.DeviceSink;
import io.floorlink.edge.point.PointSample;
import io.floorlink.edge.point.PointSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Records what a connector hands to the edge node, for assertions. */
final class RecordingSink implements DeviceSink {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<PointSample> samples = new CopyOnWriteArrayList<>();
    final Map<String, List<PointSpec>> births = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> ok = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> failed = new ConcurrentHashMap<>();

    @Override
    public void deviceUp(String deviceId, List<PointSpec> points) {
        births.put(deviceId, points);
        events.add("up:" + deviceId);
    }

    @Override
    public void deviceDown(String deviceId, String reason) {
        events.add("down:" + deviceId + ":" + reason);
    }

    @Override
    public void samples(List<PointSample> s) {
        samples.addAll(s);
    }

    @Override
    public void reads(String deviceId, long okReads, long failedReads) {
        ok.computeIfAbsent(deviceId, k -> new AtomicLong()).addAndGet(okReads);
        failed.computeIfAbsent(deviceId, k -> new AtomicLong()).addAndGet(failedReads);
    }

    long ok(String deviceId) {
        AtomicLong v = ok.get(deviceId);
        return v == null ? 0 : v.get();
    }

    long failed(String deviceId) {
        AtomicLong v = failed.get(deviceId);
        return v == null ? 0 : v.get();
    }

    List<String> eventsOf(String deviceId) {
        return events.stream()
                .filter(e -> e.startsWith("up:" + deviceId) || e.startsWith("down:" + deviceId + ":"))
                .toList();
    }

    /** The last up/down event of the device, or "" when none. */
    String lastEvent(String deviceId) {
        List<String> e = eventsOf(deviceId);
        return e.isEmpty() ? "" : e.get(e.size() - 1);
    }

    Optional<PointSample> last(String deviceId, String pointId) {
        PointSample found = null;
        for (PointSample s : samples) {
            if (s.deviceId().equals(deviceId) && s.pointId().equals(pointId)) {
                found = s;
            }
        }
        return Optional.ofNullable(found);
    }
}
