package io.floorlink.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JVM options and environment of a shipped systemd unit in {@code deploy/systemd/}, so a test starts a jar the
 * way the unit does (a JVM refusing one option would stop every installation).
 *
 * @param jvmOptions the words of {@code ExecStart=} between {@code java} and {@code -jar}, never empty
 * @param environment the unit's {@code Environment=} assignments, in file order
 */
public record SystemdUnit(List<String> jvmOptions, Map<String, String> environment) {

    /**
     * Reads {@code deploy/systemd/<name>} of the checkout, found from the working directory (a module folder or the
     * root). Blocking file read.
     *
     * @param name the unit file's name, e.g. {@code floorlink-edge-agent.service}
     * @throws IllegalStateException if the file is not found or has no {@code ExecStart=java ... -jar}
     */
    public static SystemdUnit read(String name) {
        Path file = Path.of("deploy", "systemd", name);
        if (!Files.exists(file)) {
            file = Path.of("..").resolve(file);
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "systemd unit " + name + " not found from " + Path.of("").toAbsolutePath(), e);
        }
        List<String> options = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.startsWith("Environment=")) {
                String[] kv = line.substring("Environment=".length()).split("=", 2);
                env.put(kv[0], kv[1]);
            } else if (line.startsWith("ExecStart=")) {
                String[] words = line.substring("ExecStart=".length()).split(" ");
                for (int i = 1; i < words.length && !words[i].equals("-jar"); i++) {
                    options.add(words[i]);
                }
            }
        }
        if (options.isEmpty()) {
            throw new IllegalStateException(file + ": no JVM options in ExecStart=");
        }
        return new SystemdUnit(List.copyOf(options), Collections.unmodifiableMap(env));
    }
}
