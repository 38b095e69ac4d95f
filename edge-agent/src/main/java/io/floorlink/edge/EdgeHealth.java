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
 * @param reasons why the status is not UP, as short stable words (empty while UP): {@value #UPLINK_DOWN}, {@value
 *     #HOST_OFFLINE}, {@value #NOT_BORN}, {@value #DEVICE_DOWN}, and {@code buffer_<code>} for a buffer not ok (the
 *     buffer's {@link BufferStatus#code() code}: {@code buffer_disk_full}, {@code buffer_io_error}, {@code
 *     buffer_write_error}, {@code buffer_unavailable}, {@code buffer_corrupt}, {@code buffer_deleted}, {@code
 *     buffer_overflow})
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
        List<String> reasons,
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
        reasons = List.copyOf(reasons);
        devices = List.copyOf(devices);
    }

    /** Reason: the MQTT connection to the uplink is not established. */
    public static final String UPLINK_DOWN = "uplink_down";
    /** Reason: the configured primary host is offline. */
    public static final String HOST_OFFLINE = "host_offline";
    /** Reason: connected, but the NBIRTH of this session is not published yet. */
    public static final String NOT_BORN = "not_born";
    /** Reason: at least one device is down. */
    public static final String DEVICE_DOWN = "device_down";
    /** Prefix of the reasons for a buffer that is not ok, followed by the buffer's code. */
    public static final String BUFFER_PREFIX = "buffer_";

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
