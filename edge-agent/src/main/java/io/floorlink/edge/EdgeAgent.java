package io.floorlink.edge;

import io.floorlink.edge.config.ConnectorConfig;
import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.connector.Connector;
import io.floorlink.edge.connector.ConnectorTypes;
import io.floorlink.edge.http.HealthServer;
import io.floorlink.edge.node.EdgeNode;
import io.floorlink.sparkplug.metrics.StandardMeters;
import io.floorlink.sparkplug.metrics.UnitOnceNamingConvention;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running edge agent: the connectors of the configuration, the Sparkplug edge node they feed, and the
 * health/metrics HTTP endpoint.
 */
public final class EdgeAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeAgent.class);

    private final EdgeNode node;
    private final List<Connector> connectors;
    private final HealthServer http;
    private final StandardMeters standardMeters;

    private EdgeAgent(EdgeNode node, List<Connector> connectors, HealthServer http, StandardMeters standardMeters) {
        this.node = node;
        this.connectors = connectors;
        this.http = http;
        this.standardMeters = standardMeters;
    }

    /**
     * Builds and starts everything and returns without waiting for any peer: an unreachable MQTT server or
     * device is retried in the background with exponential backoff, never fatal. Opens the durable buffer (blocks
     * on file I/O); a buffer file that cannot be used is reported in {@link #health()}, never fatal.
     *
     * @param config validated configuration
     * @param registry where meters are registered; {@code GET /metrics} serves it when it is (or contains) a
     *     {@link PrometheusMeterRegistry}, otherwise a Prometheus registry is added beside it. The agent binds
     *     Micrometer's standard JVM and process meters there too ({@link StandardMeters}, skipped when the registry
     *     already holds them)
     * @throws java.io.UncheckedIOException when the HTTP address cannot be bound
     * @throws IllegalArgumentException when a connector cannot be built from its configuration
     */
    public static EdgeAgent start(EdgeConfig config, MeterRegistry registry) {
        return start(config, registry, ConnectorTypes::create);
    }

    /** As {@link #start(EdgeConfig, MeterRegistry)}, with connectors built by {@code connectorFactory}. */
    static EdgeAgent start(
            EdgeConfig config,
            MeterRegistry registry,
            BiFunction<ConnectorConfig, MeterRegistry, Connector> connectorFactory) {
        PrometheusMeterRegistry prometheus = findPrometheus(registry);
        MeterRegistry meters = registry;
        if (prometheus == null) {
            prometheus = UnitOnceNamingConvention.install(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            CompositeMeterRegistry composite = new CompositeMeterRegistry();
            composite.add(registry);
            composite.add(prometheus);
            meters = composite;
        }
        EdgeNode node = new EdgeNode(config.edge(), config.uplink(), config.buffer(), config.healthInterval(), meters);
        HealthServer http = new HealthServer(config.http().host(), config.http().port(), node::health, prometheus);
        List<Connector> connectors = new ArrayList<>();
        try {
            for (ConnectorConfig c : config.connectors()) {
                connectors.add(connectorFactory.apply(c, meters));
            }
        } catch (RuntimeException e) {
            connectors.forEach(Connector::close);
            http.close();
            throw e;
        }
        int points = config.devices().stream()
                .mapToInt(EdgeConfig.DeviceOutline::points)
                .sum();
        heapAdvice(points, config.buffer().queueSamples(), Runtime.getRuntime().maxMemory())
                .ifPresent(LOG::warn);
        node.declareDevices(config.devices().stream()
                .map(EdgeConfig.DeviceOutline::deviceId)
                .toList());
        node.start();
        for (Connector c : connectors) {
            c.start(node);
        }
        LOG.info(
                "Edge agent {}/{} started: {} connectors, {} devices, uplink {}, http://{}:{}/health",
                config.edge().group(),
                config.edge().node(),
                connectors.size(),
                config.devices().size(),
                servers(config.uplink()),
                config.http().host(),
                http.port());
        return new EdgeAgent(node, connectors, http, StandardMeters.bindTo(meters));
    }

    // Measured live heap (bench/opcua-load.sh, docs/benchmarks.md): about 30 MB without points, 2-3 KB per point
    // (configuration, connector and node state, the protocol client's item), about 100 bytes per queued sample.
    private static final long HEAP_BASE = 32L << 20;
    private static final long HEAP_PER_POINT = 3 << 10;
    private static final long HEAP_PER_QUEUED_SAMPLE = 100;

    /**
     * A warning when the JVM's maximum heap is likely too small for {@code points} points and a full publisher queue
     * (the shipped launcher's heap is sized for about 10,000 points), with the {@code -Xmx} to use instead.
     */
    static Optional<String> heapAdvice(int points, int queueSamples, long maxHeapBytes) {
        long needed = HEAP_BASE + points * HEAP_PER_POINT + queueSamples * HEAP_PER_QUEUED_SAMPLE;
        if (maxHeapBytes >= needed) {
            return Optional.empty();
        }
        long suggestMb = (needed * 3 / 2 + (1 << 20) - 1) >> 20;
        return Optional.of(String.format(
                "The maximum heap (%d MB) is likely too small for %,d points and buffer.queue_samples %,d (about %d MB"
                        + " live): start the JVM with -Xmx%dm (systemd unit: ExecStart=, containers: JDK_JAVA_OPTIONS)",
                maxHeapBytes >> 20, points, queueSamples, needed >> 20, suggestMb));
    }

    /** The uplink server, or the servers comma-separated. */
    static String servers(EdgeConfig.Uplink uplink) {
        return uplink.serverList().stream().map(Object::toString).collect(java.util.stream.Collectors.joining(","));
    }

    private static PrometheusMeterRegistry findPrometheus(MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry p) {
            return p;
        }
        if (registry instanceof CompositeMeterRegistry c) {
            for (MeterRegistry r : c.getRegistries()) {
                PrometheusMeterRegistry p = findPrometheus(r);
                if (p != null) {
                    return p;
                }
            }
        }
        return null;
    }

    /** The bound port of the health/metrics endpoint (useful with {@code http.port: 0}). */
    public int httpPort() {
        return http.port();
    }

    /** The latest health snapshot (refreshed at least every 1.15 s); never blocks. */
    public EdgeHealth health() {
        return node.health();
    }

    /**
     * Stops the connectors, then the edge node (NDEATH published when born, then disconnect), then
     * the HTTP endpoint. Blocks up to a few seconds per connector plus about 3 s.
     */
    @Override
    public void close() {
        for (Connector c : connectors) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.warn("Connector {} did not close cleanly: {}", c.name(), e.toString());
            }
        }
        node.close();
        http.close();
        standardMeters.close();
        LOG.info("Edge agent stopped");
    }
}
