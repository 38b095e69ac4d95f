package io.floorlink.demo;

import io.floorlink.sparkplug.metrics.UnitOnceNamingConvention;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar floorlink-demo.jar [--http-port P] [--stations N] [--data-dir DIR]}. */
@Command(
        name = "floorlink-demo",
        mixinStandardHelpOptions = true,
        versionProvider = DemoMain.Version.class,
        description =
                "Runs a small district in one JVM: three enterprises (a simulated sewing line, molding hall and assembly line), an edge agent each, the gateway and the collector.")
public final class DemoMain implements Callable<Integer> {

    @Option(
            names = "--http-port",
            defaultValue = "8080",
            description = "HTTP port of the web UI and API on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(
            names = "--stations",
            defaultValue = "12",
            description = "Sewing stations to simulate (default ${DEFAULT-VALUE}).")
    int stations;

    @Option(
            names = "--assembly-stations",
            defaultValue = "4",
            description =
                    "MQTT assembly stations to simulate, the last one the end-of-line tester (default ${DEFAULT-VALUE}).")
    int assemblyStations;

    @Option(
            names = "--data-dir",
            description = "Folder for the facts database and generated configs (default: a new temporary folder).")
    Path dataDir;

    private final CountDownLatch stop = new CountDownLatch(1);

    /** Exit code of a command line that cannot be used (unknown option, bad value): EX_USAGE of sysexits.h. */
    static final int EXIT_USAGE = 64;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line {@link #main} runs: a usage error exits {@link #EXIT_USAGE}, not picocli's 2. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new DemoMain());
        cli.getCommandSpec().exitCodeOnInvalidInput(EXIT_USAGE);
        return cli;
    }

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("floorlink-demo-");
        Demo.DemoOptions options = Demo.DemoOptions.defaults(dir)
                .withHttpPort(httpPort)
                .withStations(stations)
                .withAssemblyStations(assemblyStations);
        PrometheusMeterRegistry registry =
                UnitOnceNamingConvention.install(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        Demo demo = Demo.start(options, registry);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stop.countDown();
                            try {
                                stopped.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "floorlink-demo-shutdown"));
        PrintWriter out = new PrintWriter(System.out, true);
        out.printf("FloorLink demo is running: %s%n", demo.url());
        out.printf(
                "  open %s/#/programme?window=5m to watch the district's three enterprises live (their equipment"
                        + " counts as networked once it has been online for most of the window); %s is not yet at"
                        + " level 2%n",
                demo.url(), Demo.MOLDING);
        out.printf(
                "  %s: simulated sewing line %s (%d stations) and a manual cutting table%n",
                Demo.SEWING, demo.simulator().endpointUrl(), stations);
        out.printf(
                "  %s: %d simulated Modbus TCP molding machines on 127.0.0.1 ports %s and %d manual presses%n",
                Demo.MOLDING,
                demo.molding().machineIds().size(),
                demo.molding().endpoints().stream()
                        .map(e -> String.valueOf(e.port()))
                        .collect(java.util.stream.Collectors.joining(", ")),
                Demo.MANUAL_PRESSES.size());
        out.printf(
                "  %s: %d simulated MQTT assembly stations publishing JSON on %s/+/data%n",
                Demo.ASSEMBLY, assemblyStations, Demo.ASSEMBLY_PREFIX);
        out.printf(
                "  each enterprise has its own edge agent (node %s, Sparkplug group = enterprise code): %s%n",
                Demo.EDGE_NODE, dir.toAbsolutePath().resolve(Demo.EDGES_DIR));
        out.printf(
                "  MQTT broker (Sparkplug B, and the assembly line's plant topics): %s%n",
                demo.collector().gateway().mqttUrl());
        out.printf(
                "  MQTT credentials (new at every start; anonymous clients are refused): %s%n",
                dir.toAbsolutePath().resolve(DemoCredentials.SECRETS_DIR));
        out.printf("  enterprises: %s/api/v1/enterprises%n", demo.url());
        out.printf("  indicators of one enterprise: %s/api/v1/indicators?enterprise=%s%n", demo.url(), Demo.SEWING);
        out.printf("  generated registry, inventories, configs and facts: %s%n", dir.toAbsolutePath());
        out.println("Press Ctrl-C to stop.");
        try {
            stop.await();
        } finally {
            demo.close();
            registry.close();
            out.println("Stopped.");
            stopped.countDown();
        }
        return 0;
    }

    /** Stops a running {@link #call()} (used by tests instead of a signal). */
    void requestStop() {
        stop.countDown();
    }

    /** {@code --version}: {@code floorlink-demo <version>} from the jar manifest, {@code dev} from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = DemoMain.class.getPackage().getImplementationVersion();
            return new String[] {"floorlink-demo " + (v == null ? "dev" : v)};
        }
    }
}
