package io.floorlink.gateway;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * Where the MQTT broker comes from.
 *
 * <p>{@code embedded}: the gateway runs HiveMQ CE in-process, listening on {@code host}:{@code port} (port 0 =
 * any free port) and keeping its files in {@code data_dir}. {@code external}: the gateway connects to {@code
 * url} ({@code tcp://host:port}) with {@code username}/{@code password}; host, port and data_dir are unused.
 * Instead of {@code url}, {@code urls} lists several MQTT servers (Sparkplug 3.0 multiple MQTT servers): the
 * primary host connects to every one of them, each connection with its own STATE will and birth.
 *
 * @param mode {@code embedded} or {@code external}, never null
 * @param host embedded listener bind address, e.g. {@code 127.0.0.1}; binding another address requires auth
 * @param port embedded listener TCP port, 0..65535, 0 meaning any free port
 * @param dataDir embedded broker folder (generated config, data, extensions); required for embedded
 * @param url external broker URL {@code tcp://host:port}; for external exactly one of url and urls is required
 * @param urls external MQTT servers, each {@code tcp://host:port}, at least one, at most {@link #MAX_SERVERS}, no
 *     duplicates; nullable
 * @param username external broker user name, nullable
 * @param password external broker password or {@code ${ENV}} reference, nullable; never logged
 */
public record BrokerConfig(
        @JsonProperty("mode") String mode,
        @JsonProperty("host") String host,
        @JsonProperty("port") int port,
        @JsonProperty("data_dir") Path dataDir,
        @JsonProperty("url") URI url,
        @JsonProperty("username") String username,
        @JsonProperty("password") String password,
        @JsonProperty("urls") List<URI> urls) {

    /** Most MQTT servers one host connects to. */
    public static final int MAX_SERVERS = 16;

    public static final String EMBEDDED = "embedded";
    public static final String EXTERNAL = "external";
    /** The MQTT port used when configuration leaves {@code port} out. */
    public static final int DEFAULT_PORT = 1883;

    public BrokerConfig {
        mode = mode == null ? EMBEDDED : mode.trim().toLowerCase(Locale.ROOT);
        if (EMBEDDED.equals(mode)) {
            if (host == null || host.isBlank()) {
                host = "127.0.0.1";
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("broker.port must be 0..65535 but was " + port);
            }
            if (dataDir == null) {
                throw new IllegalArgumentException("broker.data_dir is required for an embedded broker");
            }
        } else if (EXTERNAL.equals(mode)) {
            if (url != null && urls != null) {
                throw new IllegalArgumentException(
                        "broker.url and broker.urls are exclusive: give one server as url or several as urls");
            }
            if (url == null && urls == null) {
                throw new IllegalArgumentException("broker.url is required for an external broker (tcp://host:port),"
                        + " or broker.urls for several servers");
            }
            if (url != null) {
                checkUrl("broker.url", url);
            } else {
                if (urls.isEmpty() || urls.size() > MAX_SERVERS) {
                    throw new IllegalArgumentException(
                            "broker.urls must list 1.." + MAX_SERVERS + " servers but has " + urls.size());
                }
                for (int i = 0; i < urls.size(); i++) {
                    checkUrl("broker.urls[" + i + "]", urls.get(i));
                }
                if (new HashSet<>(urls).size() != urls.size()) {
                    throw new IllegalArgumentException("broker.urls lists a server twice: " + urls);
                }
                urls = List.copyOf(urls);
            }
        } else {
            throw new IllegalArgumentException("broker.mode must be 'embedded' or 'external' but was '" + mode + "'");
        }
    }

    private static void checkUrl(String field, URI u) {
        if (u == null || !"tcp".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException(field + " must be tcp://host:port but was " + u);
        }
    }

    /** Configuration binding: a missing {@code port} means {@link #DEFAULT_PORT}, not "any free port". */
    @JsonCreator
    public static BrokerConfig fromConfig(
            @JsonProperty("mode") String mode,
            @JsonProperty("host") String host,
            @JsonProperty("port") Integer port,
            @JsonProperty("data_dir") Path dataDir,
            @JsonProperty("url") URI url,
            @JsonProperty("username") String username,
            @JsonProperty("password") String password,
            @JsonProperty("urls") List<URI> urls) {
        return new BrokerConfig(mode, host, port == null ? DEFAULT_PORT : port, dataDir, url, username, password, urls);
    }

    /** An embedded broker on {@code host}:{@code port} keeping its files in {@code dataDir}. */
    public static BrokerConfig embedded(String host, int port, Path dataDir) {
        return new BrokerConfig(EMBEDDED, host, port, dataDir, null, null, null, null);
    }

    /** An external broker at {@code url} ({@code tcp://host:port}); credentials nullable. */
    public static BrokerConfig external(URI url, String username, String password) {
        return new BrokerConfig(EXTERNAL, null, 0, null, url, username, password, null);
    }

    /** Several external MQTT servers ({@code tcp://host:port} each); credentials nullable, the same for all. */
    public static BrokerConfig externalServers(List<URI> urls, String username, String password) {
        return new BrokerConfig(EXTERNAL, null, 0, null, null, username, password, urls);
    }

    /** The external servers: {@code url} alone, or {@code urls}; empty for an embedded broker. */
    public List<URI> servers() {
        if (isEmbedded()) {
            return List.of();
        }
        return url != null ? List.of(url) : urls;
    }

    public boolean isEmbedded() {
        return EMBEDDED.equals(mode);
    }

    public BrokerConfig withPort(int newPort) {
        return new BrokerConfig(mode, host, newPort, dataDir, url, username, password, urls);
    }

    public BrokerConfig withHost(String newHost) {
        return new BrokerConfig(mode, newHost, port, dataDir, url, username, password, urls);
    }

    @Override
    public String toString() {
        return "BrokerConfig[mode=" + mode + ", host=" + host + ", port=" + port + ", dataDir=" + dataDir + ", url="
                + url + ", urls=" + urls + ", username=" + username + ", password="
                + (password == null ? "null" : "***") + "]";
    }
}
