package io.floorlink.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image tar files Jib wrote in {@code package} (docker-save format: manifest.json, config, gzipped layers), read
 * as {@code docker load} would: their configuration (non-root user, entrypoint, ports, volume, labels), their files,
 * and, where this machine allows {@code chroot}, the images run: each prints its {@code --version}, the collector
 * serves {@code /health} with the image's own health check command.
 */
class ImagesIT {
    private static final Path DIR = Path.of(System.getProperty("images.dir", "target/images"));
    private static final String VERSION = System.getProperty("images.version", "");
    private static final String USER = "10001:10001";
    private static final String DATA = "/var/lib/floorlink";

    private static final Map<String, Image> IMAGES = new HashMap<>();
    private static final Map<String, Path> ROOTS = new HashMap<>();

    @TempDir
    static Path shared;

    private final ObjectMapper json = new ObjectMapper();

    /** One image as its tar holds it, the outer tar extracted into a folder. */
    record Image(String name, Path extracted, JsonNode manifest, JsonNode config) {
        JsonNode container() {
            return config.path("config");
        }

        List<String> strings(String field) {
            return StreamSupport.stream(container().path(field).spliterator(), false)
                    .map(JsonNode::asText)
                    .toList();
        }

        List<Path> layers() {
            return StreamSupport.stream(manifest.path("Layers").spliterator(), false)
                    .map(l -> extracted.resolve(l.asText()))
                    .toList();
        }
    }

    @Test
    void collector_image_runs_as_a_numeric_user_with_its_ports_volume_and_labels() throws Exception {
        Image image = open("collector");
        assertThat(image.manifest().path("RepoTags").get(0).asText()).isEqualTo("floorlink/collector:" + VERSION);
        assertCommonConfig(image);
        assertThat(image.strings("Entrypoint")).endsWith("-jar", "/opt/floorlink/floorlink-collector.jar");
        assertThat(image.strings("Cmd")).containsExactly("serve", "--config", "/etc/floorlink/collector.yaml");
        assertThat(fieldNames(image.container().path("ExposedPorts")))
                .containsExactlyInAnyOrder("8080/tcp", "1883/tcp");
        assertThat(image.container()
                        .path("Labels")
                        .path("org.opencontainers.image.title")
                        .asText())
                .isEqualTo("floorlink-collector");
    }

    @Test
    void edge_agent_image_runs_the_agent_with_its_health_port() throws Exception {
        Image image = open("edge-agent");
        assertThat(image.manifest().path("RepoTags").get(0).asText()).isEqualTo("floorlink/edge-agent:" + VERSION);
        assertCommonConfig(image);
        assertThat(image.strings("Entrypoint")).endsWith("-jar", "/opt/floorlink/floorlink-edge-agent.jar");
        assertThat(image.strings("Cmd")).containsExactly("run", "--config", "/etc/floorlink/edge.yaml");
        assertThat(fieldNames(image.container().path("ExposedPorts"))).containsExactly("9108/tcp");
    }

    @Test
    void simulators_image_serves_the_opc_ua_plant_compose_names() throws Exception {
        Image image = open("simulators");
        assertThat(image.manifest().path("RepoTags").get(0).asText()).isEqualTo("floorlink/simulators:" + VERSION);
        assertCommonConfig(image);
        assertThat(image.strings("Cmd")).startsWith("opcua").contains("0.0.0.0", "4840");
        assertThat(fieldNames(image.container().path("ExposedPorts"))).containsExactly("4840/tcp");
    }

    @Test
    void images_share_every_layer_but_the_one_with_their_jar() throws Exception {
        List<List<String>> layers = new ArrayList<>();
        for (String name : List.of("collector", "edge-agent", "simulators")) {
            Image image = open(name);
            layers.add(
                    image.layers().stream().map(p -> p.getFileName().toString()).toList());
        }
        List<String> shared = layers.get(0).subList(0, layers.get(0).size() - 1);
        assertThat(shared).isNotEmpty();
        for (List<String> l : layers) {
            assertThat(l.subList(0, l.size() - 1)).isEqualTo(shared);
        }
        assertThat(layers.stream().map(l -> l.get(l.size() - 1)).distinct()).hasSize(3);
    }

