package io.floorlink.gateway;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import io.floorlink.gateway.cluster.ClusterConfig;
import io.floorlink.gateway.cluster.ClusterOwnership;
import io.floorlink.gateway.cluster.GroupLeases;
import io.floorlink.gateway.cluster.LeaseManager;
import io.floorlink.gateway.facts.DayProfiles;
import io.floorlink.gateway.facts.FactsStore;
import io.floorlink.gateway.facts.FactsWriter;
import io.floorlink.gateway.host.HostProcessor;
import io.floorlink.gateway.host.PrimaryHost;
import io.floorlink.gateway.influx.InfluxSink;
import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.host.LiveView;
import io.floorlink.sparkplug.mqtt.MqttClients;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker (embedded or external) + Sparkplug primary host + facts writer, running in-process. Thread-safe;
 * created by {@link #start}, released by {@link #close}.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    /** Messages waiting for the processing thread before new ones are dropped (and counted). */
    static final int QUEUE_CAPACITY = 200_000;
    /**
     * Payload bytes waiting for the processing thread before new messages are dropped (and counted): keeps the heap
     * a lagging host's queue takes bounded whatever the size of the messages ({@link #QUEUE_CAPACITY} alone allows
     * 200,000 DDATA messages of any size).
     */
    static final long QUEUE_BYTES = 64L * 1024 * 1024;

    /** When the day-profile builder first runs after a start, and how often after that (docs/architecture.md). */
    static final Duration PROFILES_FIRST_DELAY = Duration.ofMinutes(1);

    static final Duration PROFILES_INTERVAL = Duration.ofMinutes(5);

    private final GatewayConfig config;
    private final FactsStore store;
    private final FactsWriter writer;
    private final EmbeddedBrokerFactory.Running broker;
    private final HostProcessor processor;
    private final InfluxSink influx;
    private final List<PrimaryHost> hosts;
    private final List<URI> mqttUrls;
    private final LeaseManager leases;
    private final DayProfiles profiles;
    private volatile boolean closed;

    private Gateway(
            GatewayConfig config,
            FactsStore store,
            FactsWriter writer,
            EmbeddedBrokerFactory.Running broker,
            HostProcessor processor,
            InfluxSink influx,
            List<PrimaryHost> hosts,
            List<URI> mqttUrls,
            LeaseManager leases,
            DayProfiles profiles) {
        this.config = config;
        this.store = store;
        this.writer = writer;
        this.broker = broker;
        this.processor = processor;
        this.influx = influx;
        this.hosts = List.copyOf(hosts);
        this.mqttUrls = List.copyOf(mqttUrls);
        this.leases = leases;
        this.profiles = profiles;
    }

    /**
     * Opens and migrates the facts store (closing sessions a previous run left open, end_reason {@code
     * platform_restart}), starts the embedded broker (or targets the external one), connects the primary host
     * (to every configured MQTT server) and publishes its STATE birth on each. Blocks until all of that is done; an
     * external server that is not reachable yet is retried with exponential backoff and jitter, so this keeps
     * blocking until every one is.
     *
     * @param registry where the gateway's meters are registered (the facts store's pool too: {@code hikaricp.*},
     *     pool {@code floorlink-facts}), never null
     * @throws IllegalArgumentException for configuration that cannot work (message names the setting)
     * @throws ConfigException for an embedded broker when module {@code floorlink-broker} is not on the class path
     * @throws Exception when the store or the embedded broker cannot be started
     */
    public static Gateway start(GatewayConfig config, MeterRegistry registry) throws Exception {
        return start(config, registry, FactsWriter.DEFAULT_STALL_BOUND_MS);
    }

    /** As {@link #start(GatewayConfig, MeterRegistry)} with the writer's stall bound (tests shorten it). */
    static Gateway start(GatewayConfig config, MeterRegistry registry, long writerStallBoundMs) throws Exception {
        // before the store opens: a jar without the broker fails as a configuration error, having changed nothing
        EmbeddedBrokerFactory brokers = config.broker().isEmbedded() ? embeddedBrokers() : null;
        List<AutoCloseable> started = new ArrayList<>();
        try {
            StoreConfig sc = config.store();
            FactsStore store = openStore(sc, registry);
            started.add(store);
            ClusterConfig cluster = config.cluster();
            if (cluster == null) {
                int closed = store.closeLeftOpenSessions(config.hostId(), Instant.now());
                if (closed > 0) {
                    log.info("closed {} sessions left open by the previous run (platform_restart)", closed);
                }
            }
            // In a cluster every instance has a heartbeat row of its own: the writer tells by it whether an attempt
            // whose acknowledgement was lost committed, which another instance's heartbeat must not answer.
            String writerId = cluster == null ? config.hostId() : config.hostId() + "/" + cluster.instanceId();
            FactsWriter writer = new FactsWriter(store, writerId, writerStallBoundMs);
            writer.bindTo(registry);
            started.add(writer);

            BrokerConfig bc = config.broker();
            EmbeddedBrokerFactory.Running broker = null;
            List<URI> urls;
            String user;
            String password;
            MqttClientSslConfig ssl = null;
            if (bc.isEmbedded()) {
                broker = brokers.start(bc, config.auth(), config.hostId());
                started.add(broker);
                broker.bindTo(registry);
                urls = List.of(broker.url());
                user = broker.hostUser();
                password = broker.hostPassword();
            } else {
                urls = bc.servers();
                user = bc.username();
                password = Secrets.resolve(bc.password(), "gateway.broker.password");
                ssl = clientSsl(bc.tls());
            }

            HostProcessor processor = new HostProcessor(
                    config.hostId(),
                    QUEUE_CAPACITY,
                    config.flushInterval().toMillis(),
                    config.reorderTimeout().toMillis(),
                    cluster == null ? store.loadReceipts() : java.util.Map.of(),
                    writer::submit);
            processor.meterBinder().bindTo(registry);
            processor.backPressure(writer::hasCapacity);
            processor.stretchFlushInterval(
                    writer::lastWriteCpuMillis,
                    config.effectiveFlushIntervalMax().toMillis());
            processor.maxQueuedBytes(QUEUE_BYTES);
            InfluxSink influx = null;
            if (config.influx() != null) {
                InfluxConfig ic = config.influx();
                influx = new InfluxSink(ic, Secrets.resolve(ic.token(), "gateway.influx.token"));
                influx.meterBinder().bindTo(registry);
                influx.start();
                started.add(influx);
                processor.sampleSink(influx);
                log.info("writing every sample to {} (bucket {}) as well", ic.url(), ic.bucket());
            }
            List<PrimaryHost> hosts = new ArrayList<>();
            LeaseManager leases = null;
            if (cluster != null) {
                leases = new LeaseManager(
                        new GroupLeases(store.dataSource()),
                        config.hostId(),
                        cluster,
                        new ClusterOwnership(store, processor, hosts));
                leases.bindTo(registry);
                processor.cluster(leases::holds);
                store.fence(leases::confirm);
                started.add(leases::stop);
            }
            processor.start();
            started.add(() -> processor.stop(10_000));
            LeaseManager held = leases;
            DayProfiles profiles =
                    new DayProfiles(store.dataSource(), held == null ? group -> true : held::holds, Instant::now);
            profiles.bindTo(registry);
            profiles.start(PROFILES_FIRST_DELAY, PROFILES_INTERVAL);
            started.add(profiles);
            List<CompletableFuture<Void>> births = new ArrayList<>();
            for (URI url : urls) {
                PrimaryHost host = new PrimaryHost(
                        config.hostId(),
                        url.getHost(),
                        BrokerConfig.port(url),
                        user,
                        password,
                        MqttClients.secure(url) ? ssl : null,
                        processor);
                if (cluster != null) {
                    host.onlyGroups();
                }
                started.add(host);
                hosts.add(host);
                births.add(host.start());
            }
            CompletableFuture.allOf(births.toArray(CompletableFuture[]::new)).get();
            if (leases != null) {
                leases.start();
                log.info(
                        "gateway {} of host {} serves its share of {} groups (cluster)",
                        cluster.instanceId(),
                        config.hostId(),
                        cluster.groups().size());
            }
            return new Gateway(config, store, writer, broker, processor, influx, hosts, urls, leases, profiles);
        } catch (Exception | Error e) {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            if (e instanceof ExecutionException ee && ee.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * The embedded broker of module {@code floorlink-broker}.
     *
     * @throws ConfigException naming {@code gateway.broker.mode} and the jar that has the broker when it is absent
     */
    static EmbeddedBrokerFactory embeddedBrokers() {
        return EmbeddedBrokerFactory.find()
                .orElseThrow(() -> new ConfigException("gateway.broker.mode: 'embedded' (the default) needs the"
                        + " embedded MQTT broker, which this jar does not contain: run "
                        + EmbeddedBrokerFactory.FULL_JAR + " (it has module floorlink-broker), or set"
                        + " gateway.broker.mode: external with the url of your MQTT broker"));
    }

    /**
     * Opens the store, waiting for a database that is not reachable yet (exponential backoff 1 s .. 30 s with
     * jitter); other failures (bad credentials, failing migration) end the start.
     */
    private static FactsStore openStore(StoreConfig sc, MeterRegistry registry) throws InterruptedException {
        String password = Secrets.resolve(sc.password(), "gateway.store.password");
        long backoff = 1_000;
        for (int attempt = 1; ; attempt++) {
            try {
                return FactsStore.open(sc.url(), sc.username(), password, registry);
            } catch (IllegalStateException e) {
                if (!FactsStore.isUnreachable(e)) {
                    throw e;
                }
                long wait = backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
                if (attempt == 1 || attempt % 10 == 0) {
                    log.warn(
                            "facts store {} not reachable yet (attempt {}), retrying in {} ms: {}",
                            StoreConfig.safeUrl(sc.url()),
                            attempt,
                            wait,
                            FactsStore.rootMessage(e));
                }
                Thread.sleep(wait);
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
    }

    /** The facts store (migrated, pooled), for the collector's queries. Valid until {@link #close}. */
    public DataSource dataSource() {
        return store.dataSource();
    }

    /**
     * The SSL configuration of the host's client to {@code ssl://} servers: trust and client key from {@code tls},
     * the JVM's defaults for what it leaves out (or all of it when null).
     *
     * @throws IllegalArgumentException naming the field when a store cannot be read with its password
     */
    static MqttClientSslConfig clientSsl(BrokerConfig.Tls tls) {
        if (tls == null) {
            return MqttClientSslConfig.builder().build();
        }
        return MqttClients.ssl(
                tls.trustStore(),
                tls.resolvedTrustStorePassword(),
                tls.keyStore(),
                tls.resolvedKeyStorePassword(),
                "gateway.broker.tls");
    }

    /**
     * The embedded broker's TLS listener URL ({@code ssl://host:<bound port>}), the one edges should use when the
     * broker is reachable from other machines; null without {@code broker.tls} or with an external broker.
     */
    public URI mqttTlsUrl() {
        return broker == null ? null : broker.tlsUrl();
    }

    /** The broker URL edge agents connect to, e.g. {@code tcp://127.0.0.1:<bound port>}; the first server. */
    public URI mqttUrl() {
        return mqttUrls.get(0);
    }

    /** Every MQTT server the host is connected to (one for an embedded broker). */
    public List<URI> mqttUrls() {
        return mqttUrls;
    }

    /** The STATE timestamp of the host's current connection to each server, in {@link #mqttUrls} order. */
    public List<Long> stateTimestamps() {
        return hosts.stream().map(PrimaryHost::stateTimestamp).toList();
    }

    /**
     * A consistent snapshot of the host's live Sparkplug state: every edge node that had an accepted NBIRTH, with
     * its devices and the latest value, quality, timestamp and STALE flag of every metric their births declared.
     * Thread-safe; blocks until the processing thread answers, at most 10 s.
     *
     * @throws IllegalStateException when the gateway is closed, or no answer came in time
     */
    public List<LiveView.Node> liveView() {
        if (closed) {
            throw new IllegalStateException("gateway is closed");
        }
        try {
            return processor.requestLiveView().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the live view", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("live view not available: " + e.getMessage(), e);
        }
    }

    /**
     * In a cluster, the groups this gateway serves now with their lease epochs; empty outside a cluster. Never
     * blocks.
     */
    public java.util.Map<String, Long> heldGroups() {
        return leases == null ? java.util.Map.of() : leases.held();
    }

    /** The Sparkplug primary host id (last level of the STATE topic). */
    public String hostId() {
        return config.hostId();
    }

    /**
     * The gateway's liveness now: DOWN with {@link GatewayHealth#WRITER_STALLED} when batches wait and the writer
     * has not committed for longer than its stall bound, {@link GatewayHealth#STORE_UNREACHABLE} when its last
     * attempt could not reach the store, {@link GatewayHealth#STOPPED} after {@link #close}. Never blocks; safe
     * from any thread.
     */
    public GatewayHealth health() {
        if (closed) {
            return GatewayHealth.of(List.of(GatewayHealth.STOPPED));
        }
        return GatewayHealth.of(writer.problems(System.currentTimeMillis()));
    }

    /**
     * Writes everything received so far (rollups, declarations, session changes) now. Blocks until committed,
     * at most 60 s.
     *
     * @throws IllegalStateException when the write failed or timed out, or the gateway is closed
     */
    public void flush() {
        if (closed) {
            throw new IllegalStateException("gateway is closed");
        }
        try {
            processor.requestFlush().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while flushing facts", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("flushing facts failed: " + e.getMessage(), e);
        }
    }

    /**
     * Publishes STATE offline, writes what is pending, stops the embedded broker and closes the store. Blocks;
     * idempotent. Open sessions stay open in the store and are closed as platform_restart at the next start.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (leases != null) {
            // no group taken or given back while stopping; the leases are given back after the last facts
            leases.stop();
        }
        // Disconnect first so nothing more is taken; what was taken and is not written yet is covered by no receipt,
        // so the edge nodes replay it to the next host.
        for (PrimaryHost host : hosts) {
            host.stop(Duration.ofSeconds(5));
        }
        writer.stopRetrying();
        try {
            processor.stop(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
        profiles.close();
        if (leases != null) {
            leases.close();
        }
        if (influx != null) {
            // after the processor, so the samples of its last messages are in the buffer
            influx.close();
        }
        if (broker != null) {
            broker.close();
        }
        store.close();
        log.info("gateway {} stopped", config.hostId());
    }
}
