package io.floorlink.edge.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.edge.EdgeHealth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthServerTest {
    private final AtomicReference<EdgeHealth.Status> status = new AtomicReference<>(EdgeHealth.Status.UP);
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http = HttpClient.newHttpClient();
    private HealthServer server;
    private URI base;

    @BeforeEach
    void start() {
        Counter.builder("floorlink.edge.test.reads").register(prometheus).increment(3);
        server = new HealthServer("127.0.0.1", 0, this::health, prometheus, Duration.ofMillis(500));
        base = URI.create("http://127.0.0.1:" + server.port());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private EdgeHealth health() {
        return new EdgeHealth(
                status.get(),
                List.of(),
                true,
                "host-1",
                true,
                true,
                3,
                "tcp://127.0.0.1:1883",
                List.of(),
                null,
                Instant.parse("2026-12-06T10:00:00Z"));
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthIsJsonWith200WhileUpAnd503WhenDown() throws Exception {
        HttpResponse<String> up = send("GET", "/health");
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(up.body()).contains("\"status\":\"UP\"", "\"primary_host\":\"host-1\"", "2026-12-06T10:00:00Z");

        status.set(EdgeHealth.Status.DOWN);
        HttpResponse<String> down = send("GET", "/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("\"status\":\"DOWN\"");
    }

    @Test
    void metricsAreThePrometheusTextOfTheRegistry() throws Exception {
        HttpResponse<String> r = send("GET", "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        assertThat(r.body()).contains("floorlink_edge_test_reads_total 3.0");
    }

    @Test
    void headAnswersTheHeadersWithoutBodyOtherMethodsAre405OtherPaths404() throws Exception {
        HttpResponse<String> head = send("HEAD", "/metrics");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValueAsLong("Content-Length").orElse(0)).isPositive();

        HttpResponse<String> post = send("POST", "/health");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");

        assertThat(send("GET", "/healthz").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/health?verbose=1").statusCode())
                .as("a query does not change the path")
                .isEqualTo(200);
    }

    @Test
    void aKeptAliveConnectionServesSeveralRequests() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            String get = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
            out.write((get + get).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String both = readUntil(s.getInputStream(), text -> count(text, "\"status\":\"UP\"") == 2);
            assertThat(count(both, "HTTP/1.1 200 OK")).isEqualTo(2);
        }
    }

    @Test
    void anOversizedRequestIsRefusedAndItsConnectionClosed() throws Exception {
        try (Socket s = connect()) {
            String header = "X-Filler: " + "a".repeat(HealthServer.MAX_REQUEST_BYTES) + "\r\n";
            s.getOutputStream()
                    .write(("GET /health HTTP/1.1\r\nHost: x\r\n" + header + "\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = readToEnd(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 4").doesNotContain("\"status\"");
        }
        assertThat(send("GET", "/health").statusCode()).as("the server goes on").isEqualTo(200);
    }

    @Test
    void aSilentConnectionIsClosedAfterTheReadTimeout() throws Exception {
        try (Socket s = connect()) {
            s.setSoTimeout(5_000);
            long start = System.nanoTime();
            assertThat(s.getInputStream().read()).as("closed by the server").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAndTheOthersStillServed() throws Exception {
        server.close();
        // held connections must outlive the test's short read timeout
        server = new HealthServer("127.0.0.1", 0, this::health, prometheus, Duration.ofSeconds(60));
        base = URI.create("http://127.0.0.1:" + server.port());
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < HealthServer.MAX_CONNECTIONS; i++) {
                held.add(connect());
            }
            // the server counts a connection when its event loop accepts it
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                try (Socket extra = connect()) {
                    extra.setSoTimeout(2_000);
                    return extra.getInputStream().read() == -1;
                } catch (SocketTimeoutException e) {
                    return false;
                }
            });
            Socket first = held.get(0);
            first.getOutputStream()
                    .write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntil(first.getInputStream(), t -> t.contains("\"status\"")))
                    .startsWith("HTTP/1.1 200");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(send("GET", "/health").statusCode())
                        .as("closed connections free their places")
                        .isEqualTo(200));
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(5_000);
        return s;
    }

    private static String readUntil(InputStream in, java.util.function.Predicate<String> done) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        while (!done.test(buf.toString(StandardCharsets.UTF_8))) {
            int n;
            try {
                n = in.read(chunk);
            } catch (SocketException e) {
                // a reset after the server closed: what arrived before it is the answer
                break;
            }
            if (n < 0) {
                break;
            }
            buf.write(chunk, 0, n);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static String readToEnd(InputStream in) throws IOException {
        return readUntil(in, t -> false);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