    @Test
    void collector_layers_hold_the_jar_the_runtime_its_libraries_and_the_user() throws Exception {
        Image image = open("collector");
        Path root = root(image);

        assertThat(root.resolve("opt/floorlink/floorlink-collector.jar")).isRegularFile();
        assertThat(root.resolve("opt/java/bin/java")).isExecutable();
        assertThat(root.resolve("opt/java/lib/server/libjvm.so")).isRegularFile();
        assertThat(root.resolve("opt/java/lib/security/cacerts"))
                .isRegularFile()
                .isNotEmptyFile();
        assertThat(root.resolve("opt/floorlink/healthcheck/classes/io/floorlink/images/HealthCheck.class"))
                .isRegularFile();
        assertThat(Files.readString(root.resolve("etc/passwd"))).contains("floorlink:x:10001:10001:");
        assertThat(Files.readString(root.resolve("etc/group"))).contains("floorlink:x:10001:");
        // the loader java names (PT_INTERP, executable) and the C library, copied from the build machine
        try (var files = Files.walk(root)) {
            List<Path> libraries = files.filter(p -> !p.startsWith(root.resolve("opt")))
                    .filter(Files::isRegularFile)
                    .toList();
            assertThat(libraries).extracting(p -> p.getFileName().toString()).contains("libc.so.6", "libz.so.1");
            assertThat(libraries)
                    .filteredOn(p -> p.getFileName().toString().startsWith("ld-linux"))
                    .isNotEmpty()
                    .allSatisfy(loader -> assertThat(loader).isExecutable());
        }
        // a new Docker volume takes the mount point's mode: user 10001 must be able to write there
        assertThat(Files.getPosixFilePermissions(root.resolve(DATA.substring(1))))
                .contains(PosixFilePermission.OTHERS_WRITE);
        assertThat(Files.getPosixFilePermissions(root.resolve("tmp"))).contains(PosixFilePermission.OTHERS_WRITE);
    }

    @Test
    void every_image_prints_its_version_from_its_own_runtime(@TempDir Path tmp) throws Exception {
        assumeChroot(tmp);
        for (String name : List.of("collector", "edge-agent", "simulators")) {
            Image image = open(name);
            Path root = root(image);
            List<String> command = new ArrayList<>(image.strings("Entrypoint"));
            command.add("--version");
            Result result = runInChroot(root, image.strings("Env"), command, Duration.ofSeconds(60));
            assertThat(result.exit()).as(result.output()).isZero();
            String program = name.equals("collector") ? "floorlink-collector" : "floorlink-" + name;
            assertThat(result.output().strip()).isEqualTo(program + " " + VERSION);
        }
    }

