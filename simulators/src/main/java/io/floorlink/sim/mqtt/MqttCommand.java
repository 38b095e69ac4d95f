package io.floorlink.sim.mqtt;

import io.floorlink.sim.SimulatorCommand;
import io.floorlink.sim.scenario.DurationText;
import io.floorlink.sim.scenario.Scenario;
import io.floorlink.sim.scenario.ScenarioException;
import io.floorlink.sim.scenario.ScenarioLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mqtt}: runs an {@link AssemblyLineSimulator} against a broker until Ctrl-C (or {@link #requestStop()}). */
@Command(
        name = "mqtt",
        mixinStandardHelpOptions = true,
        description = {
            "MQTT appliance assembly line: stations ST-nn publish JSON to <prefix>/ST-nn/data every interval,",
            "with a retained status 'online' and a last will 'offline' on <prefix>/ST-nn/status.",
            "The password, if any, is read from the environment variable FLOORLINK_SIM_MQTT_PASSWORD."
        })
public final class MqttCommand extends SimulatorCommand<AssemblyLineOptions, AssemblyLineSimulator> {
    /** Environment variable holding the broker password. */
    public static final String PASSWORD_ENV = "FLOORLINK_SIM_MQTT_PASSWORD";

    @Option(
            names = "--url",
            defaultValue = "tcp://127.0.0.1:1883",
            description = "Broker URL (default ${DEFAULT-VALUE}).")
    private String url;

    @Option(
            names = "--stations",
            defaultValue = "10",
            description = "Number of stations, 1..99 (default ${DEFAULT-VALUE}).")
    private int stations;

    @Option(names = "--prefix", defaultValue = "plant/asm1", description = "Topic prefix (default ${DEFAULT-VALUE}).")
    private String prefix;

    @Option(
            names = "--interval",
            defaultValue = "1s",
            description = "Publish interval, e.g. 500ms (default ${DEFAULT-VALUE}).")
    private String interval;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(
            names = "--malformed-rate",
            defaultValue = "0",
            description = "Share of data messages sent as broken JSON, 0..1 (default ${DEFAULT-VALUE}).")
    private double malformedRate;

    @Option(
            names = "--skew",
            paramLabel = "STATION=DURATION",
            description = "Clock skew of a station, e.g. ST-03=-5m or ST-04=30s; repeatable.")
    private List<String> skews = List.of();

    @Option(names = "--username", description = "Broker user name (anonymous without it).")
    private String username;

    @Option(names = "--scenario", paramLabel = "FILE", description = "Scenario YAML file of scripted events.")
    private Path scenarioFile;

    @Override
    protected String name() {
        return "mqtt";
    }

    @Override
    protected AssemblyLineSimulator start(AssemblyLineOptions options) throws Exception {
        return AssemblyLineSimulator.start(options);
    }

    @Override
    protected String startFailure() {
        return "cannot start the stations";
    }

    @Override
    protected void describe(AssemblyLineOptions options, AssemblyLineSimulator simulator, PrintWriter out) {
        out.println("MQTT assembly line (" + options.stations() + " stations) publishing to " + options.url()
                + " under " + options.prefix() + "/ST-nn/{data,status} every " + interval + ".");
    }

    @Override
    protected AssemblyLineOptions options() throws IOException {
        Duration step;
        try {
            step = DurationText.parse(interval);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--interval: " + e.getMessage(), e);
        }
        Map<String, Duration> skew = new LinkedHashMap<>();
        for (String s : skews) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--skew: '" + s + "' is not STATION=DURATION, e.g. ST-03=-5m");
            }
            String d = s.substring(eq + 1).trim();
            boolean negative = d.startsWith("-");
            try {
                Duration v = DurationText.parse(negative ? d.substring(1) : d);
                skew.put(s.substring(0, eq).trim(), negative ? v.negated() : v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--skew " + s + ": " + e.getMessage(), e);
            }
        }
        URI broker;
        try {
            broker = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--url: '" + url + "' is not a URL");
        }
        AssemblyLineOptions options;
        try {
            options = new AssemblyLineOptions(
                    broker,
                    stations,
                    prefix,
                    step,
                    seed,
                    malformedRate,
                    skew,
                    username,
                    username == null ? null : System.getenv(PASSWORD_ENV),
                    null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
        if (scenarioFile == null) {
            return options;
        }
        try {
            Scenario scenario = ScenarioLoader.load(scenarioFile, AssemblyLineSimulator.stationIdsFor(stations));
            return options.withScenario(scenario);
        } catch (ScenarioException e) {
            throw new IllegalArgumentException("scenario " + e.getMessage(), e);
        }
    }
}
