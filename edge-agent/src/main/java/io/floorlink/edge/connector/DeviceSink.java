package io.floorlink.edge.connector;

import io.floorlink.edge.point.PointSample;
import io.floorlink.edge.point.PointSpec;
import java.util.List;

/**
 * Where a connector delivers what it learns about its devices. Implemented by the edge node. Every method is
 * non-blocking and thread-safe: connectors call it from protocol callback threads (Milo, Netty, MQTT), so
 * implementations only enqueue.
 */
public interface DeviceSink {

    /**
     * The device is reachable and these are its points with resolved datatypes. Called again after every
     * reconnect; the edge node (re)births the device.
     */
    void deviceUp(String deviceId, List<PointSpec> points);

    /**
     * The device is no longer reachable (session lost, Bad_NoCommunication, TCP drop, silence).
     *
     * @param reason short machine-readable reason, e.g. {@code no_communication}, {@code session_lost}
     */
    void deviceDown(String deviceId, String reason);

    /** New values, in source-time order per point. Samples of an unknown or down device are dropped. */
    void samples(List<PointSample> samples);

    /** Adds to the device's read counters ({@code _health/reads_ok}, {@code _health/reads_failed}). */
    void reads(String deviceId, long ok, long failed);
}
