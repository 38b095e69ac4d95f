package io.floorlink.sim.sparkplug;

import io.floorlink.sim.SimulatorCommand;
import io.floorlink.sim.scenario.DurationText;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sparkplug-fleet}: runs a {@link SparkplugFleet} against a broker until Ctrl-C (or {@link #requestStop()}),
 * printing the samples sent and acknowledged per second every report interval and the totals at the end.
 */
@Command(
        name = "sparkplug-fleet",
        mixinStandardHelpOptions = true,
        description = {
            "Sparkplug B 3.0 edge-node fleet for load tests: NODES edge nodes (<node-prefix>-nn), each with DEVICES",
            "devices of POINTS Double points, publishing RATE samples/s in total as DDATA of whole devices by alias",
            "(QoS 1), births gated by the primary host's STATE, rebirth on request."
        })
public final class SparkplugFleetCommand extends SimulatorCommand<SparkplugFleetOptions, SparkplugFleet> {
    @Option(
            names = "--broker",
            defaultValue = "tcp://127.0.0.1:1883",
            description = "Broker URL (default ${DEFAULT-VALUE}).")
    private String broker;

    @Option(names = "--group", defaultValue = "LOAD", description = "Sparkplug group_id (default ${DEFAULT-VALUE}).")
    private String group;

    @Option(
            names = "--node-prefix",
            defaultValue = "edge",
            description = "Edge node ids are <prefix>-01.. (default ${DEFAULT-VALUE}).")
    private String nodePrefix;

    @Option(names = "--nodes", defaultValue = "10", description = "Edge nodes (default ${DEFAULT-VALUE}).")
    private int nodes;

    @Option(names = "--devices", defaultValue = "50", description = "Devices per node (default ${DEFAULT-VALUE}).")
    private int devices;

    @Option(names = "--points", defaultValue = "100", description = "Points per device (default ${DEFAULT-VALUE}).")
    private int points;

    @Option(
            names = "--rate",
            defaultValue = "500000",
            description = "Samples per second over the fleet (default ${DEFAULT-VALUE}).")
    private long rate;

    @Option(
            names = "--tick",
            defaultValue = "100ms",
            description = "How often each node publishes its share (default ${DEFAULT-VALUE}).")
    private String tick;

    @Option(
            names = "--primary-host",
            description = "host_id of the primary host whose STATE gates the births (none: birth when subscribed).")
    private String primaryHost;

    @Option(
            names = "--username",
            description = "MQTT user name of each node, {node} replaced by the node id, e.g. 'bench-{node}'.")
    private String username;

    @Option(
            names = "--password-file",
            paramLabel = "FILE",
            description = "File holding the password of every node (trailing newline ignored).")
    private Path passwordFile;

    @Option(
            names = "--max-inflight",
            defaultValue = "1000",
            description = "Most unacknowledged DDATA per node before it skips (default ${DEFAULT-VALUE}).")
    private int maxInflight;

    @Option(
            names = "--report",
            defaultValue = "5s",
            description = "How often to print the rates (default ${DEFAULT-VALUE}).")
    private String report;

    private ScheduledExecutorService reporter;
    private long reportedAt;
    private long reportedSent;
    private long reportedAcked;
    private long reportedBehind;

    @Override
    protected String name() {
        return "sparkplug-fleet";
    }

    @Override
    protected SparkplugFleetOptions options() throws IOException {
        String password = null;
        if (passwordFile != null) {
            try {
                password =
                        Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("--password-file: cannot read " + passwordFile + ": " + e, e);
            }
        }
        Duration step = duration("--tick", tick);
        duration("--report", report);
        URI url;
        try {
            url = URI.create(broker);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--broker: '" + broker + "' is not a URL");
        }
        try {
            return new SparkplugFleetOptions(
                    url,
                    group,
                    nodePrefix,
                    nodes,
                    devices,
                    points,
                    rate,
                    step,
                    username,
                    password,
                    primaryHost,
                    maxInflight);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
    }

    private static Duration duration(String option, String text) {
        try {
            return DurationText.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected SparkplugFleet start(SparkplugFleetOptions options) {
        return SparkplugFleet.start(options);
    }

    @Override
    protected String startFailure() {
        return "cannot start the fleet";
    }

    @Override
    protected void describe(SparkplugFleetOptions options, SparkplugFleet fleet, PrintWriter out) {
        out.println("Sparkplug fleet: " + options.nodes() + " edge nodes x " + options.devices() + " devices x "
                + options.points() + " points in group " + options.group() + " on " + options.url() + ", "
                + options.rate() + " samples/s"
                + (options.primaryHost() == null ? "" : ", primary host " + options.primaryHost()) + ".");
        long ms = DurationText.parse(report).toMillis();
        reportedAt = System.nanoTime();
        reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "floorlink-sim-report");
            t.setDaemon(true);
            return t;
        });
        reporter.scheduleAtFixedRate(() -> report(fleet, out), ms, ms, TimeUnit.MILLISECONDS);
    }

    private synchronized void report(SparkplugFleet fleet, PrintWriter out) {
        long now = System.nanoTime();
        long sent = fleet.samplesSent();
        long acked = fleet.samplesAcknowledged();
        long behind = fleet.samplesBehind();
        double s = (now - reportedAt) / 1e9;
        out.println(String.format(
                Locale.ROOT,
                "sent %.0f samples/s, acknowledged %.0f/s, behind %.0f/s; nodes born %d, births %d, failed messages %d",
                (sent - reportedSent) / s,
                (acked - reportedAcked) / s,
                (behind - reportedBehind) / s,
                fleet.nodesBorn(),
                fleet.births(),
                fleet.messagesFailed()));
        out.flush();
        reportedAt = now;
        reportedSent = sent;
        reportedAcked = acked;
        reportedBehind = behind;
    }

    @Override
    protected void afterClose(SparkplugFleet fleet, PrintWriter out) {
        if (reporter != null) {
            reporter.shutdownNow();
        }
        out.println("Totals: sent " + fleet.samplesSent() + " samples, acknowledged " + fleet.samplesAcknowledged()
                + ", behind " + fleet.samplesBehind() + ", failed messages " + fleet.messagesFailed() + ".");
        out.flush();
    }
}
