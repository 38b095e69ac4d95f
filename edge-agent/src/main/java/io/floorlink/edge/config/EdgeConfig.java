package io.floorlink.edge.config;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import io.floorlink.edge.buffer.Overflow;
import io.floorlink.edge.connector.ConnectorTypes;
import io.floorlink.sparkplug.Limits;
import io.floorlink.sparkplug.SparkplugException;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.config.ConfigFieldException;
import io.floorlink.sparkplug.config.DataSize;
import io.floorlink.sparkplug.config.YamlConfig;
import io.floorlink.sparkplug.mqtt.MqttClients;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The edge agent's configuration file ({@code edge.yaml}); see edge-agent/README.md for every key. Records
 * validate themselves when built and throw {@link IllegalArgumentException} naming the field.
 *
 * @param edge Sparkplug identity of this edge node, never null
 * @param uplink the MQTT server the edge node publishes to, never null
 * @param buffer durable store-and-forward buffer settings, never null after construction
 * @param http health and metrics endpoint, never null after construction
 * @param healthInterval how often every born device publishes its {@code _health/*} metrics; default 5 s,
 *     at most 10 s
 * @param connectors the connections to equipment, at least one; connector names and device ids unique
 */
public record EdgeConfig(
        Edge edge, Uplink uplink, Buffer buffer, Http http, Duration healthInterval, List<ConnectorConfig> connectors) {

    /** Default {@link #healthInterval}. */
    public static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(5);
    /** Upper bound of {@link #healthInterval}: the gateway treats a device silent for longer as unknown. */
    public static final Duration MAX_HEALTH_INTERVAL = Duration.ofSeconds(10);

    public EdgeConfig {
        if (edge == null) {
            throw new ConfigFieldException("edge", "required ({ group: <enterprise code>, node: <edge box id> })");
        }
        if (uplink == null) {
            throw new ConfigFieldException("uplink", "required ({ url: tcp://host:1883, ... })");
        }
        buffer = buffer == null ? Buffer.DEFAULT : buffer;
        http = http == null ? Http.DEFAULT : http;
        healthInterval = healthInterval == null ? DEFAULT_HEALTH_INTERVAL : healthInterval;
        if (healthInterval.isNegative() || healthInterval.isZero()) {
            throw new ConfigFieldException("health_interval", "must be positive");
        }
        if (healthInterval.compareTo(MAX_HEALTH_INTERVAL) > 0) {
            throw new ConfigFieldException("health_interval", "must be at most 10s (health is the device's heartbeat)");
        }
        if (connectors == null || connectors.isEmpty()) {
            throw new ConfigFieldException("connectors", "at least one connector is required");
        }
        Set<String> names = new HashSet<>();
        Map<String, String> deviceOwner = new HashMap<>();
        for (int i = 0; i < connectors.size(); i++) {
            ConnectorConfig c = connectors.get(i);
            if (c == null) {
                throw new ConfigFieldException("connectors[" + i + "]", "empty entry");
            }
            if (!names.add(c.name())) {
                throw new ConfigFieldException(
                        "connectors[" + i + "].name", "duplicate connector name '" + c.name() + "'");
            }
            List<DeviceOutline> devices = devicesOf(c);
            for (int d = 0; d < devices.size(); d++) {
                String id = devices.get(d).deviceId();
                String field = "connectors[" + i + "].devices[" + d + "].id";
                try {
                    requireId("device id", id);
                } catch (SparkplugException e) {
                    throw new ConfigFieldException(field, e.getMessage());
                }
                String owner = deviceOwner.putIfAbsent(id, c.name());
                if (owner != null) {
                    throw new ConfigFieldException(
                            field,
                            "duplicate device id '" + id + "' (already used in connector '" + owner
                                    + "'); device ids are unique across the agent");
                }
            }
        }
        connectors = List.copyOf(connectors);
    }

    /**
     * A Sparkplug id the platform accepts: no topic characters, at most {@link Limits#MAX_ID_LENGTH} characters.
     *
     * @throws SparkplugException naming {@code element}
     */
    static void requireId(String element, String value) {
        Topic.requireId(element, value);
        if (value.length() > Limits.MAX_ID_LENGTH) {
            throw new SparkplugException(element + " '" + value.substring(0, 32) + "...' is too long: at most "
                    + Limits.MAX_ID_LENGTH + " characters (has " + value.length() + ")");
        }
    }

    /** A configured key or trust store must exist and be readable when the configuration is loaded. */
    static void requireReadableFile(String field, Path file) {
        if (file != null && !java.nio.file.Files.isReadable(file)) {
            throw new IllegalArgumentException(
                    field + ": " + file + (java.nio.file.Files.exists(file) ? " is not readable" : " does not exist"));
        }
    }

    /**
     * Reads and validates a configuration file. Blocks on file I/O.
     *
     * @throws ConfigException whose message starts with {@code file:line:column: field:}
     */
    public static EdgeConfig load(Path file) {
        return YamlConfig.load(file, EdgeConfig.class);
    }

    /**
     * Parses configuration text, with {@code ${NAME}} resolved by {@code env}.
     *
     * @param source name used in error messages
     * @throws ConfigException whose message starts with {@code source:line:column: field:}
     */
    public static EdgeConfig parse(String source, String text, Function<String, String> env) {
        return YamlConfig.parse(source, text, env, EdgeConfig.class);
    }

    /** Every device of every connector, in configuration order. */
    public List<DeviceOutline> devices() {
        List<DeviceOutline> out = new ArrayList<>();
        for (ConnectorConfig c : connectors) {
            out.addAll(devicesOf(c));
        }
        return out;
    }

    /** Devices of one connector, in configuration order. */
    public static List<DeviceOutline> devicesOf(ConnectorConfig c) {
        return ConnectorTypes.of(c).devices(c);
    }

    /**
     * One device as configured, protocol-neutral.
     *
     * @param connector name of its connector
     * @param type connector type ({@code opcua}, ...)
     * @param deviceId equipment id (Sparkplug device_id)
     * @param points number of configured points
     */
    public record DeviceOutline(String connector, String type, String deviceId, int points) {}

    /**
     * {@code edge:} Sparkplug identity.
     *
     * @param group Sparkplug group_id, the enterprise code; a valid Sparkplug id
     * @param node Sparkplug edge_node_id, the edge box id; a valid Sparkplug id
     */
    public record Edge(String group, String node) {
        public Edge {
            check("edge.group", group);
            check("edge.node", node);
        }

        private static void check(String field, String value) {
            if (value == null) {
                throw new IllegalArgumentException(field + ": required");
            }
            try {
                requireId(field, value);
            } catch (SparkplugException e) {
                // Placed at the field itself (edge is a root-level section, so its path is absolute).
                throw new ConfigFieldException(field, e.getMessage());
            }
        }
    }

    /**
     * {@code uplink:} the MQTT server (MQTT 3.1.1, clean session) the edge node publishes Sparkplug to.
     *
     * @param url {@code tcp://host[:1883]} or {@code ssl://host[:8883]}; exactly one of {@code url} and {@code
     *     servers} is given
     * @param username MQTT user name, nullable (anonymous)
     * @param password MQTT password, nullable; write it as {@code ${ENV}}; never logged
     * @param primaryHost host_id of the Sparkplug primary host application; when set, the edge node births only
     *     while that host's STATE is online; nullable
     * @param clientId MQTT client identifier; defaults to {@code floorlink-<group>-<node>} (set by the agent)
     * @param keepAlive MQTT keep alive; default 30 s, whole seconds from 1 s to 18 h
     * @param reconnect backoff between connection attempts; default 1 s initial, 30 s max
     * @param tls trust and key stores for {@code ssl://}; nullable (JVM default trust)
     * @param servers several MQTT servers (Sparkplug 3.0 multi-server), all {@code tcp://} or all {@code ssl://}; the
     *     edge node moves to the next one when the primary host is not online on the current one; nullable
     * @param hostWait how long the edge node waits on a server for the primary host's STATE online before it moves to
     *     the next server (with {@code servers}); default 10 s, at least 1 s
     * @param aliases whether metrics carry Sparkplug aliases (births name + alias, data alias only); default true
     * @param receipts whether buffered records are deleted only on the primary host's end-to-end receipts; default
     *     true with a {@code primary_host}, false without; true requires {@code primary_host}
     * @param receiptTimeout how long a published record may stay without a receipt before what is unreceipted is
     *     replayed; default 30 s, at least 1 s
     */
    public record Uplink(
            URI url,
            String username,
            String password,
            String primaryHost,
            String clientId,
            Duration keepAlive,
            Reconnect reconnect,
            Tls tls,
            List<URI> servers,
            Duration hostWait,
            Boolean aliases,
            Boolean receipts,
            Duration receiptTimeout) {
        /** Default {@link #receiptTimeout}. */
        public static final Duration DEFAULT_RECEIPT_TIMEOUT = Duration.ofSeconds(30);
        /** Default {@link #hostWait}. */
        public static final Duration DEFAULT_HOST_WAIT = Duration.ofSeconds(10);
        /** Most entries of {@link #servers}. */
        public static final int MAX_SERVERS = 16;

        public Uplink {
            if (url == null && (servers == null || servers.isEmpty())) {
                throw new IllegalArgumentException(
                        "uplink.url: required (or uplink.servers), e.g. tcp://127.0.0.1:1883");
            }
            if (url != null && servers != null) {
                throw new IllegalArgumentException(
                        "uplink.servers: give either uplink.url or uplink.servers, not both");
            }
            if (url != null) {
                checkServer("uplink.url", url);
            } else {
                if (servers.size() > MAX_SERVERS) {
                    throw new IllegalArgumentException("uplink.servers: at most " + MAX_SERVERS + " servers");
                }
                for (int i = 0; i < servers.size(); i++) {
                    URI s = servers.get(i);
                    String field = "uplink.servers[" + i + "]";
                    if (s == null) {
                        throw new IllegalArgumentException(field + ": empty entry");
                    }
                    checkServer(field, s);
                    if (!s.getScheme().equalsIgnoreCase(servers.get(0).getScheme())) {
                        throw new IllegalArgumentException(
                                field + ": all servers must use the same scheme (tcp:// or ssl://)");
                    }
                }
                servers = List.copyOf(servers);
            }
            if (username != null && username.isBlank()) {
                throw new IllegalArgumentException("uplink.username: must not be blank");
            }
            if (password != null && username == null) {
                throw new IllegalArgumentException("uplink.username: required with password");
            }
            if (primaryHost != null) {
                try {
                    Topic.requireId("uplink.primary_host", primaryHost);
                } catch (SparkplugException e) {
                    throw new IllegalArgumentException(e.getMessage());
                }
            }
            if (clientId != null && clientId.isBlank()) {
                throw new IllegalArgumentException("uplink.client_id: must not be blank");
            }
            keepAlive = keepAlive == null ? Duration.ofSeconds(30) : keepAlive;
            if (keepAlive.toMillis() % 1000 != 0 || keepAlive.getSeconds() < 1 || keepAlive.getSeconds() > 65535) {
                throw new IllegalArgumentException("uplink.keep_alive: must be whole seconds between 1s and 65535s");
            }
            reconnect = reconnect == null ? Reconnect.DEFAULT : reconnect;
            String scheme = (url != null ? url : servers.get(0)).getScheme().toLowerCase(Locale.ROOT);
            if (tls != null && !scheme.equals("ssl")) {
                throw new IllegalArgumentException("uplink.tls: only with an ssl:// url");
            }
            hostWait = hostWait == null ? DEFAULT_HOST_WAIT : hostWait;
            if (hostWait.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("uplink.host_wait: must be at least 1s");
            }
            aliases = aliases == null ? Boolean.TRUE : aliases;
            if (receipts == null) {
                receipts = primaryHost != null;
            } else if (receipts && primaryHost == null) {
                throw new IllegalArgumentException(
                        "uplink.receipts: true needs uplink.primary_host (the host that publishes the receipts)");
            }
            receiptTimeout = receiptTimeout == null ? DEFAULT_RECEIPT_TIMEOUT : receiptTimeout;
            if (receiptTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("uplink.receipt_timeout: must be at least 1s");
            }
        }

        /** A single server with the defaults of every newer setting (aliases on, receipts with a primary host). */
        public Uplink(
                URI url,
                String username,
                String password,
                String primaryHost,
                String clientId,
                Duration keepAlive,
                Reconnect reconnect,
                Tls tls) {
            this(
                    url,
                    username,
                    password,
                    primaryHost,
                    clientId,
                    keepAlive,
                    reconnect,
                    tls,
                    null,
                    null,
                    null,
                    null,
                    null);
        }

        private static void checkServer(String field, URI url) {
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("tcp") && !scheme.equals("ssl")) {
                throw new IllegalArgumentException(
                        field + ": '" + url + "' must be tcp://host:port or ssl://host:port");
            }
            if (url.getHost() == null) {
                throw new IllegalArgumentException(field + ": '" + url + "' has no host");
            }
        }

        /** The servers to walk: {@code servers}, or the single {@code url}; never empty. */
        public List<URI> serverList() {
            return url != null ? List.of(url) : servers;
        }

        /** True for {@code ssl://}. */
        public boolean secure() {
            return MqttClients.secure(serverList().get(0));
        }

        /** The port of the (first) server, or the MQTT default of its scheme (1883, 8883). */
        public int port() {
            return port(serverList().get(0));
        }

        /** The port of a server url, or the MQTT default of its scheme (1883, 8883). */
        public static int port(URI server) {
            return MqttClients.port(server);
        }

        @Override
        public String toString() {
            return "Uplink[url=" + url + ", servers=" + servers + ", username=" + username + ", password="
                    + (password == null ? "null" : "***") + ", primaryHost=" + primaryHost + ", clientId=" + clientId
                    + ", keepAlive=" + keepAlive + ", reconnect=" + reconnect + ", tls=" + tls + ", hostWait="
                    + hostWait + ", aliases=" + aliases + ", receipts=" + receipts + ", receiptTimeout="
                    + receiptTimeout + "]";
        }
    }

    /**
     * {@code uplink.tls:} key material for {@code ssl://} (PKCS12 or JKS files).
     *
     * @param trustStore trust store with the CA of the MQTT server; nullable (JVM default trust)
     * @param trustStorePassword its password, nullable; never logged
     * @param keyStore key store with the client certificate for mutual TLS; nullable
     * @param keyStorePassword its password, nullable; never logged
     */
    public record Tls(Path trustStore, String trustStorePassword, Path keyStore, String keyStorePassword) {
        public Tls {
            if (trustStore == null && trustStorePassword != null) {
                throw new IllegalArgumentException("tls.trust_store: required with trust_store_password");
            }
            if (keyStore == null && keyStorePassword != null) {
                throw new IllegalArgumentException("tls.key_store: required with key_store_password");
            }
            requireReadableFile("tls.trust_store", trustStore);
            requireReadableFile("tls.key_store", keyStore);
        }

        /**
         * The MQTT client's TLS from these stores.
         *
         * @param field the configuration path of this section, for errors (e.g. {@code uplink.tls})
         * @throws IllegalArgumentException naming the field when a store cannot be read with its password
         */
        public MqttClientSslConfig clientSsl(String field) {
            return MqttClients.ssl(trustStore, trustStorePassword, keyStore, keyStorePassword, field);
        }

        @Override
        public String toString() {
            return "Tls[trustStore=" + trustStore + ", keyStore=" + keyStore + "]";
        }
    }

    /**
     * {@code buffer:} durable store-and-forward buffer (SQLite file, see {@link io.floorlink.edge.buffer}).
     *
     * @param path database file; default {@code ./data/buffer.db}
     * @param maxSize upper bound of the database pages in use; default 2 GB, at least 1 MB
     * @param overflow what is dropped when {@code max_size} is reached; default {@code drop_oldest}
     * @param replayRate buffered records (metrics) replayed per second after an outage, on top of live data;
     *     default 5000, at least 1
     * @param queueSamples bound of samples the connectors handed over that wait in memory for the publisher thread
     *     to write them into the buffer (about 100 bytes of heap each); more are dropped and counted (reason
     *     {@code queue_full}); default {@value #DEFAULT_QUEUE_SAMPLES}, 1 to {@value #MAX_QUEUE_SAMPLES}
     */
    public record Buffer(Path path, DataSize maxSize, Overflow overflow, Integer replayRate, Integer queueSamples) {
        static final Buffer DEFAULT = new Buffer(null, null, null, null, null);

        /** Default {@link #replayRate}. */
        public static final int DEFAULT_REPLAY_RATE = 5000;
        /**
         * Default {@link #queueSamples}: 2 s at 100,000 values/s, about 20 MB of heap at most, which the shipped
         * launcher's heap holds beside the live state.
         */
        public static final int DEFAULT_QUEUE_SAMPLES = 200_000;
        /** Largest {@link #queueSamples}: about 500 MB of heap. */
        public static final int MAX_QUEUE_SAMPLES = 5_000_000;

        public Buffer {
            path = path == null ? Path.of("data", "buffer.db") : path;
            maxSize = maxSize == null ? new DataSize(2L << 30) : maxSize;
            if (maxSize.bytes() < (1L << 20)) {
                throw new IllegalArgumentException("buffer.max_size: must be at least 1MB");
            }
            overflow = overflow == null ? Overflow.DROP_OLDEST : overflow;
            replayRate = replayRate == null ? DEFAULT_REPLAY_RATE : replayRate;
            if (replayRate < 1) {
                throw new IllegalArgumentException("buffer.replay_rate: must be at least 1 (records per second)");
            }
            queueSamples = queueSamples == null ? DEFAULT_QUEUE_SAMPLES : queueSamples;
            if (queueSamples < 1 || queueSamples > MAX_QUEUE_SAMPLES) {
                throw new IllegalArgumentException(
                        "buffer.queue_samples: must be between 1 and " + MAX_QUEUE_SAMPLES + ", was " + queueSamples);
            }
        }

        /** The buffer at {@code path} with every other setting at its default. */
        public static Buffer at(Path path) {
            return new Buffer(path, null, null, null, null);
        }
    }

    /**
     * {@code http:} health and metrics endpoint.
     *
     * @param host address to bind; default 127.0.0.1
     * @param port TCP port; default 9108, 0 for any free port
     */
    public record Http(String host, Integer port) {
        static final Http DEFAULT = new Http(null, null);

        public Http {
            host = host == null ? "127.0.0.1" : host;
            if (host.isBlank()) {
                throw new IllegalArgumentException("http.host: must not be blank");
            }
            port = port == null ? 9108 : port;
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("http.port: must be 0..65535 (0 = any free port)");
            }
        }
    }
}
