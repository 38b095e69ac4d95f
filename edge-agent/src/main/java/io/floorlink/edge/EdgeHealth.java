package io.floorlink.edge;

import io.floorlink.edge.buffer.BufferStatus;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of the edge agent's health, as served on {@code GET /health}. Immutable.
 *
 * @param status UP (uplink connected, primary host online when configured, every device up, buffer ok),
 *     DEGRADED (publishing, but at least one device down or the buffer not ok), DOWN (nothing reaches the platform: uplink down or primary
 *     host offline)
 * @param uplinkConnected whether the MQTT connection to the uplink is established
 * @param primaryHost configured Sparkplug primary host id, null when none is configured
 * @param primaryHostOnline last STATE seen from the primary host; true when none is configured
 * @param nodeBorn whether the edge node is born (NBIRTH published in the current session)
 * @param bdSeq bdSeq of the current (or next) MQTT session, 0..255
 * @param server the MQTT server the uplink uses or tries now (one of {@code uplink.servers}, or {@code uplink.url})
 * @param devices every configured device, in configuration order (then devices known only from the buffer)
 * @param buffer the durable buffer's state (ok, degraded, error and why), size and age
 * @param at when the snapshot was taken
 */
public record EdgeHealth(
        Status status,
        boolean uplinkConnected,
        String primaryHost,
        boolean primaryHostOnline,
        boolean nodeBorn,
        long bdSeq,
        String server,
        List<DeviceHealth> devices,
        BufferStatus buffer,
        Instant at) {

    public EdgeHealth {
        devices = List.copyOf(devices);
    }

    /** Overall state. */
    public enum Status {
        UP,
        DEGRADED,
        DOWN
    }

    /** The health of one device, or null when the agent has no such device. */
    public DeviceHealth device(String deviceId) {
        return devices.stream().filter(d -> d.id().equals(deviceId)).findFirst().orElse(null);
    }

    /**
     * Health of one device.
     *
     * @param id equipment id
     * @param up whether its connector reaches it
     * @param born whether its DBIRTH is published in the current edge node session
     * @param reason why it is down (the connector's reason, e.g. {@code session_lost}); null while up or before
     *     the first report
     * @param readsOk successful point reads since the agent started
     * @param readsFailed failed point reads since the agent started
     * @param since when {@code up} last changed; null before the first report
     */
    public record DeviceHealth(
            String id, boolean up, boolean born, String reason, long readsOk, long readsFailed, Instant since) {}
}
