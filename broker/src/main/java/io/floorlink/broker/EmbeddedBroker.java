package io.floorlink.broker;

import com.codahale.metrics.Counter;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.embedded.EmbeddedHiveMQBuilder;
import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.BrokerConfig;
import io.floorlink.gateway.EmbeddedBrokerFactory;
import io.floorlink.gateway.GatewayConfig;
import io.floorlink.sparkplug.io.OwnerOnlyFiles;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HiveMQ CE running in-process with a generated configuration: one TCP listener on the configured address (and
 * with {@link BrokerConfig#tls()} a TLS listener on the same address), anonymous usage statistics off, in-memory
 * persistence, a per-client queue sized for the gateway subscriber.
 * The {@link EdgeAuthExtension} authenticates every client, always: without an {@link AuthConfig} only the
 * gateway's own host client (a random credential of this start) can connect.
 */
public final class EmbeddedBroker implements EmbeddedBrokerFactory.Running {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);
    static final String DROPPED_METRIC = "com.hivemq.messages.dropped.count";
    /** Queued QoS 1 messages per client before HiveMQ drops; the host subscriber sees every edge's traffic. */
    static final int MAX_QUEUE_SIZE = 100_000;

    private final EmbeddedHiveMQ hivemq;
    private final String host;
    private final int port;
    private final int tlsPort;
    private final String hostUser;
    private final String hostPassword;

    private EmbeddedBroker(
            EmbeddedHiveMQ hivemq, String host, int port, int tlsPort, String hostUser, String hostPassword) {
        this.hivemq = hivemq;
        this.host = host;
        this.port = port;
        this.tlsPort = tlsPort;
        this.hostUser = hostUser;
        this.hostPassword = hostPassword;
    }

    /**
     * Generates the configuration in {@code config.dataDir()} and starts the broker. Blocks until it listens.
     *
     * @param auth nullable: without it only the host client may connect, and only a loopback bind address is
     *     accepted (nobody else could connect anyway)
     * @throws IllegalArgumentException for a non-loopback address without auth or with anonymous access, naming
     *     the setting
     * @throws IllegalStateException when the broker does not start
     */
    public static EmbeddedBroker start(BrokerConfig config, AuthConfig auth) throws IOException, InterruptedException {
        return start(config, auth, GatewayConfig.DEFAULT_HOST_ID);
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
        if (!bind.isLoopbackAddress() && auth.allowAnonymous()) {
            throw new IllegalArgumentException(
                    "gateway.auth.allow_anonymous is for a broker on a loopback address only,"
                            + " but gateway.broker.host is " + config.host() + ": give every client a credential");
        }
        BrokerConfig.Tls tls = config.tls();
        if (tls != null) {
            tls = PemStores.toStores(tls, config.dataDir().toAbsolutePath().resolve("conf"));
            checkStores(tls);
        }
        int[] free = freePorts(bind, (config.port() == 0 ? 1 : 0) + (tls != null && tls.listenerPort() == 0 ? 1 : 0));
        int port = config.port() == 0 ? free[0] : config.port();
        int tlsPort = tls == null ? -1 : tls.listenerPort() == 0 ? free[free.length - 1] : tls.listenerPort();
        Path dir = config.dataDir().toAbsolutePath();
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Path extensions = Files.createDirectories(dir.resolve("extensions"));
        // holds key store passwords: owner-only
        OwnerOnlyFiles.writeString(conf.resolve("config.xml"), configXml(config.host(), port, tls, tlsPort));

        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String hostUser = "floorlink-host-" + HexFormat.of().formatHex(random, 0, 4);
        String hostPassword = HexFormat.of().formatHex(random, 4, 24);
        EmbeddedHiveMQBuilder builder = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(data)
                .withExtensionsFolder(extensions)
                .withoutLoggingBootstrap()
                .withEmbeddedExtension(EmbeddedExtension.builder()
                        .withId("floorlink-edge-auth")
                        .withName("FloorLink edge authentication")
                        .withVersion("1")
                        .withAuthor("FloorLink")
                        .withPriority(1000)
                        .withStartPriority(1000)
                        .withExtensionMain(new EdgeAuthExtension(auth, hostUser, hostPassword, hostId))
                        .build());
        if (auth == null) {
            log.warn("gateway.auth lists no credentials: the embedded broker accepts only the gateway's own host"
                    + " client and no edge can connect; add gateway.auth.edges (see docs/operations.md, Security)");
        } else if (auth.allowAnonymous()) {
            log.warn("gateway.auth.allow_anonymous is on: any local process can publish and forge evidence on the"
                    + " embedded broker; for development only, never in a pilot");
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
                    "embedded broker on " + config.host() + ":" + port
                            + (tls == null ? "" : " (TLS port " + tlsPort + ")") + " did not start: " + e.getMessage(),
                    e);
        }
        log.info(
                "embedded MQTT broker listening on {}:{}{}{}",
                config.host(),
                port,
                tls == null ? "" : ", TLS on port " + tlsPort + " (client_auth " + tls.clientAuth() + ")",
                auth == null
                        ? " (authentication on, no credentials)"
                        : " (authentication on, " + auth.edges().size() + " edge and "
                                + auth.clients().size() + " client credentials"
                                + (auth.allowAnonymous() ? ", anonymous allowed)" : ")"));
        return new EmbeddedBroker(hivemq, config.host(), port, tlsPort, hostUser, hostPassword);
    }

    /**
     * HiveMQ does not report the port its listener bound when configured with 0, so a free port is taken from
     * the OS just before start; another process could grab it in between, which then fails the start loudly.
     */
    private static int[] freePorts(InetAddress bind, int count) throws IOException {
        // all sockets open at once so that two listeners never get the same port
        ServerSocket[] sockets = new ServerSocket[count];
        int[] ports = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket();
                sockets[i].setReuseAddress(false);
                sockets[i].bind(new InetSocketAddress(bind, 0), 1);
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return ports;
    }

    /**
     * HiveMQ reports a listener it cannot set up in its log and may start without it, so the stores are opened
     * here first and a wrong password or file fails the start naming the setting.
     */
    private static void checkStores(BrokerConfig.Tls tls) {
        String password = tls.resolvedKeyStorePassword();
        KeyStore keys = open(tls.keyStore(), password, "gateway.broker.tls.key_store");
        try {
            boolean hasKey = false;
            for (String alias : Collections.list(keys.aliases())) {
                if (keys.isKeyEntry(alias)) {
                    keys.getKey(alias, password.toCharArray());
                    hasKey = true;
                }
            }
            if (!hasKey) {
                throw new IllegalArgumentException("gateway.broker.tls.key_store: " + tls.keyStore()
                        + " holds no private key (it must hold the server key and its certificate chain)");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "gateway.broker.tls.key_store: the private key cannot be read with key_store_password"
                            + " (HiveMQ needs the same password for the store and the key): " + e.getMessage(),
                    e);
        }
        if (tls.trustStore() != null) {
            open(tls.trustStore(), tls.resolvedTrustStorePassword(), "gateway.broker.tls.trust_store");
        }
    }

    private static KeyStore open(Path file, String password, String field) {
        try {
            return KeyStore.getInstance(file.toFile(), password == null ? null : password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    field + ": cannot read " + file + " (wrong password or not a PKCS12/JKS key store): "
                            + e.getMessage(),
                    e);
        }
    }

    static String configXml(String host, int port) {
        return configXml(host, port, null, -1);
    }

    static String configXml(String host, int port, BrokerConfig.Tls tls, int tlsPort) {
        return """
                <?xml version="1.0"?>
                <!-- Generated by the FloorLink gateway at every start; edits are overwritten. -->
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                        </tcp-listener>
                %s    </listeners>
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
                """.formatted(port, escape(host), tls == null ? "" : tlsListenerXml(host, tls, tlsPort), MAX_QUEUE_SIZE);
    }

    private static String tlsListenerXml(String host, BrokerConfig.Tls tls, int tlsPort) {
        String keyPassword = escape(nonNull(tls.resolvedKeyStorePassword()));
        String trust = tls.trustStore() == null
                ? ""
                : """
                                    <truststore>
                                        <path>%s</path>
                                        <password>%s</password>
                                    </truststore>
                """.formatted(
                                escape(tls.trustStore().toAbsolutePath().toString()),
                                escape(nonNull(tls.resolvedTrustStorePassword())));
        return """
                        <tls-tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                            <name>tls</name>
                            <tls>
                                <keystore>
                                    <path>%s</path>
                                    <password>%s</password>
                                    <private-key-password>%s</private-key-password>
                                </keystore>
                %s                <client-authentication-mode>%s</client-authentication-mode>
                            </tls>
                        </tls-tcp-listener>
                """.formatted(
                        tlsPort,
                        escape(host),
                        escape(tls.keyStore().toAbsolutePath().toString()),
                        keyPassword,
                        keyPassword,
                        trust,
                        tls.clientAuth().name());
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The URL clients connect to, {@code tcp://host:port} with the real port. */
    @Override
    public URI url() {
        return URI.create("tcp://" + urlHost() + ":" + port);
    }

    /**
     * The TLS listener's URL, {@code ssl://host:port} with the real port; null without {@code broker.tls}. Edges
     * should use it whenever the broker is reachable from outside the gateway's machine.
     */
    @Override
    public URI tlsUrl() {
        return tlsPort < 0 ? null : URI.create("ssl://" + urlHost() + ":" + tlsPort);
    }

    private String urlHost() {
        if ("0.0.0.0".equals(host) || "::".equals(host)) {
            return "127.0.0.1";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** The plain TCP listener's port. */
    public int port() {
        return port;
    }

    /** The TLS listener's port (the real one when configured as 0), or -1 without {@code broker.tls}. */
    public int tlsPort() {
        return tlsPort;
    }

    /** User name of the gateway's own host client; random per start. */
    @Override
    public String hostUser() {
        return hostUser;
    }

    /** Password of the gateway's own host client; random per start, never logged. */
    @Override
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
