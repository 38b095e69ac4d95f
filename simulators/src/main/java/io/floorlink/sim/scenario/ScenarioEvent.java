package io.floorlink.sim.scenario;

import java.time.Duration;
import java.util.Objects;

/**
 * One scripted event.
 *
 * @param at time after the scenario starts, not negative
 * @param action what happens
 * @param station the station acted on; required for station actions, null for server actions
 * @param line the 1-based line of the event in its scenario file, or 0 when the event was built in code
 */
public record ScenarioEvent(Duration at, ScenarioAction action, String station, int line) {

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
