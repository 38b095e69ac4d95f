package io.floorlink.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.floorlink.collector.CollectorConfig;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart {@code deploy/helm/floorlink}, checked without {@code helm} (not installable here): every
 * {@code .Values} path a template reads exists in values.yaml, no secret has a default, the image is one the images
 * module builds, and the collector.yaml the chart mounts loads with the collector's own loader. With {@code helm} on
 * the PATH, {@code helm lint} and {@code helm template} run too.
 */
class HelmChartTest {
    private static final Path ROOT = Path.of("..");
    private static final Path CHART = ROOT.resolve("deploy/helm/floorlink");
    private static final Pattern VALUES_REF = Pattern.compile("\\.Values((?:\\.[A-Za-z_][A-Za-z0-9_]*)+)");
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|passwd|secret|token).*");
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)}");

    private final YAMLMapper yaml = new YAMLMapper();

    private JsonNode values() throws IOException {
        return yaml.readTree(CHART.resolve("values.yaml").toFile());
    }

    private List<Path> templates() throws IOException {
        try (Stream<Path> files = Files.list(CHART.resolve("templates"))) {
            return files.sorted().toList();
        }
    }

    @Test
    void chart_yaml_is_a_v2_application_chart_of_the_project_version() throws IOException {
        JsonNode chart = yaml.readTree(CHART.resolve("Chart.yaml").toFile());
        assertThat(chart.path("apiVersion").asText()).isEqualTo("v2");
        assertThat(chart.path("name").asText()).isEqualTo("floorlink");
        assertThat(chart.path("type").asText()).isEqualTo("application");
        assertThat(chart.path("version").asText()).matches("\\d+\\.\\d+\\.\\d+");
        // the image tag defaults to appVersion: the version the images module tags its images with
        assertThat(chart.path("appVersion").asText()).isEqualTo(projectVersion());
    }

    @Test
    void every_values_path_a_template_reads_exists_in_values_yaml() throws IOException {
        JsonNode values = values();
        Set<String> missing = new TreeSet<>();
        Set<String> used = new TreeSet<>();
        for (Path template : templates()) {
            Matcher m = VALUES_REF.matcher(Files.readString(template, StandardCharsets.UTF_8));
            while (m.find()) {
                String path = m.group(1).substring(1);
                used.add(path);
                JsonNode node = values;
                for (String part : path.split("\\.")) {
                    node = node.path(part);
                }
                if (node.isMissingNode()) {
                    missing.add(template.getFileName() + ": .Values." + path);
                }
            }
        }
        assertThat(used).contains("image.repository", "secrets.existingSecret", "collector.config");
        assertThat(missing).isEmpty();
    }

    @Test
    void no_secret_has_a_default_and_the_chart_writes_no_secret() throws IOException {
        JsonNode values = values();
        assertThat(values.path("secrets").path("existingSecret").asText()).isEmpty();
        List<String> defaults = new ArrayList<>();
        collectSecretDefaults(values, "", defaults);
        assertThat(defaults).isEmpty();
        // secrets.env maps variable names to keys of the existing Secret, never to values
        values.path("secrets").path("env").fields().forEachRemaining(e -> {
            assertThat(e.getKey()).matches("[A-Z][A-Z0-9_]*");
            assertThat(e.getValue().asText()).matches("[a-z0-9][a-z0-9.-]*");
        });
        for (Path template : templates()) {
            String text = Files.readString(template, StandardCharsets.UTF_8);
            assertThat(text).as(template.toString()).doesNotContain("kind: Secret");
        }
        assertThat(Files.readString(CHART.resolve("templates/deployment.yaml")))
                .contains("required \"secrets.existingSecret is required");
    }

    @Test
    void collector_yaml_names_only_secret_references_the_existing_secret_provides() throws IOException {
        JsonNode values = values();
        String config = values.path("collector").path("config").asText();
        JsonNode parsed = yaml.readTree(config);
        List<String> plain = new ArrayList<>();
        collectPlainSecrets(parsed, "", plain);
        assertThat(plain)
                .as("secret keys in collector.config without a ${...} reference")
                .isEmpty();

        Set<String> provided = new TreeSet<>();
        values.path("secrets").path("env").fieldNames().forEachRemaining(provided::add);
        Matcher refs = ENV_REF.matcher(config);
        Set<String> referenced = new TreeSet<>();
        while (refs.find()) {
            referenced.add(refs.group(1));
        }
        assertThat(referenced).isNotEmpty();
        assertThat(provided).containsAll(referenced);
    }

    @Test
    void collector_yaml_of_the_chart_loads_with_the_collectors_own_loader(@TempDir Path dir) throws IOException {
        String config = values().path("collector").path("config").asText();
        // the Secret's values, as files of this test (CollectorConfig reads ${file:...} like ${ENV})
        Matcher refs = ENV_REF.matcher(config);
        StringBuilder copy = new StringBuilder();
        while (refs.find()) {
            Path secret = dir.resolve(refs.group(1));
            Files.writeString(secret, "test-secret-" + refs.group(1).toLowerCase() + "-0123456789");
            refs.appendReplacement(copy, Matcher.quoteReplacement("${file:" + secret + "}"));
        }
        refs.appendTail(copy);
        Path file = dir.resolve("collector.yaml");
        Files.writeString(file, copy.toString(), StandardCharsets.UTF_8);

        CollectorConfig loaded = CollectorConfig.load(file);

        // the persistent volume's mount path, the container port the probes and the Service use
        String deployment = Files.readString(CHART.resolve("templates/deployment.yaml"));
        assertThat(loaded.dataDir()).isEqualTo(Path.of("/var/lib/floorlink"));
        assertThat(deployment).contains("mountPath: /var/lib/floorlink", "containerPort: 8080");
        assertThat(loaded.http().port()).isEqualTo(8080);
        assertThat(loaded.http().host()).isEqualTo("0.0.0.0");
        assertThat(loaded.gateway()).isNotNull();
        assertThat(loaded.gateway().store().url()).startsWith("jdbc:postgresql://");
        assertThat(yaml.readTree(config)
                        .path("gateway")
                        .path("broker")
                        .path("mode")
                        .asText())
                .isEqualTo("external");
    }

    @Test
    void image_is_one_the_images_module_builds_and_runs_as_its_user() throws IOException {
        JsonNode values = values();
        String pom = Files.readString(ROOT.resolve("images/pom.xml"), StandardCharsets.UTF_8);
        Set<String> built = new TreeSet<>();
        Matcher images = Pattern.compile("<image>([a-z0-9/._-]+):\\$\\{project\\.version}</image>")
                .matcher(pom);
        while (images.find()) {
            built.add(images.group(1));
        }
        assertThat(built).contains("floorlink/collector", "floorlink/edge-agent");
        assertThat(values.path("image").path("repository").asText()).isIn(built);
        assertThat(values.path("image").path("tag").asText()).isEmpty();

        Matcher user = Pattern.compile("<user>(\\d+):(\\d+)</user>").matcher(pom);
        assertThat(user.find()).isTrue();
        JsonNode pod = values.path("podSecurityContext");
        assertThat(pod.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("runAsUser").asText()).isEqualTo(user.group(1));
        assertThat(pod.path("fsGroup").asText()).isEqualTo(user.group(2));
        JsonNode container = values.path("containerSecurityContext");
        assertThat(container.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.path("allowPrivilegeEscalation").asBoolean()).isFalse();
    }

    @Test
    void service_is_cluster_internal_and_readiness_asks_health() throws IOException {
        JsonNode values = values();
        assertThat(values.path("service").path("type").asText()).isEqualTo("ClusterIP");
        JsonNode probes = values.path("probes");
        assertThat(probes.path("readiness").path("httpGet").path("path").asText())
                .isEqualTo("/health");
        // /health is 503 while PostgreSQL is down: liveness must not restart the pod for that
        assertThat(probes.path("liveness").has("httpGet")).isFalse();
        assertThat(values.path("persistence").path("enabled").asBoolean()).isTrue();
    }

    @Test
    void helm_lint_and_template_pass_where_helm_is_installed(@TempDir Path dir) throws Exception {
        String helm = onPath("helm");
        assumeTrue(helm != null, "helm is not on the PATH (not packaged for Debian bookworm): YAML checks only");
        run(dir, helm, "lint", CHART.toString(), "--set", "secrets.existingSecret=floorlink-collector");
        String rendered = run(
                dir,
                helm,
                "template",
                "pilot",
                CHART.toString(),
                "--set",
                "secrets.existingSecret=floorlink-collector");
        assertThat(rendered).contains("kind: Deployment", "secretKeyRef", "readOnlyRootFilesystem: true");
        assertThat(rendered).doesNotContain("kind: Secret");
    }

    private static void collectSecretDefaults(JsonNode node, String path, List<String> out) {
        if (path.equals("secrets.env") || path.equals("collector.config")) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            if (SECRET_KEY.matcher(e.getKey()).matches()
                    && e.getValue().isValueNode()
                    && !e.getValue().asText().isEmpty()) {
                out.add(child);
            }
            collectSecretDefaults(e.getValue(), child, out);
        }
    }

    private static void collectPlainSecrets(JsonNode node, String path, List<String> out) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectPlainSecrets(node.get(i), path + "[" + i + "]", out);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            if (SECRET_KEY.matcher(e.getKey()).matches()
                    && e.getValue().isValueNode()
                    && !e.getValue().asText().matches("\\$\\{[^}]+}")) {
                out.add(child);
            }
            collectPlainSecrets(e.getValue(), child, out);
        }
    }

    private static String projectVersion() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<artifactId>floorlink-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static String onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Path out = dir.resolve("out-" + System.nanoTime());
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String text = Files.readString(out);
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + text).isZero();
        return text;
    }
}
