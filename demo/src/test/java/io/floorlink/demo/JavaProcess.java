package io.floorlink.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The child JVMs of the read-sequence tests: started on the test classpath, killed with SIGKILL, and the clean-up. */
final class JavaProcess {
    private JavaProcess() {}

    /**
     * Starts {@code mainClass} in a new JVM with the test's classpath and the given heap limit (e.g. {@code "512m"}),
     * stdout and stderr both into {@code log}.
     */
    static Process start(Path log, String maxHeap, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap,
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** Starts the edge agent ({@code EdgeAgentMain run --config config}) like {@link #start}. */
    static Process startEdgeAgent(Path log, String maxHeap, Path config) throws IOException {
        return start(log, maxHeap, "io.floorlink.edge.EdgeAgentMain", "run", "--config", config.toString());
    }

    /** SIGKILL, waiting up to 10 s for the process to end; nothing when {@code process} is null. */
    static void kill(Process process) throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The {@code @AfterEach} clean-up: closes the resources in the given order, skipping nulls. */
    static void closeAll(AutoCloseable... resources) throws Exception {
        for (AutoCloseable r : resources) {
            if (r != null) {
                r.close();
            }
        }
    }
}
