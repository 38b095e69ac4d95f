package io.floorlink.collector;

import io.floorlink.sparkplug.config.ConfigException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Command line of {@code floorlink-collector.jar}. */
@Command(
        name = "floorlink-collector",
        mixinStandardHelpOptions = true,
        description = "FloorLink collector: gateway, facts store, indicators and web UI in one process.",
        subcommands = {CollectorMain.Serve.class, VerifyCommand.class})
public final class CollectorMain implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CollectorMain()).execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    @Command(
            name = "serve",
            mixinStandardHelpOptions = true,
            description = {
                "Runs the in-process gateway and the HTTP API until stopped (Ctrl-C).",
                "Without --config: embedded broker on 127.0.0.1:1883, H2 facts store in ./data, HTTP on"
                        + " 127.0.0.1:8080, and the inventory given by --inventory (none: an empty inventory and a"
                        + " warning; facts are still collected)."
            })
    static final class Serve implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "collector.yaml")
        Path config;

        @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP port, overrides http.port")
        Integer httpPort;

        @Option(names = "--inventory", paramLabel = "FILE", description = "inventory YAML, overrides inventory")
        Path inventory;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            CollectorConfig cfg;
            try {
                cfg = config == null
                        ? CollectorConfig.defaults(CollectorConfig.DEFAULT_DATA_DIR)
                        : CollectorConfig.load(config);
                if (httpPort != null) {
                    cfg = cfg.withHttpPort(httpPort);
                }
                if (inventory != null) {
                    cfg = cfg.withInventory(inventory);
                }
            } catch (ConfigException | IllegalArgumentException e) {
                err.println("floorlink-collector: " + e.getMessage());
                return 2;
            }
            Collector collector;
            try {
                collector = Collector.start(cfg, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            } catch (ConfigException e) {
                err.println("floorlink-collector: " + e.getMessage());
                return 2;
            } catch (Exception e) {
                err.println("floorlink-collector: cannot start: " + e.getMessage());
                return 1;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(
                    () -> {
                        collector.close();
                        stopped.countDown();
                    },
                    "collector-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            spec.commandLine()
                    .getOut()
                    .println("FloorLink collector: " + cfg.http().scheme() + "://"
                            + cfg.http().host() + ":" + collector.httpPort() + "/" + "  (MQTT "
                            + collector.gateway().mqttUrl() + "; Ctrl-C stops)");
            spec.commandLine().getOut().flush();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                // Stopped from inside the JVM (embedding, tests): same clean stop as Ctrl-C.
                Runtime.getRuntime().removeShutdownHook(hook);
                collector.close();
                Thread.currentThread().interrupt();
            }
            return 0;
        }
    }
}
