package io.floorlink.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code floorlink-demo --version}, in-process and from the fat jar (built by {@code package} before the ITs). */
class DemoVersionIT {

    @Test
    void versionPrintsTheProgramAndVersionAndExitsZero() {
        StringWriter out = new StringWriter();

        int code = new CommandLine(new DemoMain())
                .setOut(new PrintWriter(out, true))
                .execute("--version");

        assertThat(code).isZero();
        // from classes (no jar manifest) the version is "dev"
        assertThat(out.toString()).matches("floorlink-demo \\S+\\R");
    }

    @Test
    void jarVersionIsTheManifestVersion(@TempDir Path dir) throws Exception {
        Path jar = Path.of(DemoVersionIT.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .getParent()
                .resolve("floorlink-demo.jar");
        assertThat(jar).as("the fat jar (built by ./mvnw package)").exists();
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
        assertThat(Files.readString(out)).matches("floorlink-demo \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R");
    }
}
