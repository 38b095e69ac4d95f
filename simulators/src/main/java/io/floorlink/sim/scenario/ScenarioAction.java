package io.floorlink.sim.scenario;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a scenario event does to a simulated plant. Protocol-neutral: each simulator maps it to its own parts. */
public enum ScenarioAction {
    /** Cuts the power of one station: its data points report "no communication" until powered on. */
    POWER_OFF("power_off", true),
    /** Restores the power of one station: its data points report good, evolving values again. */
    POWER_ON("power_on", true),
    /** Shuts the simulator's server (or client connection) down; the plant keeps its state. */
    SERVER_STOP("server_stop", false),
    /** Starts the server again on the same address and port. */
    SERVER_START("server_start", false),
    /**
     * Starts a simulator-specific fault on one station, named by the event's {@code fault} key with its parameters
     * as further keys (e.g. {@code fault: exception, from: 100, to: 110, code: 2}).
     */
    FAULT("fault", true),
    /** Ends a fault started by {@link #FAULT} on one station. */
    CLEAR("clear", true);

    private final String yamlName;
    private final boolean needsStation;

    ScenarioAction(String yamlName, boolean needsStation) {
        this.yamlName = yamlName;
        this.needsStation = needsStation;
    }

    /** The name used in scenario files, e.g. {@code power_off}. */
    public String yamlName() {
        return yamlName;
    }

    /** Whether the event must name a station (true) or must not (false). */
    public boolean needsStation() {
        return needsStation;
    }

    /** The action for a scenario-file name, or empty when the name is unknown. */
    public static Optional<ScenarioAction> fromYamlName(String name) {
        return Arrays.stream(values()).filter(a -> a.yamlName.equals(name)).findFirst();
    }

    /** The scenario-file names of all actions, comma separated, for error messages. */
    public static String yamlNames() {
        return Arrays.stream(values()).map(ScenarioAction::yamlName).collect(Collectors.joining(", "));
    }
}