    @Test
    void collector_image_serves_health_and_its_health_check_command_passes(@TempDir Path tmp) throws Exception {
        assumeChroot(tmp);
        Image image = open("collector");
        Path root = root(image);
        int httpPort = freePort();
        int mqttPort = freePort();
        // the compose file's shape: data in the volume, broker in it, no store section (H2 there)
        Files.writeString(root.resolve("etc/floorlink/collector.yaml"), """
                http:
                  host: 127.0.0.1
                  port: %d
                data_dir: /var/lib/floorlink
                gateway:
                  host_id: floorlink
                  broker:
                    mode: embedded
                    host: 127.0.0.1
                    port: %d
                """.formatted(httpPort, mqttPort));
        List<String> command = new ArrayList<>(image.strings("Entrypoint"));
        command.addAll(image.strings("Cmd"));
        Path log = tmp.resolve("collector.log");
        Process collector = chrootProcess(root, image.strings("Env"), command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI health = URI.create("http://127.0.0.1:" + httpPort + "/health");
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        assertThat(collector.isAlive())
                                .as(Files.readString(log))
                                .isTrue();
                        HttpResponse<String> response;
                        try {
                            response = http.send(
                                    HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
                        } catch (IOException notYet) {
                            throw new AssertionError("not listening yet", notYet);
                        }
                        assertThat(response.statusCode()).isEqualTo(200);
                        assertThat(response.body()).contains("\"status\":\"UP\"");
                    });

            // the acceptance reports (PDFBox, POI: the java.desktop parts of the runtime), anonymous on loopback
            for (String format : List.of("pdf", "xlsx")) {
                HttpResponse<byte[]> report = http.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + httpPort + "/api/v1/reports?format=" + format))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(report.statusCode()).as(format).isEqualTo(200);
                String magic = new String(report.body(), 0, 4, StandardCharsets.ISO_8859_1);
                assertThat(magic).isEqualTo(format.equals("pdf") ? "%PDF" : "PK\u0003\u0004");
            }

            // the compose file's health check command, as Docker runs it in the container (port: this test's)
            List<String> composeCheck = composeHealthCheck().stream()
                    .map(a -> a.replace("127.0.0.1:8080", "127.0.0.1:" + httpPort))
                    .toList();
            Result passed = runInChroot(root, image.strings("Env"), composeCheck, Duration.ofSeconds(30));
            assertThat(passed.exit()).as(passed.output()).isZero();
            List<String> elsewhere = new ArrayList<>(composeCheck);
            elsewhere.set(elsewhere.size() - 1, "http://127.0.0.1:" + freePort() + "/health");
            Result wrongPort = runInChroot(root, image.strings("Env"), elsewhere, Duration.ofSeconds(30));
            assertThat(wrongPort.exit()).isEqualTo(1);
            // the gateway's files went to the data volume, written as the image's user
            assertThat(root.resolve("var/lib/floorlink/broker")).isDirectory();
        } finally {
            stop(collector);
        }
    }

    @Test
    void edge_agent_image_reads_the_simulators_image_and_buffers_in_its_volume(@TempDir Path tmp) throws Exception {
        assumeChroot(tmp);
        Image simulators = open("simulators");
        Image edge = open("edge-agent");
        Path simulatorsRoot = root(simulators);
        Path edgeRoot = root(edge);
        int opcuaPort = freePort();
        int httpPort = freePort();
        List<String> plant = new ArrayList<>(simulators.strings("Entrypoint"));
        plant.addAll(List.of("opcua", "--stations", "2", "--host", "127.0.0.1", "--port", String.valueOf(opcuaPort)));
        // no MQTT server at all: the agent reads anyway and keeps every sample in its durable (SQLite) buffer
        Files.writeString(edgeRoot.resolve("etc/floorlink/edge.yaml"), """
                edge: { group: ENT001, node: edge-01 }
                uplink: { url: "tcp://127.0.0.1:%d" }
                buffer: { path: /var/lib/floorlink/buffer.db }
                http: { host: 127.0.0.1, port: %d }
                connectors:
                  - type: opcua
                    name: sewing-line-1
                    endpoint: opc.tcp://127.0.0.1:%d/floorlink
                    security: { mode: none }
                    devices:
                      - id: SEW-01
                        points:
                          - { id: run_state, node: "ns=2;s=Line1.SEW-01.RunState", category: state, interval: 1s }
                """.formatted(freePort(), httpPort, opcuaPort));
        List<String> agent = new ArrayList<>(edge.strings("Entrypoint"));
        agent.addAll(edge.strings("Cmd"));
        Process plantProcess = chrootProcess(simulatorsRoot, simulators.strings("Env"), plant)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("simulators.log").toFile())
                .start();
        Process agentProcess = null;
        try {
            agentProcess = chrootProcess(edgeRoot, edge.strings("Env"), agent)
                    .redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("edge.log").toFile())
                    .start();
            HttpClient http = HttpClient.newHttpClient();
            URI health = URI.create("http://127.0.0.1:" + httpPort + "/health");
            Process running = agentProcess;
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        assertThat(running.isAlive())
                                .as(Files.readString(tmp.resolve("edge.log")))
                                .isTrue();
                        String body;
                        try {
                            body = http.send(
                                            HttpRequest.newBuilder(health).build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .body();
                        } catch (IOException notYet) {
                            throw new AssertionError("not listening yet", notYet);
                        }
                        JsonNode state = json.readTree(body);
                        assertThat(state.path("devices").get(0).path("up").asBoolean())
                                .as(body)
                                .isTrue();
                        assertThat(state.path("buffer").path("state").asText()).isEqualTo("ok");
                        assertThat(state.path("buffer").path("records").asLong())
                                .isPositive();
                    });
            assertThat(edgeRoot.resolve("var/lib/floorlink/buffer.db")).isRegularFile();
        } finally {
            stop(agentProcess);
            stop(plantProcess);
        }
    }

    /** The JVM changed its user in chroot, which clears unshare's --kill-child signal: it is stopped directly. */
    private static void stop(Process process) throws InterruptedException {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The collector's healthcheck test in deploy/compose/compose.yaml, without its leading CMD. */
    private static List<String> composeHealthCheck() throws IOException {
        JsonNode compose = new YAMLMapper()
                .readTree(Path.of("..", "deploy", "compose", "compose.yaml").toFile());
        JsonNode test =
                compose.path("services").path("collector").path("healthcheck").path("test");
        assertThat(test.get(0).asText()).isEqualTo("CMD");
        List<String> args = new ArrayList<>();
        for (int i = 1; i < test.size(); i++) {
            args.add(test.get(i).asText());
        }
        return args;
    }

    private void assertCommonConfig(Image image) {
        JsonNode c = image.container();
        assertThat(image.config().path("os").asText()).isEqualTo("linux");
        assertThat(c.path("User").asText()).isEqualTo(USER);
        assertThat(c.path("WorkingDir").asText()).isEqualTo(DATA);
        assertThat(fieldNames(c.path("Volumes"))).containsExactly(DATA);
        assertThat(image.strings("Entrypoint").get(0)).isEqualTo("/opt/java/bin/java");
        assertThat(image.strings("Env")).contains("PATH=/opt/java/bin", "JAVA_HOME=/opt/java");
        assertThat(c.path("Labels").path("org.opencontainers.image.version").asText())
                .isEqualTo(VERSION);
        assertThat(c.path("Labels").path("org.opencontainers.image.vendor").asText())
                .isEqualTo("FloorLink");
        assertThat(c.path("Labels").path("org.opencontainers.image.description").asText())
                .isNotBlank();
    }

    private Image open(String name) throws IOException, InterruptedException {
        assumeBuilt();
        Image cached = IMAGES.get(name);
        if (cached != null) {
            return cached;
        }
        Path tar = DIR.resolve("floorlink-" + name + ".tar");
        assertThat(tar).isRegularFile();
        Path out = Files.createDirectories(shared.resolve(name + "-tar"));
        exec(List.of("tar", "-xf", tar.toAbsolutePath().toString(), "-C", out.toString()));
        JsonNode manifest = json.readTree(out.resolve("manifest.json").toFile());
        assertThat(manifest).hasSize(1);
        JsonNode config = json.readTree(
                out.resolve(manifest.get(0).path("Config").asText()).toFile());
        Image image = new Image(name, out, manifest.get(0), config);
        IMAGES.put(name, image);
        return image;
    }

    /** The image's layers unpacked in order into one folder (once per class: the tests share it). */
    private static Path root(Image image) throws IOException, InterruptedException {
        Path cached = ROOTS.get(image.name());
        if (cached != null) {
            return cached;
        }
        Path root = Files.createDirectories(shared.resolve(image.name() + "-root"));
        for (Path layer : image.layers()) {
            exec(List.of("tar", "--warning=no-unknown-keyword", "-xzpf", layer.toString(), "-C", root.toString()));
        }
        ROOTS.put(image.name(), root);
        return root;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * Runs as the image would: its own root, /proc, /sys and /dev as a container runtime mounts them, user 10001, and
     * only the image's environment (so {@code java} is found through the image's PATH, as Docker finds it).
     */
    private static ProcessBuilder chrootProcess(Path root, List<String> env, List<String> command) {
        StringBuilder environment = new StringBuilder();
        for (String variable : env) {
            assertThat(variable).doesNotContain("'");
            environment.append(" '").append(variable).append("'");
        }
        String script = ("mkdir -p '%1$s/proc' '%1$s/sys' '%1$s/dev'"
                        + " && mount -t proc proc '%1$s/proc' && mount --rbind /sys '%1$s/sys'"
                        + " && mount --rbind /dev '%1$s/dev'"
                        + " && exec env -i%2$s \"$(command -v chroot)\" --userspec=%3$s '%1$s' \"$@\"")
                .formatted(root, environment, USER);
        List<String> all = new ArrayList<>(
                List.of("unshare", "--pid", "--fork", "--kill-child", "--mount", "sh", "-c", script, "sh"));
        all.addAll(command);
        return new ProcessBuilder(all);
    }

    record Result(int exit, String output) {}

    private static Result runInChroot(Path root, List<String> env, List<String> command, Duration timeout)
            throws IOException, InterruptedException {
        Process process =
                chrootProcess(root, env, command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static void assumeBuilt() {
        assumeTrue(
                Boolean.getBoolean("images.built"),
                "images are built only on Linux with a JDK that has jmods (jlink): not here");
        assumeTrue(!Boolean.getBoolean("images.skip"), "images not built: -Dimages.skip");
    }

    /** chroot and mount need root (CI runs as root); elsewhere the run checks are skipped. */
    private static void assumeChroot(Path tmp) throws IOException, InterruptedException {
        assumeBuilt();
        Path probe = Files.createDirectories(tmp.resolve("probe"));
        Process p = new ProcessBuilder("unshare", "--mount", "chroot", probe.toString(), "/nothing")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        // chroot reaches exec (and fails there, 127) only when it was allowed to change root
        assumeTrue(p.exitValue() == 127, "chroot/unshare not permitted here (needs root): " + out.strip());
    }

    private static void exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(command + ": " + out).isZero();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
