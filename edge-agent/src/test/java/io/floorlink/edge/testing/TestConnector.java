package io.floorlink.edge.testing;

import io.floorlink.edge.connector.Connector;
import io.floorlink.edge.connector.DeviceSink;
import io.floorlink.edge.point.PointSample;
import io.floorlink.edge.point.PointSpec;
import io.floorlink.sparkplug.Quality;
import java.time.Instant;
import java.util.List;

/**
 * A connector of this test suite: instead of a protocol it lets the test decide when its device is up or
 * down and which values it reads, and hands them to the real sink.
 */
public final class TestConnector implements Connector {
    private final String name;
    private final List<String> deviceIds;
    private volatile DeviceSink sink;
    private volatile boolean closed;

    public TestConnector(String name, List<String> deviceIds) {
        this.name = name;
        this.deviceIds = List.copyOf(deviceIds);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> deviceIds() {
        return deviceIds;
    }

    @Override
    public void start(DeviceSink sink) {
        this.sink = sink;
    }

    public boolean started() {
        return sink != null;
    }

    public boolean closed() {
        return closed;
    }

    public void up(String device, List<PointSpec> points) {
        sink.deviceUp(device, points);
    }

    public void down(String device, String reason) {
        sink.deviceDown(device, reason);
    }

    public void value(String device, String point, Object value, Instant sourceTime) {
        sink.samples(List.of(new PointSample(device, point, value, Quality.GOOD, sourceTime, Instant.now())));
        sink.reads(device, 1, 0);
    }

    public void sample(PointSample s) {
        sink.samples(List.of(s));
    }

    public void reads(String device, long ok, long failed) {
        sink.reads(device, ok, failed);
    }

    @Override
    public void close() {
        closed = true;
    }
}
