package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.Collector;
import io.floorlink.collector.CollectorConfig;
import io.floorlink.gateway.GatewayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/v1/openapi.json} is served and documents exactly the routes the server registers. */
class OpenApiDocumentIT {
    @Test
    void everyRegisteredRouteIsDocumentedAndViceVersa(@TempDir Path dir) throws Exception {
        CollectorConfig config = CollectorConfig.defaults(dir.resolve("data"))
                .withHttpPort(0)
                .withGateway(GatewayConfig.defaults(dir.resolve("data")).withBrokerPort(0));
        try (Collector collector = Collector.start(config, new SimpleMeterRegistry())) {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            "http://127.0.0.1:" + collector.httpPort() + "/api/v1/openapi.json"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode doc = Json.mapper().readTree(r.body());
            assertThat(doc.get("openapi").asText()).startsWith("3.1");

            Set<String> documented = new TreeSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> path = paths.next();
                for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                    documented.add(methods.next().toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
            Set<String> registered = new TreeSet<>(collector.api().routes());

            assertThat(registered).isNotEmpty().allSatisfy(route -> assertThat(documented)
                    .contains(route));
            assertThat(documented).isEqualTo(registered);

            // Every operation about enterprise data names the enterprise parameter (the platform-wide ones do not).
            Set<String> platformWide = Set.of(
                    "GET /health",
                    "GET /metrics",
                    "GET /api/v1/openapi.json",
                    "GET /api/v1/profiles",
                    "GET /api/v1/profiles/{id}",
                    "GET /api/v1/keys",
                    "GET /api/v1/enterprises",
                    "POST /api/v1/district/reload",
                    // the enterprise is in the path
                    "GET /api/v1/enterprises/{code}/history");
            for (String route : registered) {
                if (platformWide.contains(route)) {
                    continue;
                }
                String[] mp = route.split(" ", 2);
                JsonNode parameters = doc.path("paths")
                        .path(mp[1])
                        .path(mp[0].toLowerCase(Locale.ROOT))
                        .path("parameters");
                List<String> refs = new ArrayList<>();
                parameters.forEach(p -> refs.add(p.path("$ref").asText()));
                assertThat(refs).as("parameters of %s", route).contains("#/components/parameters/enterprise");
            }
            assertThat(doc.at("/components/parameters/enterprise/name").asText())
                    .isEqualTo("enterprise");

            // Every $ref points at a schema that exists.
            JsonNode schemas = doc.at("/components/schemas");
            for (String ref : refs(doc, new TreeSet<>())) {
                if (ref.startsWith("#/components/parameters/")) {
                    continue;
                }
                assertThat(schemas.has(ref.substring("#/components/schemas/".length())))
                        .as(ref)
                        .isTrue();
            }
        }
    }

    /**
     * The documented schema of every JSON answer names every top-level field the answer has and requires some that
     * it always has: a schema that is only {@code {"type": "object"}}, misses a field or requires one the answer
     * lacks fails here.
     */
    @Test
    void everyJsonAnswerHasTheTopLevelFieldsItsSchemaNames(@TempDir Path dir) throws Exception {
        CollectorConfig config = CollectorConfig.defaults(dir.resolve("data"))
                .withHttpPort(0)
                .withInventory(SampleInventory.copyTo(dir))
                .withGateway(GatewayConfig.defaults(dir.resolve("data")).withBrokerPort(0));
        try (Collector collector = Collector.start(config, new SimpleMeterRegistry())) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + collector.httpPort();
            JsonNode doc = Json.mapper()
                    .readTree(http.send(
                                    HttpRequest.newBuilder(URI.create(base + "/api/v1/openapi.json"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body());
            Map<String, String> asked = new java.util.LinkedHashMap<>();
            asked.put("/health", "/health");
            asked.put("/api/v1/openapi.json", "/api/v1/openapi.json");
            asked.put("/api/v1/equipment", "/api/v1/equipment");
            asked.put("/api/v1/equipment/{id}", "/api/v1/equipment/IMM-01");
            asked.put("/api/v1/equipment/{id}/indicators", "/api/v1/equipment/IMM-01/indicators");
            asked.put("/api/v1/indicators", "/api/v1/indicators");
            asked.put("/api/v1/evaluations", "/api/v1/evaluations");
            asked.put("/api/v1/profiles", "/api/v1/profiles");
            asked.put("/api/v1/profiles/{id}", "/api/v1/profiles/miit-2024-level2");
            asked.put("/api/v1/inventory", "/api/v1/inventory");
            asked.put("/api/v1/enterprises", "/api/v1/enterprises");
            asked.put("/api/v1/enterprises/{code}/history", "/api/v1/enterprises/ENT001/history");
            asked.put("/api/v1/sparkplug/nodes", "/api/v1/sparkplug/nodes");
            asked.put("/api/v1/keys", "/api/v1/keys");
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, String> a : asked.entrySet()) {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(base + a.getValue())).build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode schema = doc.path("paths")
                        .path(a.getKey())
                        .path("get")
                        .path("responses")
                        .path(String.valueOf(r.statusCode()))
                        .path("content")
                        .path("application/json")
                        .path("schema");
                if (schema.has("$ref")) {
                    schema = doc.at(schema.get("$ref").asText().substring(1));
                }
                Set<String> documented = new TreeSet<>();
                schema.path("properties").fieldNames().forEachRemaining(documented::add);
                Set<String> required = new TreeSet<>();
                schema.path("required").forEach(n -> required.add(n.asText()));
                Set<String> answered = new TreeSet<>();
                Json.mapper().readTree(r.body()).fieldNames().forEachRemaining(answered::add);
                if (!documented.containsAll(answered) || !answered.containsAll(required) || required.isEmpty()) {
                    problems.add("GET " + a.getKey() + " " + r.statusCode() + ": answers " + answered + ", documents "
                            + documented + ", requires " + required);
                }
            }
            assertThat(problems).isEmpty();
        }
    }

    private static Set<String> refs(JsonNode node, Set<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                if (f.getKey().equals("$ref")) {
                    out.add(f.getValue().asText());
                } else {
                    refs(f.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> refs(n, out));
        }
        return out;
    }
}
