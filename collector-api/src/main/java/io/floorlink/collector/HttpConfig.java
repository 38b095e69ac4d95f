package io.floorlink.collector;

/**
 * Where the HTTP API listens ({@code http:} in collector.yaml).
 *
 * @param host bind address; null means {@code 127.0.0.1} (loopback only)
 * @param port TCP port 0..65535, 0 meaning any free port; null means 8080
 */
public record HttpConfig(String host, Integer port) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    public HttpConfig {
        host = host == null || host.isBlank() ? DEFAULT_HOST : host.trim();
        port = port == null ? DEFAULT_PORT : port;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535 but was " + port);
        }
    }

    /** 127.0.0.1:8080. */
    public static HttpConfig defaults() {
        return new HttpConfig(null, null);
    }

    public HttpConfig withPort(int newPort) {
        return new HttpConfig(host, newPort);
    }
}
