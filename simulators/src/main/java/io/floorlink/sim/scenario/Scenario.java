package io.floorlink.sim.scenario;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A script of events played against a simulated plant, times relative to the start of the simulation.
 *
 * @param source where the scenario came from (file name, or a label for scenarios built in code), used in errors
 * @param events the events, kept sorted by {@link ScenarioEvent#at()} (stable for equal times)
 */
public record Scenario(String source, List<ScenarioEvent> events) {

    /** Copies and sorts the events. */
    public Scenario {
        Objects.requireNonNull(source, "source");
        events = events.stream().sorted(Comparator.comparing(ScenarioEvent::at)).toList();
    }

    /** A scenario built in code. */
    public static Scenario of(ScenarioEvent... events) {
        return new Scenario("scenario", List.of(events));
    }

    /**
     * Checks that every station named by an event exists in the simulated plant.
     *
     * @param stationIds the plant's station ids
     * @throws ScenarioException naming the file, line and field of the first unknown station
     */
    public void requireKnownStations(Collection<String> stationIds) {
        for (ScenarioEvent event : events) {
            if (event.station() != null && !stationIds.contains(event.station())) {
                throw ScenarioException.at(
                        source,
                        event.line(),
                        "station",
                        "unknown station '" + event.station() + "'; the simulated plant has " + describe(stationIds));
            }
        }
    }

    private static String describe(Collection<String> stationIds) {
        List<String> ids = List.copyOf(stationIds);
        if (ids.isEmpty()) {
            return "no stations";
        }
        return ids.size() <= 3 ? String.join(", ", ids) : ids.get(0) + " .. " + ids.get(ids.size() - 1);
    }
}
