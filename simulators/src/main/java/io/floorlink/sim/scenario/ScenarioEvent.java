package io.floorlink.sim.scenario;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One scripted event.
 *
 * @param at time after the scenario starts, not negative
 * @param action what happens
 * @param station the station acted on; required for station actions, null for server actions
 * @param line the 1-based line of the event in its scenario file, or 0 when the event was built in code
 * @param fault the fault of a {@code fault} or {@code clear} event, otherwise null
 * @param params the fault's parameters as written (key to text), never null
 */
public record ScenarioEvent(
        Duration at, ScenarioAction action, String station, int line, String fault, Map<String, String> params) {

    /** Validates the event; throws {@link IllegalArgumentException} naming the bad field. */
    public ScenarioEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(action, "action");
        if (at.isNegative()) {
            throw new IllegalArgumentException("at: must not be negative, was " + at);
        }
        if (action.needsStation() && (station == null || station.isBlank())) {
            throw new IllegalArgumentException("station: required for action " + action.yamlName());
        }
        if (!action.needsStation() && station != null) {
            throw new IllegalArgumentException("station: not allowed for action " + action.yamlName());
        }
        boolean faulty = action == ScenarioAction.FAULT || action == ScenarioAction.CLEAR;
        if (faulty && (fault == null || fault.isBlank())) {
            throw new IllegalArgumentException("fault: required for action " + action.yamlName());
        }
        if (!faulty && fault != null) {
            throw new IllegalArgumentException("fault: not allowed for action " + action.yamlName());
        }
        params = params == null ? Map.of() : Map.copyOf(params);
    }

    /** An event without a fault. */
    public ScenarioEvent(Duration at, ScenarioAction action, String station, int line) {
        this(at, action, station, line, null, Map.of());
    }

    /** A fault (or clear) event built in code. */
    public static ScenarioEvent fault(
            Duration at, ScenarioAction action, String station, String fault, Map<String, String> params) {
        return new ScenarioEvent(at, action, station, 0, fault, params);
    }

    /** A station event built in code. */
    public static ScenarioEvent of(Duration at, ScenarioAction action, String station) {
        return new ScenarioEvent(at, action, station, 0);
    }

    /** A server event built in code. */
    public static ScenarioEvent of(Duration at, ScenarioAction action) {
        return new ScenarioEvent(at, action, null, 0);
    }
}
