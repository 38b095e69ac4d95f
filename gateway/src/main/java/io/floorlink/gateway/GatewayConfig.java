package io.floorlink.gateway;

import com.fasterxml.jackson.annotation.JsonProperty;
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
 * @param auth edge credentials for the embedded broker; null means no authentication (loopback only)
 */
public record GatewayConfig(
        @JsonProperty("broker") BrokerConfig broker,
        @JsonProperty("host_id") String hostId,
        @JsonProperty("store") StoreConfig store,
        @JsonProperty("flush_interval") Duration flushInterval,
        @JsonProperty("auth") AuthConfig auth) {

    public static final String DEFAULT_HOST_ID = "floorlink";
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(5);

    public GatewayConfig {
        Objects.requireNonNull(broker, "gateway.broker is required");
        Objects.requireNonNull(store, "gateway.store is required");
        hostId = hostId == null ? DEFAULT_HOST_ID : hostId;
        Topic.requireId("gateway.host_id", hostId);
        flushInterval = flushInterval == null ? DEFAULT_FLUSH_INTERVAL : flushInterval;
        if (flushInterval.toMillis() < 10) {
            throw new IllegalArgumentException("gateway.flush_interval must be at least 10ms but was " + flushInterval);
        }
    }

    /**
     * Embedded broker on 127.0.0.1:1883 with its files in {@code dataDir/broker}, H2 file store {@code
     * dataDir/facts.mv.db}, host id {@code floorlink}, flush every 5 s, no auth.
     */
    public static GatewayConfig defaults(Path dataDir) {
        return new GatewayConfig(
                BrokerConfig.embedded("127.0.0.1", 1883, dataDir.resolve("broker")),
                DEFAULT_HOST_ID,
                StoreConfig.h2File(dataDir),
                DEFAULT_FLUSH_INTERVAL,
                null);
    }

    /** Same config with the embedded broker on {@code port} (0 = any free port). */
    public GatewayConfig withBrokerPort(int port) {
        return withBroker(broker.withPort(port));
    }

    public GatewayConfig withBroker(BrokerConfig newBroker) {
        return new GatewayConfig(newBroker, hostId, store, flushInterval, auth);
    }

    public GatewayConfig withStore(StoreConfig newStore) {
        return new GatewayConfig(broker, hostId, newStore, flushInterval, auth);
    }

    public GatewayConfig withHostId(String newHostId) {
        return new GatewayConfig(broker, newHostId, store, flushInterval, auth);
    }

    public GatewayConfig withFlushInterval(Duration newInterval) {
        return new GatewayConfig(broker, hostId, store, newInterval, auth);
    }

    /** Same config with edge authentication; null turns it off. */
    public GatewayConfig withAuth(AuthConfig newAuth) {
        return new GatewayConfig(broker, hostId, store, flushInterval, newAuth);
    }
}
