package io.floorlink.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.floorlink.collector.CollectorConfig;
import io.floorlink.sparkplug.metrics.StandardMeters;
import io.floorlink.sparkplug.metrics.UnitOnceNamingConvention;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files of {@code deploy/} (Grafana dashboards and provisioning, Prometheus, compose), checked without Docker:
 * every metric a dashboard queries is one docs/metrics.md declares, rendered by the doc's Prometheus rule (itself
 * checked against Micrometer's Prometheus registry), and the compose stack keeps its ports on loopback, its secrets
 * out of the files and its configuration read-only.
 */
class DeployFilesTest {
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final Path METRICS_DOC = Path.of("..", "docs", "metrics.md");
    private static final Path DASHBOARDS = DEPLOY.resolve("grafana/dashboards");
    private static final Path COMPOSE_DIR = DEPLOY.resolve("compose");
    private static final String DATASOURCE_UID = "floorlink-prometheus";
    private static final String STANDARD_SECTION = "## Standard Micrometer meters";

    /** Metric names in PromQL: FloorLink's, and the standard Micrometer families the dashboards may use. */
    private static final Pattern METRIC_IN_EXPR =
            Pattern.compile("\\b((?:floorlink|http_server_requests|jvm|process|system|hikaricp)_[a-z0-9_]+)\\b");

