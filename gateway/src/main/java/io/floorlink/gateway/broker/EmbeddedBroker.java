package io.floorlink.gateway.broker;

import com.codahale.metrics.Counter;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.embedded.EmbeddedHiveMQBuilder;
import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.BrokerConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HiveMQ CE running in-process with a generated configuration: one TCP listener on the configured address,
 * anonymous usage statistics off, in-memory persistence, a per-client queue sized for the gateway subscriber.
 * With {@link AuthConfig} the {@link EdgeAuthExtension} checks every client; without it the broker must be
 * bound to a loopback address.
 */
public final class EmbeddedBroker implements MeterBinder, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);
    static final String DROPPED_METRIC = "com.hivemq.messages.dropped.count";
    /** Queued QoS 1 messages per client before HiveMQ drops; the host subscriber sees every edge's traffic. */
    static final int MAX_QUEUE_SIZE = 100_000;

    private final EmbeddedHiveMQ hivemq;
    private final String host;
    private final int port;
    private final String hostUser;
    private final String hostPassword;

    private EmbeddedBroker(EmbeddedHiveMQ hivemq, String host, int port, String hostUser, String hostPassword) {
        this.hivemq = hivemq;
        this.host = host;
        this.port = port;
        this.hostUser = hostUser;
        this.hostPassword = hostPassword;
    }

    /**
     * Generates the configuration in {@code config.dataDir()} and starts the broker. Blocks until it listens.
     *
     * @param auth nullable: without it only a loopback bind address is accepted
     * @throws IllegalArgumentException for a non-loopback address without auth, naming the setting
     * @throws IllegalStateException when the broker does not start
     */
    public static EmbeddedBroker start(BrokerConfig config, AuthConfig auth) throws IOException, InterruptedException {
        return start(config, auth, io.floorlink.gateway.GatewayConfig.DEFAULT_HOST_ID);
    }

    /**
     * Like {@link #start(BrokerConfig, AuthConfig)} for the primary host {@code hostId}: edges may read its Sparkplug
     * 2.2 STATE topic {@code spBv1.0/<hostId>} too.
     */
    public static EmbeddedBroker start(BrokerConfig config, AuthConfig auth, String hostId)
            throws IOException, InterruptedException {
        InetAddress bind = InetAddress.getByName(config.host());
        if (!bind.isLoopbackAddress() && auth == null) {
            throw new IllegalArgumentException("gateway.broker.host is " + config.host()
                    + ", which is not a loopback address: configure gateway.auth (edge credentials) before exposing"
                    + " the embedded broker, or bind 127.0.0.1");
        }
        int port = config.port() == 0 ? freePort(bind) : config.port();
        Path dir = config.dataDir().toAbsolutePath();
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Path extensions = Files.createDirectories(dir.resolve("extensions"));
        Files.writeString(conf.resolve("config.xml"), configXml(config.host(), port));

        String hostUser = null;
        String hostPassword = null;
        EmbeddedHiveMQBuilder builder = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(data)
                .withExtensionsFolder(extensions)
                .withoutLoggingBootstrap();
        if (auth != null) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            hostUser = "floorlink-host-" + HexFormat.of().formatHex(random, 0, 4);
            hostPassword = HexFormat.of().formatHex(random, 4, 24);
            builder.withEmbeddedExtension(EmbeddedExtension.builder()
                    .withId("floorlink-edge-auth")
                    .withName("FloorLink edge authentication")
                    .withVersion("1")
                    .withAuthor("FloorLink")
                    .withPriority(1000)
                    .withStartPriority(1000)
                    .withExtensionMain(new EdgeAuthExtension(auth, hostUser, hostPassword, hostId))
                    .build());
        }
        EmbeddedHiveMQ hivemq = builder.build();
        try {
            hivemq.start().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            try {
                hivemq.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IllegalStateException(
                    "embedded broker on " + config.host() + ":" + port + " did not start: " + e.getMessage(), e);
        }
        log.info(
                "embedded MQTT broker listening on {}:{}{}",
                config.host(),
                port,
                auth == null ? "" : " (edge auth on)");
        return new EmbeddedBroker(hivemq, config.host(), port, hostUser, hostPassword);
    }

    /**
     * HiveMQ does not report the port its listener bound when configured with 0, so a free port is taken from
     * the OS just before start; another process could grab it in between, which then fails the start loudly.
     */
    private static int freePort(InetAddress bind) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(bind, 0), 1);
            return s.getLocalPort();
        }
    }

    static String configXml(String host, int port) {
        return """
                <?xml version="1.0"?>
                <!-- Generated by the FloorLink gateway at every start; edits are overwritten. -->
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                        </tcp-listener>
                    </listeners>
                    <mqtt>
                        <queued-messages>
                            <max-queue-size>%d</max-queue-size>
                            <strategy>discard</strategy>
                        </queued-messages>
                    </mqtt>
                    <persistence>
                        <mode>in-memory</mode>
                    </persistence>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, escape(host), MAX_QUEUE_SIZE);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The URL clients connect to, {@code tcp://host:port} with the real port. */
    public URI url() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        if ("0.0.0.0".equals(host) || "::".equals(host)) {
            h = "127.0.0.1";
        }
        return URI.create("tcp://" + h + ":" + port);
    }

    public int port() {
        return port;
    }

    /** User name of the gateway's own host client when auth is on, else null. */
    public String hostUser() {
        return hostUser;
    }

    /** Password of the gateway's own host client when auth is on, else null; random per start, never logged. */
    public String hostPassword() {
        return hostPassword;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("floorlink.gateway.broker.dropped.messages", hivemq, h -> {
                    Counter c = h.getMetricRegistry().getCounters().get(DROPPED_METRIC);
                    return c == null ? 0 : c.getCount();
                })
                .description("Messages the embedded broker dropped (client queue full, message too large, ...)")
                .baseUnit("messages")
                .register(registry);
    }

    /** Stops the broker; blocks up to 30 s. */
    @Override
    public void close() {
        try {
            hivemq.stop().get(30, TimeUnit.SECONDS);
            hivemq.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("embedded broker did not stop cleanly: {}", e.toString());
        }
    }
}
