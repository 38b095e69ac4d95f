package io.floorlink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.questdb.ServerMain;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real QuestDB server in this JVM (test scope): its HTTP server on 127.0.0.1 speaks the InfluxDB v2 write API
 * ({@code POST /api/v2/write}, line protocol, each measurement a table) and answers SQL on {@code /exec}. The PG
 * wire, ILP/TCP and the minimal HTTP server are off; data lives in {@code dir}.
 */
public final class QuestDb implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ServerMain server;
    private final int port;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private QuestDb(ServerMain server) {
        this.server = server;
        this.port = server.getHttpServerPort();
    }

    /**
     * Starts a server with its files in {@code dir} (created); blocks until it listens.
     *
     * @param port HTTP port on 127.0.0.1, 0 for any free one
     */
    public static QuestDb start(Path dir, int port) throws IOException {
        Files.createDirectories(dir);
        Map<String, String> env = new HashMap<>();
        env.put("QDB_HTTP_BIND_TO", "127.0.0.1:" + port);
        env.put("QDB_HTTP_MIN_ENABLED", "false");
        env.put("QDB_PG_ENABLED", "false");
        env.put("QDB_LINE_TCP_ENABLED", "false");
        env.put("QDB_LINE_UDP_ENABLED", "false");
        env.put("QDB_TELEMETRY_ENABLED", "false");
        ServerMain server = ServerMain.create(dir.toString(), env);
        server.start();
        return new QuestDb(server);
    }

    /** The base URL for the Influx client, {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /**
     * The rows of a SQL query, each a column name to value map (timestamps as ISO strings, numbers as Double or
     * Long). A table that does not exist yet gives no rows.
     */
    public List<Map<String, Object>> query(String sql) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(
                                    URI.create(url() + "/exec?query=" + URLEncoder.encode(sql, StandardCharsets.UTF_8)))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(r.body());
            if (body.has("error")) {
                if (body.get("error").asText().contains("does not exist")) {
                    return List.of();
                }
                throw new IllegalStateException("QuestDB: " + body.get("error").asText() + " for " + sql);
            }
            List<String> names = new ArrayList<>();
            body.get("columns").forEach(c -> names.add(c.get("name").asText()));
            List<Map<String, Object>> rows = new ArrayList<>();
            for (JsonNode row : body.get("dataset")) {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                for (int i = 0; i < names.size(); i++) {
                    JsonNode v = row.get(i);
                    m.put(
                            names.get(i),
                            v.isNull()
                                    ? null
                                    : v.isIntegralNumber()
                                            ? (Object) v.asLong()
                                            : v.isNumber()
                                                    ? (Object) v.asDouble()
                                                    : v.isBoolean() ? v.asBoolean() : v.asText());
                }
                rows.add(m);
            }
            return rows;
        } catch (IOException e) {
            throw new IllegalStateException("QuestDB not reachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The single number a {@code SELECT count() ...} answers; 0 for a table that does not exist yet. */
    public long count(String sql) {
        List<Map<String, Object>> rows = query(sql);
        return rows.isEmpty() ? 0 : ((Number) rows.get(0).values().iterator().next()).longValue();
    }

    @Override
    public void close() {
        server.close();
    }
}