    private static final Pattern CJK = Pattern.compile("\\p{IsHan}");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*(:\\?[^}]*)?}");
    private static final Pattern REQUIRED_REFERENCE = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*:\\?[^}]+}");
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|passwd|secret|token).*");

    private final ObjectMapper json = new ObjectMapper();
    private final YAMLMapper yaml = new YAMLMapper();

    /** One row of a docs/metrics.md table. */
    record DocMeter(String name, String type, String unit) {
        String baseUnit() {
            return unit.isEmpty() || unit.equals("-") ? null : unit;
        }
    }

    @Test
    void dashboards_parse_with_unique_uid_and_title_and_the_provisioned_datasource() throws IOException {
        List<Path> files = dashboardFiles();
        assertThat(files)
                .extracting(p -> p.getFileName().toString())
                .contains("edge-health.json", "gateway-ingest.json", "indicators.json");
        Set<String> uids = new HashSet<>();
        Set<String> titles = new HashSet<>();
        for (Path file : files) {
            JsonNode dashboard = json.readTree(file.toFile());
            String uid = dashboard.path("uid").asText();
            String title = dashboard.path("title").asText();
            assertThat(uid).as("%s: uid", file).isNotBlank();
            assertThat(title).as("%s: title", file).isNotBlank();
            assertThat(uids.add(uid)).as("%s: uid %s is unique", file, uid).isTrue();
            assertThat(titles.add(title))
                    .as("%s: title %s is unique", file, title)
                    .isTrue();
            assertThat(dashboard.path("schemaVersion").asInt())
                    .as("%s: schemaVersion", file)
                    .isEqualTo(39);
            List<JsonNode> panels = panels(dashboard);
            assertThat(panels).as("%s: panels", file).isNotEmpty();
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : panels) {
                String where =
                        file.getFileName() + ": panel '" + panel.path("title").asText() + "'";
                assertThat(ids.add(panel.path("id").asInt()))
                        .as(where + ": id unique")
                        .isTrue();
                assertThat(panel.path("title").asText())
                        .as(where + ": title in English and Chinese")
                        .contains(" / ")
                        .containsPattern(CJK);
                if (panel.path("type").asText().equals("text")) {
                    continue;
                }
                assertThat(panel.path("datasource").path("uid").asText())
                        .as(where + ": datasource")
                        .isEqualTo(DATASOURCE_UID);
                assertThat(panel.path("targets")).as(where + ": targets").isNotEmpty();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("datasource").path("uid").asText())
                            .as(where + ": target datasource")
                            .isEqualTo(DATASOURCE_UID);
                    assertThat(target.path("expr").asText())
                            .as(where + ": expr")
                            .isNotBlank();
                }
            }
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                assertThat(variable.path("datasource").path("uid").asText())
                        .as("%s: variable %s datasource", file, variable.path("name"))
                        .isEqualTo(DATASOURCE_UID);
            }
        }
    }

    @Test
    void every_dashboard_metric_is_one_docs_metrics_md_declares() throws IOException {
        Set<String> known = prometheusNamesOfDoc();
        for (Path file : dashboardFiles()) {
            JsonNode dashboard = json.readTree(file.toFile());
            for (JsonNode panel : panels(dashboard)) {
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText();
                    Set<String> used = metricsIn(expr);
                    String where = file.getFileName() + ": panel '"
                            + panel.path("title").asText() + "': " + expr;
                    assertThat(used).as(where + " names a metric").isNotEmpty();
                    assertThat(known).as(where).containsAll(used);
                }
            }
        }
    }

    @Test
    void a_dashboard_naming_an_unknown_metric_fails_the_check() throws IOException {
        Set<String> known = prometheusNamesOfDoc();
        assertThat(known)
                .contains(
                        "floorlink_edge_samples_dropped_total",
                        "floorlink_edge_devices_up",
                        "floorlink_gateway_queue_dropped_messages_total",
                        "floorlink_edge_buffer_records",
                        "floorlink_gateway_flush_duration_seconds_count",
                        "floorlink_collector_indicators_cache_lookups_total",
                        "http_server_requests_seconds_count")
                .doesNotContain(
                        "floorlink_edge_samples_dropped_samples_total",
                        "floorlink_gateway_messages_received_messages_total",
                        "floorlink_gateway_samples_stored_samples_total",
                        "floorlink_gateway_flush_duration_seconds_bucket",
                        "floorlink_collector_http_requests_total");
        Set<String> used = metricsIn(
                "sum by (reason) (rate(floorlink_edge_samples_dropped_samples_total{instance=~\"$instance\"}[5m]))");
        assertThat(used).containsExactly("floorlink_edge_samples_dropped_samples_total");
        assertThat(known.containsAll(used)).isFalse();
    }

    @Test
    void doc_rendering_rule_matches_micrometer_prometheus_registry() throws IOException {
        Map<String, DocMeter> meters = floorlinkMetersOfDoc();
        assertThat(meters).hasSizeGreaterThan(70);
        PrometheusMeterRegistry registry =
                UnitOnceNamingConvention.install(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        try {
            AtomicInteger value = new AtomicInteger(1);
            for (DocMeter m : meters.values()) {
                switch (m.type()) {
                    case "gauge" ->
                        Gauge.builder(m.name(), value, AtomicInteger::get)
                                .baseUnit(m.baseUnit())
                                .register(registry);
                    case "counter" ->
                        Counter.builder(m.name())
                                .baseUnit(m.baseUnit())
                                .register(registry)
                                .increment();
                    case "function counter" ->
                        FunctionCounter.builder(m.name(), value, AtomicInteger::get)
                                .baseUnit(m.baseUnit())
                                .register(registry);
                    case "timer" -> Timer.builder(m.name()).register(registry).record(Duration.ofMillis(3));
                    default -> throw new AssertionError("docs/metrics.md: unknown type " + m.type() + " of " + m);
                }
            }
            Set<String> expected = new TreeSet<>();
            meters.values().forEach(m -> expected.addAll(prometheusNames(m)));
            assertThat(new TreeSet<>(scrapedNames(registry, "floorlink_"))).isEqualTo(expected);
        } finally {
            registry.close();
        }
    }

    @Test
    void standard_names_the_dashboards_use_are_exposed_by_the_standard_meters() throws IOException {
        Set<String> standard = new TreeSet<>(prometheusNamesOfDoc());
        standard.removeIf(n -> n.startsWith("floorlink_"));
        Set<String> used = new TreeSet<>();
        for (Path file : dashboardFiles()) {
            for (JsonNode panel : panels(json.readTree(file.toFile()))) {
                for (JsonNode target : panel.path("targets")) {
                    used.addAll(metricsIn(target.path("expr").asText()));
                }
            }
        }
        used.removeIf(n -> n.startsWith("floorlink_"));
        assertThat(standard).containsAll(used);
        PrometheusMeterRegistry registry =
                UnitOnceNamingConvention.install(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        try (StandardMeters ignored = StandardMeters.bindTo(registry)) {
            Set<String> scraped = scrapedNames(registry, "");
            for (String name : used) {
                if (name.startsWith("jvm_") || name.startsWith("process_")) {
                    assertThat(scraped).as("StandardMeters expose %s", name).contains(name);
                }
            }
        } finally {
            registry.close();
        }
    }

    @Test
    void grafana_provisioning_names_the_dashboards_datasource_and_folder() throws IOException {
        JsonNode datasources = yaml.readTree(DEPLOY.resolve("grafana/provisioning/datasources/prometheus.yaml")
                .toFile());
        JsonNode ds = datasources.path("datasources").get(0);
        assertThat(ds.path("uid").asText()).isEqualTo(DATASOURCE_UID);
        assertThat(ds.path("type").asText()).isEqualTo("prometheus");
        assertThat(ds.path("url").asText()).isEqualTo("http://prometheus:9090");

        JsonNode providers = yaml.readTree(
                DEPLOY.resolve("grafana/provisioning/dashboards/floorlink.yaml").toFile());
        String path =
                providers.path("providers").get(0).path("options").path("path").asText();
        JsonNode grafana = compose().path("services").path("grafana");
        assertThat(volumes(grafana)).contains("../grafana/dashboards:" + path + ":ro");
        assertThat(volumes(grafana)).contains("../grafana/provisioning:/etc/grafana/provisioning:ro");
    }

    @Test
    void compose_binds_published_ports_to_loopback() throws IOException {
        JsonNode services = compose().path("services");
        assertThat(fieldNames(services)).contains("postgres", "collector", "prometheus", "grafana");
        services.fields().forEachRemaining(service -> {
            for (JsonNode port : service.getValue().path("ports")) {
                if (port.isTextual()) {
                    assertThat(port.asText())
                            .as("service %s port", service.getKey())
                            .startsWith("127.0.0.1:");
                } else {
                    assertThat(port.path("host_ip").asText())
                            .as("service %s port", service.getKey())
                            .isEqualTo("127.0.0.1");
                }
            }
        });
    }

    @Test
    void compose_environment_holds_no_literal_secret_and_requires_passwords() throws IOException {
        JsonNode services = compose().path("services");
        services.fields()
                .forEachRemaining(service -> environment(service.getValue()).forEach((key, value) -> {
                    String where = "service " + service.getKey() + ": " + key;
                    if (SECRET_KEY.matcher(key).matches()) {
                        assertThat(value)
                                .as(where + " is a ${...} reference without default")
                                .matches(ENV_REFERENCE);
                    }
                }));
        assertThat(environment(services.path("postgres")).get("POSTGRES_PASSWORD"))
                .matches(REQUIRED_REFERENCE);
        assertThat(environment(services.path("grafana")).get("GF_SECURITY_ADMIN_PASSWORD"))
                .matches(REQUIRED_REFERENCE);
        assertThat(environment(services.path("grafana")).get("GF_AUTH_ANONYMOUS_ENABLED"))
                .isEqualTo("false");

        for (String line : Files.readAllLines(COMPOSE_DIR.resolve(".env.example"), StandardCharsets.UTF_8)) {
            if (!line.startsWith("#") && line.contains("=")) {
                String key = line.substring(0, line.indexOf('='));
                if (SECRET_KEY.matcher(key).matches()) {
                    assertThat(line).as(".env.example: %s has no value", key).isEqualTo(key + "=");
                }
            }
        }
        JsonNode collectorYaml =
                yaml.readTree(COMPOSE_DIR.resolve("collector.yaml").toFile());
        List<String> secrets = new ArrayList<>();
        collectSecretValues(collectorYaml, "", secrets);
        assertThat(secrets).isNotEmpty().allSatisfy(s -> assertThat(s)
                .as("collector.yaml secret")
                .matches("\\$\\{(file:/run/secrets/[a-z0-9_]+|[A-Z][A-Z0-9_]*)}"));
    }

    @Test
    void compose_mounts_configuration_read_only_from_files_that_exist() throws IOException {
        JsonNode services = compose().path("services");
        services.fields().forEachRemaining(service -> {
            for (String volume : volumes(service.getValue())) {
                String[] parts = volume.split(":");
                String source = parts[0];
                if (!(source.startsWith(".") || source.startsWith("/"))) {
                    continue; // a named volume: data, written by the service
                }
                String where = "service " + service.getKey() + ": " + volume;
                assertThat(parts).as(where + " is read-only").hasSize(3);
                assertThat(parts[2]).as(where + " is read-only").isEqualTo("ro");
                assertThat(COMPOSE_DIR.resolve(source)).as(where + " exists").exists();
            }
        });
        JsonNode collector = services.path("collector");
        assertThat(collector.path("image").asText()).isEqualTo("floorlink/collector:${FLOORLINK_VERSION:-0.1.0}");
        assertThat(volumes(collector))
                .contains("./collector.yaml:/etc/floorlink/collector.yaml:ro", "collector-data:/var/lib/floorlink");
        assertThat(collector.path("command").toString()).contains("serve", "--config", "/etc/floorlink/collector.yaml");
        JsonNode healthcheck = collector.path("healthcheck").path("test");
        assertThat(healthcheck).allSatisfy(arg -> assertThat(arg.isTextual())
                .as("healthcheck argument %s is a string", arg)
                .isTrue());
        // the image's own check (no shell in it); ImagesIT runs this command in the collector image
        assertThat(healthcheck.get(0).asText()).isEqualTo("CMD");
        assertThat(healthcheck.toString())
                .contains("\"io.floorlink.images.HealthCheck\"", "\"http://127.0.0.1:8080/health\"");
        assertThat(fieldNames(services)).anySatisfy(name -> assertThat(
                        services.path(name).path("profiles").toString())
                .contains("plant"));

        JsonNode collectorYaml =
                yaml.readTree(COMPOSE_DIR.resolve("collector.yaml").toFile());
        assertThat(collectorYaml.path("gateway").path("store").path("url").asText())
                .startsWith("jdbc:postgresql://postgres:5432/");
        assertThat(collectorYaml.path("data_dir").asText()).isEqualTo("/var/lib/floorlink");
        assertThat(collectorYaml.path("http").path("port").asInt()).isEqualTo(8080);
    }

    @Test
    void compose_collector_yaml_loads_with_the_collectors_own_loader(@TempDir Path dir) throws IOException {
        String text = Files.readString(COMPOSE_DIR.resolve("collector.yaml"), StandardCharsets.UTF_8);
        // the secrets compose mounts under /run/secrets and the environment it passes, as files of this test
        Matcher refs = Pattern.compile("\\$\\{(?:file:/run/secrets/([a-z0-9_]+)|([A-Z][A-Z0-9_]*))}")
                .matcher(text);
        StringBuilder copy = new StringBuilder();
        while (refs.find()) {
            String name = refs.group(1) != null ? refs.group(1) : refs.group(2);
            Path secret = dir.resolve(name);
            Files.writeString(secret, "test-secret-" + name + "-0123456789");
            refs.appendReplacement(copy, Matcher.quoteReplacement("${file:" + secret + "}"));
        }
        refs.appendTail(copy);
        Path file = dir.resolve("collector.yaml");
        Files.writeString(file, copy.toString(), StandardCharsets.UTF_8);

        CollectorConfig config = CollectorConfig.load(file);

        assertThat(config.gateway()).isNotNull();
        assertThat(config.gateway().store().url()).isEqualTo("jdbc:postgresql://postgres:5432/floorlink");
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/floorlink"));
    }

    @Test
    void prometheus_scrapes_the_collector_with_a_token_file_and_an_edge_agent() throws IOException {
        JsonNode prometheus =
                yaml.readTree(DEPLOY.resolve("prometheus/prometheus.yml").toFile());
        Map<String, JsonNode> jobs = new LinkedHashMap<>();
        for (JsonNode job : prometheus.path("scrape_configs")) {
            jobs.put(job.path("job_name").asText(), job);
        }
        assertThat(jobs).containsKeys("floorlink-collector", "floorlink-edge");

        JsonNode collector = jobs.get("floorlink-collector");
        assertThat(collector.path("metrics_path").asText()).isEqualTo("/metrics");
        assertThat(collector.path("static_configs").get(0).path("targets").toString())
                .contains("collector:8080");
        String tokenFile =
                collector.path("authorization").path("credentials_file").asText();
        assertThat(tokenFile).startsWith("/run/secrets/");
        String secret = tokenFile.substring("/run/secrets/".length());
        JsonNode compose = compose();
        assertThat(compose.path("services").path("prometheus").path("secrets").toString())
                .contains(secret);
        assertThat(compose.path("secrets").has(secret)).isTrue();
        assertThat(yaml.readTree(COMPOSE_DIR.resolve("collector.yaml").toFile())
                        .path("http")
                        .path("admin_token")
                        .asText())
                .isEqualTo("${file:" + tokenFile + "}");

        JsonNode edge = jobs.get("floorlink-edge");
        assertThat(edge.path("metrics_path").asText()).isEqualTo("/metrics");
        assertThat(edge.path("static_configs").get(0).path("targets").toString())
                .contains(":9108");
        assertThat(volumes(compose.path("services").path("prometheus")))
                .contains("../prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
    }

    // --- docs/metrics.md

    /** Every Prometheus name docs/metrics.md yields: FloorLink's by its rule, and the standard ones it names. */
    private static Set<String> prometheusNamesOfDoc() throws IOException {
        Set<String> names = new TreeSet<>();
        floorlinkMetersOfDoc().values().forEach(m -> names.addAll(prometheusNames(m)));
        String doc = Files.readString(METRICS_DOC, StandardCharsets.UTF_8);
        String standard = doc.substring(doc.indexOf(STANDARD_SECTION));
        // the Prometheus renderings the doc spells out for the standard meters
        Matcher spelled = Pattern.compile("`([a-z][a-z0-9]*(?:_[a-z0-9]+)+)`").matcher(standard);
        while (spelled.find()) {
            names.add(spelled.group(1));
        }
        // standard timers of the table, by the rule
        for (String[] cells : tableRows(standard)) {
            String type = cells[1].trim();
            if (type.equals("timer")) {
                for (String name : backticked(cells[0])) {
                    names.addAll(prometheusNames(new DocMeter(name, "timer", "seconds")));
                }
            }
        }
        return names;
    }

    /** The rows of the {@code floorlink.} tables, by name. */
    private static Map<String, DocMeter> floorlinkMetersOfDoc() throws IOException {
        String doc = Files.readString(METRICS_DOC, StandardCharsets.UTF_8);
        String own = doc.substring(0, doc.indexOf(STANDARD_SECTION));
        Map<String, DocMeter> meters = new LinkedHashMap<>();
        for (String[] cells : tableRows(own)) {
            List<String> name = backticked(cells[0]);
            assertThat(name)
                    .as("docs/metrics.md row %s", String.join("|", cells))
                    .hasSize(1);
            DocMeter meter = new DocMeter(name.get(0), cells[1].trim(), cells[2].trim());
            assertThat(meter.name()).startsWith("floorlink.");
            assertThat(meters.put(meter.name(), meter))
                    .as("%s listed once", meter.name())
                    .isNull();
        }
        return meters;
    }

    /**
     * The rule at the top of docs/metrics.md: dots become underscores, the unit is appended unless it is already
     * one of the name's words ({@code UnitOnceNamingConvention}), counters end in {@code _total}; a timer (unit seconds) is a count,
     * a sum and a max (no histogram buckets: none is configured).
     */
    static List<String> prometheusNames(DocMeter meter) {
        String base = meter.name().replace('.', '_');
        String unit = meter.type().equals("timer") ? "seconds" : meter.baseUnit();
        if (unit != null && !List.of(meter.name().split("\\.")).contains(unit)) {
            base = base + "_" + unit;
        }
        return switch (meter.type()) {
            case "gauge" -> List.of(base);
            case "counter", "function counter" -> List.of(base.endsWith("_total") ? base : base + "_total");
            case "timer" -> List.of(base + "_count", base + "_sum", base + "_max");
            default -> throw new AssertionError("docs/metrics.md: unknown type " + meter);
        };
    }

    private static List<String[]> tableRows(String markdown) {
        List<String[]> rows = new ArrayList<>();
        for (String line : markdown.split("\n")) {
            if (line.startsWith("| `")) {
                String[] cells = line.substring(1).split("\\|", -1);
                assertThat(cells.length).as("docs/metrics.md row %s", line).isGreaterThanOrEqualTo(4);
                rows.add(cells);
            }
        }
        return rows;
    }

    private static List<String> backticked(String cell) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("`([^`]+)`").matcher(cell);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static Set<String> scrapedNames(PrometheusMeterRegistry registry, String prefix) {
        Set<String> names = new LinkedHashSet<>();
        for (String line : registry.scrape().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String name = line.split("[{ ]", 2)[0];
            if (name.startsWith(prefix)) {
                names.add(name);
            }
        }
        return names;
    }

    static Set<String> metricsIn(String expr) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = METRIC_IN_EXPR.matcher(expr);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    // --- files

    private static List<Path> dashboardFiles() throws IOException {
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** Panels, with those nested in collapsed rows. */
    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                panel.path("panels").forEach(out::add);
            } else {
                out.add(panel);
            }
        }
        return out;
    }

    private JsonNode compose() throws IOException {
        return yaml.readTree(COMPOSE_DIR.resolve("compose.yaml").toFile());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> volumes(JsonNode service) {
        List<String> out = new ArrayList<>();
        for (JsonNode volume : service.path("volumes")) {
            assertThat(volume.isTextual()).as("short volume syntax: %s", volume).isTrue();
            out.add(volume.asText());
        }
        return out;
    }

    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new HashMap<>();
        JsonNode node = service.path("environment");
        if (node.isArray()) {
            for (JsonNode entry : node) {
                String text = entry.asText();
                int eq = text.indexOf('=');
                env.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? "" : text.substring(eq + 1));
            }
        } else {
            node.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        }
        return env;
    }

    private static void collectSecretValues(JsonNode node, String key, List<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> collectSecretValues(e.getValue(), e.getKey(), out));
        } else if (node.isArray()) {
            node.forEach(n -> collectSecretValues(n, key, out));
        } else if (SECRET_KEY.matcher(key).matches()) {
            out.add(node.asText());
        }
    }
}
