package io.floorlink.gateway;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.floorlink.gateway.cluster.ClusterConfig;
import io.floorlink.sparkplug.Topic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Gateway configuration; the collector embeds it as {@code gateway:} in collector.yaml (snake_case keys,
 * durations like {@code 5s}). Validated on construction.
 *
 * @param broker embedded or external broker, never null
 * @param hostId Sparkplug primary host id (the STATE topic's last level); null means {@code floorlink}
 * @param store the facts store, never null
 * @param flushInterval how often rollups and sessions are written; null means 5 s; at least 10 ms
 * @param auth credentials for the embedded broker; null means none: the embedded broker still authenticates every
 *     client and only the gateway's own host client can connect
 * @param reorderTimeout how long a message that arrived ahead of a missing seq waits for the gap to fill before
 *     the gap is given up and a rebirth requested; null means 2 s; 0 to 60 s
 * @param influx the optional time-series sink every accepted sample is written to as well; null means none
 * @param cluster several gateways sharing the store and an external MQTT service, each serving the groups it
 *     holds a lease for; null means this gateway serves every group alone
 * @param flushIntervalMax how far the flush interval may stretch while writing a batch costs the writer more CPU
 *     time than a third of it (at high load a batch costs about the same whatever its interval, so a longer one
 *     lowers the writer's CPU; facts and receipts then come later); null means the larger of 15 s and {@code
 *     flushInterval} ({@link #effectiveFlushIntervalMax}); at least {@code flushInterval}, which turns stretching
 *     off. Keep it well below the edges' {@code uplink.receipt_timeout} (30 s by default), or they replay what is
 *     being written.
 *
 * <p>There is no {@code session_expiry}: the primary host always connects with Clean Start true and Session Expiry 0
 * (Sparkplug 3.0); a configuration that still sets it is refused with a message naming it.
 */
public record GatewayConfig(
        @JsonProperty("broker") BrokerConfig broker,
        @JsonProperty("host_id") String hostId,
        @JsonProperty("store") StoreConfig store,
        @JsonProperty("flush_interval") Duration flushInterval,
        @JsonProperty("auth") AuthConfig auth,
        @JsonProperty("reorder_timeout") Duration reorderTimeout,
        @JsonProperty("influx") InfluxConfig influx,
        @JsonProperty("cluster") ClusterConfig cluster,
        @JsonProperty("flush_interval_max") Duration flushIntervalMax) {

    public static final String DEFAULT_HOST_ID = "floorlink";
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(5);
    /** Half the edges' default receipt timeout: a stretched batch is still acknowledged before they replay it. */
    public static final Duration DEFAULT_FLUSH_INTERVAL_MAX = Duration.ofSeconds(15);

    public static final Duration DEFAULT_REORDER_TIMEOUT = Duration.ofSeconds(2);
    /** Why {@code session_expiry} is refused; the key was removed. */
    static final String SESSION_EXPIRY_REMOVED = "gateway.session_expiry is no longer supported: the primary host"
            + " always connects with Clean Start true and Session Expiry 0 (Sparkplug 3.0,"
            + " message-flow-phid-sparkplug-clean-session-50); nothing is lost at a restart because edge nodes replay"
            + " every record no receipt covers. Remove the key.";

    public GatewayConfig {
        Objects.requireNonNull(broker, "gateway.broker is required");
        Objects.requireNonNull(store, "gateway.store is required");
        hostId = hostId == null ? DEFAULT_HOST_ID : hostId;
        Topic.requireId("gateway.host_id", hostId);
        flushInterval = flushInterval == null ? DEFAULT_FLUSH_INTERVAL : flushInterval;
        if (flushInterval.toMillis() < 10) {
            throw new IllegalArgumentException("gateway.flush_interval must be at least 10ms but was " + flushInterval);
        }
        if (flushIntervalMax != null && flushIntervalMax.compareTo(flushInterval) < 0) {
            throw new IllegalArgumentException("gateway.flush_interval_max must be at least gateway.flush_interval ("
                    + flushInterval + ") but was " + flushIntervalMax);
        }
        if (auth != null && !broker.isEmbedded()) {
            throw new IllegalArgumentException("gateway.auth is for the embedded broker; with broker.mode external the"
                    + " credentials and ACLs are that broker's own (the host connects with broker.username/password)");
        }
        reorderTimeout = reorderTimeout == null ? DEFAULT_REORDER_TIMEOUT : reorderTimeout;
        if (reorderTimeout.isNegative() || reorderTimeout.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException(
                    "gateway.reorder_timeout must be between 0s and 60s but was " + reorderTimeout);
        }
        if (cluster != null && broker.isEmbedded()) {
            throw new IllegalArgumentException("gateway.cluster needs broker.mode external: the gateways of a cluster"
                    + " share one MQTT service, which an embedded broker of one of them is not");
        }
    }

    /**
     * The essentials; the rest take their defaults: reorder timeout 2 s, no Influx sink, no cluster, the default
     * longest flush interval.
     */
    public GatewayConfig(
            BrokerConfig broker, String hostId, StoreConfig store, Duration flushInterval, AuthConfig auth) {
        this(broker, hostId, store, flushInterval, auth, null, null, null, null);
    }

    /**
     * Configuration binding: refuses the removed {@code session_expiry} key with {@link #SESSION_EXPIRY_REMOVED}.
     *
     * @throws IllegalArgumentException naming the setting
     */
    @JsonCreator
    public static GatewayConfig fromConfig(
            @JsonProperty("broker") BrokerConfig broker,
            @JsonProperty("host_id") String hostId,
            @JsonProperty("store") StoreConfig store,
            @JsonProperty("flush_interval") Duration flushInterval,
            @JsonProperty("auth") AuthConfig auth,
            @JsonProperty("reorder_timeout") Duration reorderTimeout,
            @JsonProperty("influx") InfluxConfig influx,
            @JsonProperty("cluster") ClusterConfig cluster,
            @JsonProperty("flush_interval_max") Duration flushIntervalMax,
            @JsonProperty("session_expiry") Object sessionExpiry) {
        if (sessionExpiry != null) {
            throw new IllegalArgumentException(SESSION_EXPIRY_REMOVED);
        }
        return new GatewayConfig(
                broker, hostId, store, flushInterval, auth, reorderTimeout, influx, cluster, flushIntervalMax);
    }

    /**
     * Embedded broker on 127.0.0.1:1883 with its files in {@code dataDir/broker}, H2 file store {@code
     * dataDir/facts.mv.db}, host id {@code floorlink}, flush every 5 s, no credentials (no edge can connect until
     * {@link #withAuth} lists some).
     */
    public static GatewayConfig defaults(Path dataDir) {
        return new GatewayConfig(
                BrokerConfig.embedded("127.0.0.1", 1883, dataDir.resolve("broker")),
                DEFAULT_HOST_ID,
                StoreConfig.h2File(dataDir),
                DEFAULT_FLUSH_INTERVAL,
                null);
    }

    /** The longest flush interval: {@code flushIntervalMax}, or when null the larger of 15 s and the interval. */
    public Duration effectiveFlushIntervalMax() {
        if (flushIntervalMax != null) {
            return flushIntervalMax;
        }
        return flushInterval.compareTo(DEFAULT_FLUSH_INTERVAL_MAX) > 0 ? flushInterval : DEFAULT_FLUSH_INTERVAL_MAX;
    }

    /** Same config with the embedded broker on {@code port} (0 = any free port). */
    public GatewayConfig withBrokerPort(int port) {
        return withBroker(broker.withPort(port));
    }

    public GatewayConfig withBroker(BrokerConfig newBroker) {
        return new GatewayConfig(
                newBroker, hostId, store, flushInterval, auth, reorderTimeout, influx, cluster, flushIntervalMax);
    }

    public GatewayConfig withStore(StoreConfig newStore) {
        return new GatewayConfig(
                broker, hostId, newStore, flushInterval, auth, reorderTimeout, influx, cluster, flushIntervalMax);
    }

    public GatewayConfig withHostId(String newHostId) {
        return new GatewayConfig(
                broker, newHostId, store, flushInterval, auth, reorderTimeout, influx, cluster, flushIntervalMax);
    }

    public GatewayConfig withFlushInterval(Duration newInterval) {
        return new GatewayConfig(
                broker, hostId, store, newInterval, auth, reorderTimeout, influx, cluster, flushIntervalMax);
    }

    /** Same config with this longest flush interval; null for the default ({@link #effectiveFlushIntervalMax}). */
    public GatewayConfig withFlushIntervalMax(Duration newMax) {
        return new GatewayConfig(broker, hostId, store, flushInterval, auth, reorderTimeout, influx, cluster, newMax);
    }

    /** Same config with these broker credentials; null leaves only the gateway's own host client. */
    public GatewayConfig withAuth(AuthConfig newAuth) {
        return new GatewayConfig(
                broker, hostId, store, flushInterval, newAuth, reorderTimeout, influx, cluster, flushIntervalMax);
    }

    public GatewayConfig withReorderTimeout(Duration newTimeout) {
        return new GatewayConfig(
                broker, hostId, store, flushInterval, auth, newTimeout, influx, cluster, flushIntervalMax);
    }

    /** Same config in this cluster; null for a gateway serving every group alone. */
    public GatewayConfig withCluster(ClusterConfig newCluster) {
        return new GatewayConfig(
                broker, hostId, store, flushInterval, auth, reorderTimeout, influx, newCluster, flushIntervalMax);
    }

    /** Same config with this time-series sink; null for none. */
    public GatewayConfig withInflux(InfluxConfig newInflux) {
        return new GatewayConfig(
                broker, hostId, store, flushInterval, auth, reorderTimeout, newInflux, cluster, flushIntervalMax);
    }
}
