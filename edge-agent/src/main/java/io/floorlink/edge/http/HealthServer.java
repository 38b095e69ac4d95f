package io.floorlink.edge.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.floorlink.edge.EdgeHealth;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The edge agent's small HTTP endpoint (JDK HTTP server, one thread): {@code GET /health} (JSON, 200 while UP
 * or DEGRADED, 503 when DOWN) and {@code GET /metrics} (Prometheus text format).
 */
public final class HealthServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private final HttpServer server;
    private final ExecutorService executor;

    /**
     * Binds and starts serving at once.
     *
     * @param host address to bind, e.g. 127.0.0.1
     * @param port TCP port, 0 for any free port
     * @throws UncheckedIOException when the address cannot be bound
     */
    public HealthServer(String host, int port, Supplier<EdgeHealth> health, PrometheusMeterRegistry prometheus) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("http: cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "floorlink-edge-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/health", ex -> {
            if (allowGet(ex)) {
                EdgeHealth h = health.get();
                byte[] body = JSON.writeValueAsBytes(h);
                send(ex, h.status() == EdgeHealth.Status.DOWN ? 503 : 200, "application/json", body);
            }
        });
        server.createContext("/metrics", ex -> {
            if (allowGet(ex)) {
                byte[] body = prometheus.scrape().getBytes(StandardCharsets.UTF_8);
                send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", body);
            }
        });
        server.start();
    }

    /** The bound TCP port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops listening; waits at most one second for exchanges in progress. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }

    private static boolean allowGet(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (!path.equals(ex.getHttpContext().getPath())) {
            send(ex, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
            return false;
        }
        if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().add("Allow", "GET, HEAD");
            send(ex, 405, "text/plain", "method not allowed\n".getBytes(StandardCharsets.UTF_8));
            return false;
        }
        return true;
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            if (!head) {
                out.write(body);
            }
        }
    }
}
