package io.floorlink.gateway;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the MQTT broker comes from.
 *
 * <p>{@code embedded}: the gateway runs HiveMQ CE in-process, listening on {@code host}:{@code port} (port 0 =
 * any free port) and keeping its files in {@code data_dir}. {@code external}: the gateway connects to {@code
 * url} ({@code tcp://host:port}) with {@code username}/{@code password}; host, port and data_dir are unused.
 *
 * @param mode {@code embedded} or {@code external}, never null
 * @param host embedded listener bind address, e.g. {@code 127.0.0.1}; binding another address requires auth
 * @param port embedded listener TCP port, 0..65535, 0 meaning any free port
 * @param dataDir embedded broker folder (generated config, data, extensions); required for embedded
 * @param url external broker URL {@code tcp://host:port}; required for external
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
        @JsonProperty("password") String password) {

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
            if (url == null) {
                throw new IllegalArgumentException("broker.url is required for an external broker (tcp://host:port)");
            }
            if (!"tcp".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("broker.url must be tcp://host:port but was " + url);
            }
        } else {
            throw new IllegalArgumentException("broker.mode must be 'embedded' or 'external' but was '" + mode + "'");
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
            @JsonProperty("password") String password) {
        return new BrokerConfig(mode, host, port == null ? DEFAULT_PORT : port, dataDir, url, username, password);
    }

    /** An embedded broker on {@code host}:{@code port} keeping its files in {@code dataDir}. */
    public static BrokerConfig embedded(String host, int port, Path dataDir) {
        return new BrokerConfig(EMBEDDED, host, port, dataDir, null, null, null);
    }

    /** An external broker at {@code url} ({@code tcp://host:port}); credentials nullable. */
    public static BrokerConfig external(URI url, String username, String password) {
        return new BrokerConfig(EXTERNAL, null, 0, null, url, username, password);
    }

    public boolean isEmbedded() {
        return EMBEDDED.equals(mode);
    }

    public BrokerConfig withPort(int newPort) {
        return new BrokerConfig(mode, host, newPort, dataDir, url, username, password);
    }

    public BrokerConfig withHost(String newHost) {
        return new BrokerConfig(mode, newHost, port, dataDir, url, username, password);
    }

    @Override
    public String toString() {
        return "BrokerConfig[mode=" + mode + ", host=" + host + ", port=" + port + ", dataDir=" + dataDir + ", url="
                + url + ", username=" + username + ", password=" + (password == null ? "null" : "***") + "]";
    }
}
