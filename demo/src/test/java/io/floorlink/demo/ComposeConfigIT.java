package io.floorlink.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/compose/compose.yaml} validated by Docker Compose itself: {@code docker compose config} (Compose v2)
 * or Debian's {@code docker-compose} 1.29, which checks the file against the Compose Specification schema it ships,
 * resolves the variables and the profiles; neither needs a Docker daemon for {@code config}. Skipped where neither is
 * installed ({@code .ci/run} installs {@code docker-compose}); {@code DeployFilesTest} checks the file's own rules
 * without them.
 */
class ComposeConfigIT {
    private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
    private static final Map<String, String> PASSWORDS =
            Map.of("FLOORLINK_DB_PASSWORD", "compose-check-db", "GRAFANA_ADMIN_PASSWORD", "compose-check-grafana");

    private static List<String> compose;

    /** What this machine runs Compose with, or null. */
    @BeforeAll
    static void findCompose() {
        for (List<String> candidate : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
            List<String> version = new ArrayList<>(candidate);
            version.add("version");
            try {
                if (run(version, Map.of(), DEPLOY).exit() == 0) {
                    compose = candidate;
                    return;
                }
            } catch (IOException notInstalled) {
                // try the next one
            }
        }
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> command, Map<String, String> env, Path dir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("FLOORLINK_") || k.startsWith("GRAFANA_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command + " did not finish in 120 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static Result config(Path composeDir, Map<String, String> env, String... extra) throws IOException {
        assumeTrue(compose != null, "docker compose or docker-compose is not installed (.ci/run installs it)");
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of("-f", "compose.yaml"));
        command.addAll(List.of(extra));
        command.addAll(List.of("config", "-q"));
        return run(command, env, composeDir);
    }

    @Test
    void theStackValidatesWithAndWithoutThePlantProfile() throws IOException {
        Result platform = config(DEPLOY.resolve("compose"), PASSWORDS);
        assertThat(platform.exit()).as(platform.output()).isZero();
        Result plant = config(DEPLOY.resolve("compose"), PASSWORDS, "--profile", "plant");
        assertThat(plant.exit()).as(plant.output()).isZero();
    }

    @Test
    void withoutTheRequiredPasswordsComposeRefusesNamingTheVariable() throws IOException {
        Result noDb = config(DEPLOY.resolve("compose"), Map.of("GRAFANA_ADMIN_PASSWORD", "compose-check-grafana"));
        assertThat(noDb.exit()).isNotZero();
        assertThat(noDb.output()).contains("FLOORLINK_DB_PASSWORD");
    }

    @Test
    void aKeyTheSpecificationDoesNotKnowFailsTheCheck(@TempDir Path dir) throws IOException {
        copy(DEPLOY, dir.resolve("deploy"));
        Path file = dir.resolve("deploy/compose/compose.yaml");
        String text = Files.readString(file);
        assertThat(text).contains("\n  postgres:\n");
        Files.writeString(file, text.replace("\n  postgres:\n", "\n  postgres:\n    restart_polcy: always\n"));

        Result broken = config(dir.resolve("deploy/compose"), PASSWORDS);
        assertThat(broken.exit()).isNotZero();
        assertThat(broken.output()).contains("restart_polcy");
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
