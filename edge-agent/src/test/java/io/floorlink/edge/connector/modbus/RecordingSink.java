package io.floorlink.edge.connector.modbus;

import io.floorlink.edge.connector.DeviceSink;
import io.floorlink.edge.point.PointSample;
import io.floorlink.edge.point.PointSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Keeps what a connector reports, for assertions: the edge node's side of the connector contract. */
final class RecordingSink implements DeviceSink {
    final Map<String, List<PointSpec>> births = new ConcurrentHashMap<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    /** Up/down transitions with their time (System.nanoTime()), in arrival order. */
    final List<Map.Entry<String, Long>> timeline = new CopyOnWriteArrayList<>();

    final Map<String, PointSample> latest = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> ok = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> failed = new ConcurrentHashMap<>();

    @Override
    public void deviceUp(String deviceId, List<PointSpec> points) {
        births.put(deviceId, points);
        events.add("up " + deviceId);
        timeline.add(Map.entry("up " + deviceId, System.nanoTime()));
    }

    @Override
    public void deviceDown(String deviceId, String reason) {
        events.add("down " + deviceId + " " + reason);
        timeline.add(Map.entry("down " + deviceId, System.nanoTime()));
    }

    @Override
    public void samples(List<PointSample> samples) {
        for (PointSample s : samples) {
            latest.put(s.deviceId() + "/" + s.pointId(), s);
        }
    }

    @Override
    public void reads(String deviceId, long okReads, long failedReads) {
        ok.computeIfAbsent(deviceId, k -> new AtomicLong()).addAndGet(okReads);
        failed.computeIfAbsent(deviceId, k -> new AtomicLong()).addAndGet(failedReads);
    }

    PointSample sample(String device, String point) {
        return latest.get(device + "/" + point);
    }

    long ok(String device) {
        AtomicLong v = ok.get(device);
        return v == null ? 0 : v.get();
    }

    long failed(String device) {
        AtomicLong v = failed.get(device);
        return v == null ? 0 : v.get();
    }
}
