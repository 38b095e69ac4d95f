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
