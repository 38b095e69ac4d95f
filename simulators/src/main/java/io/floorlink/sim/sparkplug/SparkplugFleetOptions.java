package io.floorlink.sim.sparkplug;

import io.floorlink.sparkplug.Limits;
import io.floorlink.sparkplug.Topic;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How to run a {@link SparkplugFleet}.
 *
 * @param url broker, {@code tcp://host:port}, never null
 * @param group Sparkplug group_id of every node, never null
 * @param nodePrefix edge node ids are {@code <nodePrefix>-01} .. {@code <nodePrefix>-nn}, never null
 * @param nodes edge nodes, 1 to 999 (one MQTT connection each)
 * @param devices devices per node, 1 to 9999; device ids are {@code <node>-D0001} .., unique in the group
 * @param points Double points per device, 1 to {@link Limits#MAX_METRICS_PER_MESSAGE}; every DDATA carries all of
 *     a device's points
 * @param rate samples per second over the whole fleet (points times DDATA messages), at least 1
 * @param tick how often each node publishes its share of the rate, 10 ms to 10 s
 * @param username MQTT user name of each node, {@code {node}} replaced by the node id; null for anonymous
 * @param password MQTT password of every node, nullable; never logged
 * @param primaryHost host_id of the primary host whose STATE gates the births; null to birth once subscribed
 * @param maxInflight most DDATA messages a node has sent and not yet had acknowledged; a node at the limit skips its
 *     share of a tick (counted as behind), so a slow host shows as a shortfall instead of unbounded queueing
 */
public record SparkplugFleetOptions(
        URI url,
        String group,
        String nodePrefix,
        int nodes,
        int devices,
        int points,
        long rate,
        Duration tick,
        String username,
        String password,
        String primaryHost,
        int maxInflight) {

    public SparkplugFleetOptions {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("tcp") || scheme.equals("ssl")) || url.getHost() == null) {
            throw new IllegalArgumentException("broker: '" + url + "' must be tcp://host:port or ssl://host:port");
        }
        Topic.requireId("group", Objects.requireNonNull(group, "group"));
        Topic.requireId("node-prefix", Objects.requireNonNull(nodePrefix, "nodePrefix"));
        if (nodes < 1 || nodes > 999) {
            throw new IllegalArgumentException("nodes: must be 1..999, was " + nodes);
        }
        if (devices < 1 || devices > 9999) {
            throw new IllegalArgumentException("devices: must be 1..9999, was " + devices);
        }
        if (points < 1 || points > Limits.MAX_METRICS_PER_MESSAGE) {
            throw new IllegalArgumentException(
                    "points: must be 1.." + Limits.MAX_METRICS_PER_MESSAGE + ", was " + points);
        }
        if (rate < 1) {
            throw new IllegalArgumentException("rate: must be at least 1 sample/s, was " + rate);
        }
        Objects.requireNonNull(tick, "tick");
        if (tick.compareTo(Duration.ofMillis(10)) < 0 || tick.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("tick: must be 10ms..10s, was " + tick.toMillis() + "ms");
        }
        if (primaryHost != null) {
            Topic.requireId("primary-host", primaryHost);
        }
        if (maxInflight < 1) {
            throw new IllegalArgumentException("max-inflight: must be at least 1, was " + maxInflight);
        }
    }

    /** The id of node {@code i} (0-based). */
    public String nodeId(int i) {
        return String.format(Locale.ROOT, "%s-%02d", nodePrefix, i + 1);
    }

    /** The id of device {@code d} (0-based) of node {@code nodeId}. */
    public static String deviceId(String nodeId, int d) {
        return String.format(Locale.ROOT, "%s-D%04d", nodeId, d + 1);
    }

    /** The name of point {@code p} (0-based). */
    public static String pointName(int p) {
        return String.format(Locale.ROOT, "p%04d", p + 1);
    }

    /** The MQTT user name of a node, or null. */
    public String usernameOf(String nodeId) {
        return username == null ? null : username.replace("{node}", nodeId);
    }
}
