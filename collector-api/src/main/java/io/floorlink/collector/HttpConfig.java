package io.floorlink.collector;

/**
 * Where the HTTP API listens ({@code http:} in collector.yaml).
 *
 * @param host bind address; null means {@code 127.0.0.1} (loopback only)
 * @param port TCP port 0..65535, 0 meaning any free port; null means 8080
 * @param adminToken token that {@code POST /api/v1/inventory} requires as {@code Authorization: Bearer}; write it as
 *     {@code ${ENV}}; null disables the import (403). Never logged.
 */
public record HttpConfig(String host, Integer port, String adminToken) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    public HttpConfig {
        host = host == null || host.isBlank() ? DEFAULT_HOST : host.trim();
        port = port == null ? DEFAULT_PORT : port;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535 but was " + port);
        }
        adminToken = adminToken == null || adminToken.isBlank() ? null : adminToken.trim();
        if (adminToken != null && adminToken.length() < 16) {
            throw new IllegalArgumentException("admin_token must be at least 16 characters; use a random secret");
        }
    }

    public HttpConfig(String host, Integer port) {
        this(host, port, null);
    }

    public HttpConfig withAdminToken(String token) {
        return new HttpConfig(host, port, token);
    }

    /** Without the token's value. */
    @Override
    public String toString() {
        return "HttpConfig[host=" + host + ", port=" + port + ", adminToken=" + (adminToken == null ? "none" : "***")
                + "]";
    }

    /** 127.0.0.1:8080. */
    public static HttpConfig defaults() {
        return new HttpConfig(null, null);
    }

    public HttpConfig withPort(int newPort) {
        return new HttpConfig(host, newPort, adminToken);
    }
}
