package io.floorlink.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.floorlink.testing.SystemdUnit;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code floorlink-collector serve} as a user runs it. */
class CollectorMainIT {
    private static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/");

    @Test
    void serveStartsPrintsTheUrlAndStopsCleanly(@TempDir Path dir) throws Exception {
        Path config = embeddedConfig(dir);
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new CollectorMain()).setOut(new PrintWriter(out, true));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread serve = new Thread(() -> exit.set(cli.execute("serve", "--config", config.toString())), "serve");
        serve.start();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> URL.matcher(out.toString()).find());
        Matcher m = URL.matcher(out.toString());
        assertThat(m.find()).isTrue();
        int port = Integer.parseInt(m.group(1));
        assertThat(port).isPositive();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> health = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"equipment\":4");

        serve.interrupt();
        serve.join(Duration.ofSeconds(30).toMillis());
        assertThat(serve.isAlive()).isFalse();
        assertThat(exit.get()).isZero();
        assertThatThrownBy(() -> http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void badConfigExits78AndNamesFileLineAndFieldWithoutStackTrace(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("collector.yaml"), "http:\n  prot: 8080\n");
        StringWriter err = new StringWriter();
        CommandLine cli = CollectorMain.commandLine().setErr(new PrintWriter(err, true));

        int code = cli.execute("serve", "--config", config.toString());

        assertThat(code).isEqualTo(78).isEqualTo(CollectorMain.EXIT_CONFIG);
        assertThat(err.toString())
                .contains(config + ":2:")
                .contains("http")
                .contains("unknown key 'prot'")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void usageErrorsExit64() {
        StringWriter err = new StringWriter();
        CommandLine cli = CollectorMain.commandLine().setErr(new PrintWriter(err, true));

        assertThat(cli.execute("--no-such-option")).isEqualTo(64).isEqualTo(CollectorMain.EXIT_USAGE);
        assertThat(cli.execute("serve", "--http-port", "not-a-port")).isEqualTo(64);
        assertThat(cli.execute("verify", "--no-such-option")).isEqualTo(64);
        assertThat(err.toString()).contains("--no-such-option").contains("not-a-port");
    }

    @Test
    void missingInventoryFileExits78(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(
                dir.resolve("collector.yaml"),
                "inventory: nowhere.yaml\ngateway:\n  broker: { port: 0, data_dir: b }\n  store: { url: \"jdbc:h2:mem:x\" }\n");
        StringWriter err = new StringWriter();
        CommandLine cli = CollectorMain.commandLine().setErr(new PrintWriter(err, true));

        assertThat(cli.execute("serve", "--config", config.toString())).isEqualTo(78);
        assertThat(err.toString()).contains("nowhere.yaml: inventory file not found");
    }

    @Test
    void versionPrintsTheProgramAndVersionAndExitsZero() {
        StringWriter out = new StringWriter();
        CommandLine cli = CollectorMain.commandLine().setOut(new PrintWriter(out, true));

        assertThat(cli.execute("--version")).isZero();
        assertThat(out.toString()).matches("floorlink-collector \\S+\\R");
    }

    @Test
    void jarVersionIsTheManifestVersion(@TempDir Path dir) throws Exception {
        Path jar = fatJar();
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        jar.toString(),
                        "--version")
                .redirectOutput(out.toFile())
                .redirectError(dir.resolve("err.txt").toFile())
                .start();

        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(Files.readString(out)).matches("floorlink-collector \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R");
    }

    /** The jar starts with the shipped systemd unit's JVM options and environment (a refused option stops it). */
    @Test
    void jarServesWithTheSystemdUnitsJvmOptions(@TempDir Path dir) throws Exception {
        Path config = embeddedConfig(dir);
        SystemdUnit unit = SystemdUnit.read("floorlink-collector.service");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(unit.jvmOptions());
        cmd.addAll(List.of("-jar", fatJar().toString(), "serve", "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        pb.environment().putAll(unit.environment());
        Process p = pb.start();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> !p.isAlive()
                            || URL.matcher(Files.readString(dir.resolve("out.txt")))
                                    .find());
            assertThat(p.isAlive())
                    .as("collector with %s: %s", unit.jvmOptions(), Files.readString(dir.resolve("err.txt")))
                    .isTrue();
            Matcher m = URL.matcher(Files.readString(dir.resolve("out.txt")));
            assertThat(m.find()).isTrue();
            HttpResponse<String> health = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/health"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        } finally {
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
        }
    }

    /** collector.yaml in {@code dir}: the test inventory, HTTP and the embedded broker on port 0, an H2 file store. */
    private static Path embeddedConfig(Path dir) throws IOException {
        try (InputStream in = CollectorMainIT.class.getResourceAsStream("/inventory.yaml")) {
            Files.copy(in, dir.resolve("inventory.yaml"));
        }
        return Files.writeString(
                dir.resolve("collector.yaml"), """
                http: { port: 0 }
                inventory: inventory.yaml
                gateway:
                  broker: { mode: embedded, port: 0, data_dir: %s }
                  store: { url: "jdbc:h2:file:%s;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", username: sa }
                """.formatted(dir.resolve("broker"), dir.resolve("facts")));
    }

    private static Path fatJar() {
        Path jar = SlimCollectorJarIT.jar("floorlink-collector.jar");
        assertThat(jar).as("the fat jar (built by ./mvnw package)").exists();
        return jar;
    }
}
