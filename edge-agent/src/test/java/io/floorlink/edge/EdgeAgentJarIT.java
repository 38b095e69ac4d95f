package io.floorlink.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.floorlink.testing.SystemdUnit;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code floorlink-edge-agent.jar} as a user runs it ({@code java -jar}, a new JVM): the conventions of the command
 * line. Needs the fat jar, which {@code package} builds before the integration tests run.
 */
class EdgeAgentJarIT {
    private static final String CONFIG = """
            edge: { group: ENT001, node: edge-01 }
            uplink: { url: "tcp://127.0.0.1:%d", primary_host: floorlink }
            buffer: { path: "%s" }
            http: { port: 0 }
            connectors:
              - type: opcua
                name: sewing-line-1
                endpoint: opc.tcp://127.0.0.1:%d
                devices:
                  - id: SEW-01
                    points:
                      - { id: run_state, node: "ns=2;s=A", category: state, interval: 1s }
            """;

    record Result(int code, String out, String err) {}

    private static Path jar() throws URISyntaxException {
        Path testClasses = Path.of(EdgeAgentJarIT.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Path jar = testClasses.getParent().resolve("floorlink-edge-agent.jar");
        assertThat(jar).as("the fat jar (built by ./mvnw package)").exists();
        return jar;
    }

    private static List<String> command(String... args) throws URISyntaxException {
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Result run(Path dir, String... args) throws Exception {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(command(args))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The shipped unit's options start the agent (a JVM refusing one would stop every edge box). */
    @Test
    void runWithTheSystemdUnitsJvmOptionsOpensItsSqliteBufferWithTheNativeLibraryInTheJar(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("edge.yaml");
        Path buffer = dir.resolve("buffer.db");
        Files.writeString(file, CONFIG.formatted(unusedPort(), buffer.toString().replace('\\', '/'), unusedPort()));
        List<String> cmd = command("run", "--config", file.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        SystemdUnit unit = SystemdUnit.read("floorlink-edge-agent.service");
        cmd.addAll(1, unit.jvmOptions());
        pb.environment().putAll(unit.environment());
        Process p = pb.redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile())
                .start();
        try {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !p.isAlive() || (Files.exists(buffer) && Files.size(buffer) > 0));
            assertThat(p.isAlive())
                    .as("still running; stderr: %s", Files.readString(dir.resolve("err.txt")))
                    .isTrue();
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertThat(Files.readString(dir.resolve("err.txt")))
                .doesNotContain("UnsatisfiedLinkError")
                .doesNotContain("No native library");
    }

    /**
     * What the shade filters of edge-agent/pom.xml keep out stays out: SQLite natives of platforms that neither an edge
     * box nor a commissioning laptop runs, the Picnic tables, HiveMQ CE (a test dependency); and the jar stays small.
     */
    @Test
    void jarHoldsSqliteNativesOnlyForEdgeBoxesAndLaptopsAndNothingRemovedCameBack() throws Exception {
        Path jar = jar();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Set<String> natives = new TreeSet<>();
            List<String> forbidden = new ArrayList<>();
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                String name = e.getName();
                if (name.startsWith("org/sqlite/native/") && !e.isDirectory()) {
                    String[] parts = name.split("/");
                    natives.add(parts[3] + "/" + parts[4]);
                }
                if (name.startsWith("org/bouncycastle/pqc/crypto/picnic/") && name.endsWith(".properties")
                        || name.startsWith("com/hivemq/embedded/")
                        || name.startsWith("io/floorlink/broker/")
                        || name.startsWith("org/rocksdb/")) {
                    forbidden.add(name);
                }
            }
            assertThat(natives)
                    .containsExactly(
                            "Linux/aarch64",
                            "Linux/armv7",
                            "Linux/x86_64",
                            "Mac/aarch64",
                            "Mac/x86_64",
                            "Windows/aarch64",
                            "Windows/x86_64");
            assertThat(forbidden).isEmpty();
        }
        // 46.1 MB before the filters, 37.3 MB after (deploy/README.md, "Jar sizes")
        assertThat(Files.size(jar)).isLessThan(40_000_000L);
    }

    @Test
    void versionPrintsTheManifestVersionAndExitsZero(@TempDir Path dir) throws Exception {
        Result r = run(dir, "--version");

        assertThat(r.code()).isZero();
        assertThat(r.out()).matches("floorlink-edge-agent \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void runOfABrokenConfigExits78WithFileLineFieldAndNoStackTrace(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("edge.yaml");
        Files.writeString(file, CONFIG.formatted(1883, "buffer.db", 4840).replace("interval: 1s", "interval: 1"));

        Result r = run(dir, "run", "--config", file.toString());

        assertThat(r.code()).isEqualTo(78);
        assertThat(r.err())
                .startsWith(file + ":12:")
                .contains("connectors[0].devices[0].points[0].interval")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void sampleMqttPrintsTheSampleYamlPackagedInTheJar(@TempDir Path dir) throws Exception {
        Result r = run(dir, "sample", "mqtt");

        assertThat(r.code()).isZero();
        assertThat(r.out())
                .isEqualTo(Files.readString(Path.of("src/main/java/io/floorlink/edge/connector/mqtt/sample.yaml")));
    }

    @Test
    void jsonLogFormatWritesOneJsonObjectPerLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("edge.yaml");
        Files.writeString(
                file,
                CONFIG.formatted(
                        unusedPort(), dir.resolve("buffer.db").toString().replace('\\', '/'), unusedPort()));
        ProcessBuilder pb = new ProcessBuilder(command("run", "--config", file.toString()))
                .redirectOutput(dir.resolve("out.txt").toFile());
        pb.environment().put("FLOORLINK_LOG_FORMAT", "json");
        Process p = pb.start();
        try (BufferedReader err =
                new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String first = err.readLine();
            assertThat(first).as("first log line").isNotNull();

            JsonNode json = new ObjectMapper().readTree(first);
            assertThat(json.path("level").asText()).isNotEmpty();
            assertThat(json.path("loggerName").asText()).isNotEmpty();
            assertThat(json.path("formattedMessage").asText()).isNotEmpty();
            assertThat(json.has("timestamp")).isTrue();
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void textLogFormatIsTheDefault(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("edge.yaml");
        Files.writeString(
                file,
                CONFIG.formatted(
                        unusedPort(), dir.resolve("buffer.db").toString().replace('\\', '/'), unusedPort()));
        ProcessBuilder pb = new ProcessBuilder(command("run", "--config", file.toString()))
                .redirectOutput(dir.resolve("out.txt").toFile());
        Map<String, String> env = pb.environment();
        env.remove("FLOORLINK_LOG_FORMAT");
        Process p = pb.start();
        try (BufferedReader err =
                new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String first = err.readLine();
            assertThat(first).as("first log line").isNotNull().matches("\\d{4}-\\d\\d-\\d\\dT\\S+ [A-Z]+ .*");
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The built-in logging is configured in code: Logback's XML configuration classes (Joran and its model, about 240
     * classes of metaspace on every edge box) are never loaded.
     */
    @Test
    void builtInLoggingLoadsNoXmlConfigurationClasses(@TempDir Path dir) throws Exception {
        Path classLog = dir.resolve("classes.log");
        String first = firstStderrLine(dir, List.of("-Xlog:class+load=info:file=" + classLog), Map.of());

        assertThat(first).matches("\\d{4}-\\d\\d-\\d\\dT\\S+ [A-Z]+ .*");
        List<String> loaded = Files.readAllLines(classLog);
        assertThat(loaded).anyMatch(l -> l.contains("io.floorlink.edge.logging.LogConfigurator"));
        // JoranException (in a signature) and ConsoleTarget (used by ConsoleAppender) live in joran.spi; the rest not
        assertThat(loaded)
                .noneMatch(l -> l.contains("JoranConfigurator")
                        || l.contains("ch.qos.logback.core.joran.action.")
                        || l.contains("ch.qos.logback.core.model.")
                        || l.contains("ch.qos.logback.classic.model."));
    }

    /** {@code -Dlogback.configurationFile} replaces the built-in logging, as in any Logback application. */
    @Test
    void logbackConfigurationFileReplacesTheBuiltInLogging(@TempDir Path dir) throws Exception {
        Path xml = dir.resolve("logback.xml");
        Files.writeString(xml, """
                <configuration>
                  <appender name="CUSTOM" class="ch.qos.logback.core.ConsoleAppender">
                    <target>System.err</target>
                    <encoder><pattern>CUSTOM %level %logger - %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="CUSTOM"/></root>
                </configuration>
                """);
        String first = firstStderrLine(
                dir, List.of("-Dlogback.configurationFile=" + xml), Map.of("FLOORLINK_LOG_FORMAT", "json"));

        assertThat(first).startsWith("CUSTOM ");
    }

    /** Starts {@code run} with the given JVM options and environment and returns its first line on stderr. */
    private static String firstStderrLine(Path dir, List<String> jvmOptions, Map<String, String> env) throws Exception {
        Path file = dir.resolve("edge.yaml");
        Files.writeString(
                file,
                CONFIG.formatted(
                        unusedPort(), dir.resolve("buffer.db").toString().replace('\\', '/'), unusedPort()));
        List<String> cmd = command("run", "--config", file.toString());
        cmd.addAll(1, jvmOptions);
        ProcessBuilder pb =
                new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.txt").toFile());
        pb.environment().remove("FLOORLINK_LOG_FORMAT");
        pb.environment().putAll(env);
        Process p = pb.start();
        try (BufferedReader err =
                new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String first = err.readLine();
            assertThat(first).as("first log line").isNotNull();
            return first;
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
