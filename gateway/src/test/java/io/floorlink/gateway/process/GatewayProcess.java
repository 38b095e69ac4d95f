package io.floorlink.gateway.process;

import io.floorlink.gateway.Db;
import io.floorlink.gateway.StoreConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A FloorLink gateway in a separate JVM ({@link GatewayProcessMain}, this JVM's test classpath) on an external
 * broker, so a test can kill it without warning ({@link #killHard()}, SIGKILL) and start another one on the same
 * facts store.
 *
 * <p>The child's stdout and stderr are copied to this JVM's stdout, each line prefixed with {@code [gateway
 * <pid>]}, and the last {@value #KEPT_LINES} lines are kept for {@link #output()} and failure messages.
 *
 * <p>An H2 file can be open in one process at a time. Either read it once the child is dead ({@link
 * #h2Url(Path)}), or start the child on {@link #h2AutoServerUrl(Path)} and read through the same URL while it
 * runs (H2 then serves the file from the child on a 127.0.0.1 port); never open the auto-server URL from this JVM
 * while no child runs, or this JVM becomes the server.
 */
public final class GatewayProcess implements AutoCloseable {
    /** How long {@link #start} waits for the ready line. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** How long {@link #stop()} waits for a clean exit before killing. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** Lines of child output kept for diagnostics. */
    public static final int KEPT_LINES = 400;

    private final Process process;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private final CountDownLatch ready = new CountDownLatch(1);

    private GatewayProcess(Process process) {
        this.process = process;
    }

    /** The JDBC URL of the H2 facts file {@code <dir>/facts.mv.db}, as the gateway's default H2 store opens it. */
    public static String h2Url(Path dir) {
        return StoreConfig.h2File(dir).url();
    }

    /** {@link #h2Url} with {@code AUTO_SERVER=TRUE}: readable from this JVM while a child holds the file. */
    public static String h2AutoServerUrl(Path dir) {
        return h2Url(dir) + ";AUTO_SERVER=TRUE";
    }

    /**
     * Starts a gateway process and blocks until it is ready (store migrated, host subscribed, STATE online
     * published), at most {@link #START_TIMEOUT}.
     *
     * @param broker external broker, {@code tcp://host:port}
     * @param brokerUser nullable
     * @param brokerPassword nullable; handed over in the child's environment, not on its command line
     * @param storeUrl JDBC URL of the facts store, e.g. {@link #h2Url} or {@link #h2AutoServerUrl}
     * @param hostId Sparkplug host id; the same id resumes the same persistent MQTT session at the broker
     * @param flushInterval how often the child writes facts (at least 10 ms)
     * @throws IllegalStateException when the child exits or is not ready in time (it is killed then)
     */
    public static GatewayProcess start(
            URI broker,
            String brokerUser,
            String brokerPassword,
            String storeUrl,
            String hostId,
            Duration flushInterval)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        // AUTO_SERVER's TCP listener: loopback only
                        "-Dh2.bindAddress=127.0.0.1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        GatewayProcessMain.class.getName(),
                        broker.toString(),
                        storeUrl,
                        hostId,
                        Long.toString(flushInterval.toMillis()))
                .redirectErrorStream(true);
        if (brokerUser != null) {
            pb.environment().put(GatewayProcessMain.ENV_BROKER_USER, brokerUser);
        }
        if (brokerPassword != null) {
            pb.environment().put(GatewayProcessMain.ENV_BROKER_PASSWORD, brokerPassword);
        }
        GatewayProcess gp = new GatewayProcess(pb.start());
        Thread pump = new Thread(gp::pump, "gateway-process-" + gp.pid() + "-output");
        pump.setDaemon(true);
        pump.start();
        boolean up = gp.ready.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!up || !gp.process.isAlive()) {
            gp.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("gateway process " + gp.pid() + " not ready within " + START_TIMEOUT
                    + " (alive " + gp.process.isAlive() + "); last output:\n" + String.join("\n", gp.output()));
        }
        return gp;
    }

    /** {@link #start(URI, String, String, String, String, Duration)} on an anonymous broker. */
    public static GatewayProcess start(URI broker, String storeUrl, String hostId, Duration flushInterval)
            throws IOException, InterruptedException {
        return start(broker, null, null, storeUrl, hostId, flushInterval);
    }

    private void pump() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println("[gateway " + pid() + "] " + line);
                synchronized (lines) {
                    if (lines.size() == KEPT_LINES) {
                        lines.removeFirst();
                    }
                    lines.addLast(line);
                }
                if (line.startsWith(GatewayProcessMain.READY)) {
                    ready.countDown();
                }
            }
        } catch (IOException e) {
            // the child is gone
        } finally {
            ready.countDown();
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The last lines the child printed (logs included), oldest first. */
    public List<String> output() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /**
     * Kills the child without warning and waits until it is gone: {@link Process#destroyForcibly()}, which on
     * Linux sends SIGKILL, so no shutdown hook runs, nothing is flushed and no MQTT DISCONNECT is sent.
     *
     * @return the exit code, 137 (128 + SIGKILL) on Linux
     */
    public int killHard() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("gateway process " + pid() + " still alive 30 s after SIGKILL");
        }
        return process.exitValue();
    }

    /**
     * Stops the child cleanly (SIGTERM: the shutdown hook closes the gateway, which writes what is pending and
     * publishes STATE offline); kills it if it is not gone within {@link #STOP_TIMEOUT}.
     *
     * @return the exit code, 143 (128 + SIGTERM) after a clean stop on Linux
     */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            return killHard();
        }
        return process.exitValue();
    }

    /** Kills the child if it still runs. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            killHard();
        }
    }

    /**
     * Reads the facts store with plain JDBC (user {@code sa}); timestamps come back as {@link Instant}s, column
     * names in lower case; {@link Instant} parameters are bound as UTC timestamps. Opens and closes a connection.
     */
    public static List<Map<String, Object>> rows(String jdbcUrl, String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "sa", "")) {
            return Db.rows(c, sql, params);
        } catch (SQLException e) {
            throw new IllegalStateException(StoreConfig.safeUrl(jdbcUrl) + ": " + sql + ": " + e.getMessage(), e);
        }
    }
}
