package io.floorlink.sim.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads scenario files (YAML):
 *
 * <pre>
 * events:
 *   - { at: 30s, station: SEW-03, action: power_off }
 *   - { at: 120s, action: server_stop }
 * </pre>
 *
 * <p>Every problem (unknown key, bad duration, unknown action, missing or misplaced station, unknown station) is
 * reported as a {@link ScenarioException} naming the file, the line and the field.
 */
public final class ScenarioLoader {

    private static final YAMLFactory YAML = YAMLFactory.builder().build();
    private static final Set<String> EVENT_FIELDS = Set.of("at", "station", "action", "fault");

    private ScenarioLoader() {}

    /**
     * Loads and validates a scenario file. Blocks while reading the file.
     *
     * @param file the YAML file
     * @param stationIds the stations of the simulated plant; events naming another station are rejected
     * @return the scenario, events sorted by time
     * @throws IOException if the file cannot be read
     * @throws ScenarioException if the content is invalid
     */
    public static Scenario load(Path file, Collection<String> stationIds) throws IOException {
        Scenario scenario = load(file);
        scenario.requireKnownStations(stationIds);
        return scenario;
    }

    /**
     * Loads a scenario file without checking station names (see {@link Scenario#requireKnownStations}).
     *
     * @throws IOException if the file cannot be read
     * @throws ScenarioException if the content is invalid
     */
    public static Scenario load(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return parse(file.toString(), text);
    }

    /**
     * Parses scenario text.
     *
     * @param source the name used in error messages, e.g. the file name
     * @param yaml the YAML text
     * @throws ScenarioException if the content is invalid
     */
    public static Scenario parse(String source, String yaml) {
        try (JsonParser parser = YAML.createParser(yaml)) {
            return new Walker(source, parser).scenario();
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            int line = location == null ? 0 : location.getLineNr();
            throw new ScenarioException(
                    (line > 0 ? source + " line " + line : source) + ": invalid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ScenarioException(source + ": cannot read: " + e.getMessage());
        }
    }

    /** One pass over the token stream; keeps the parser and the source name together. */
    private static final class Walker {
        private final String source;
        private final JsonParser parser;

        Walker(String source, JsonParser parser) {
            this.source = source;
            this.parser = parser;
        }

        Scenario scenario() throws IOException {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw ScenarioException.at(source, 1, "events", "missing; the file is empty");
            }
            if (token != JsonToken.START_OBJECT) {
                throw error("(top level)", "expected a mapping with the key 'events'");
            }
            List<ScenarioEvent> events = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                int keyLine = line();
                parser.nextToken();
                if (!key.equals("events")) {
                    throw ScenarioException.at(source, keyLine, key, "unknown key; expected 'events'");
                }
                events = events();
            }
            if (events == null) {
                throw ScenarioException.at(source, line(), "events", "missing");
            }
            return new Scenario(source, events);
        }

        private List<ScenarioEvent> events() throws IOException {
            if (parser.currentToken() == JsonToken.VALUE_NULL) {
                return List.of();
            }
            if (parser.currentToken() != JsonToken.START_ARRAY) {
                throw error("events", "expected a list of events");
            }
            List<ScenarioEvent> events = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                events.add(event(events.size()));
            }
            return events;
        }

        private ScenarioEvent event(int index) throws IOException {
            String path = "events[" + index + "]";
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                throw error(path, "expected a mapping with at, action and (for station actions) station");
            }
            int eventLine = line();
            Set<String> seen = new HashSet<>();
            Duration at = null;
            ScenarioAction action = null;
            String station = null;
            int stationLine = eventLine;
            String fault = null;
            // Keys beyond the event's own are a fault's parameters; for any other action they are unknown keys.
            Map<String, String> params = new LinkedHashMap<>();
            String firstParam = null;
            int firstParamLine = 0;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                String field = path + "." + key;
                int keyLine = line();
                if (!seen.add(key)) {
                    throw ScenarioException.at(source, keyLine, field, "given twice");
                }
                JsonToken value = parser.nextToken();
                if (!value.isScalarValue() || value == JsonToken.VALUE_NULL) {
                    throw error(field, "expected a single value");
                }
                String text = parser.getText();
                if (!EVENT_FIELDS.contains(key)) {
                    if (firstParam == null) {
                        firstParam = key;
                        firstParamLine = keyLine;
                    }
                    params.put(key, text);
                    continue;
                }
                switch (key) {
                    case "at" -> {
                        try {
                            at = DurationText.parse(text);
                        } catch (IllegalArgumentException e) {
                            throw error(field, e.getMessage());
                        }
                    }
                    case "action" ->
                        action = ScenarioAction.fromYamlName(text)
                                .orElseThrow(() -> error(
                                        field,
                                        "unknown action '" + text + "'; expected one of "
                                                + ScenarioAction.yamlNames()));
                    case "fault" -> fault = text;
                    default -> {
                        station = text;
                        stationLine = line();
                    }
                }
            }
            boolean faulty = action == ScenarioAction.FAULT || action == ScenarioAction.CLEAR;
            if (firstParam != null && !faulty) {
                throw ScenarioException.at(
                        source,
                        firstParamLine,
                        path + "." + firstParam,
                        "unknown key; expected at, station or action (fault parameters only go with fault or clear)");
            }
            if (faulty && fault == null) {
                throw ScenarioException.at(
                        source, eventLine, path + ".fault", "missing; action " + action.yamlName() + " names a fault");
            }
            if (!faulty && fault != null) {
                throw ScenarioException.at(
                        source, eventLine, path + ".fault", "only allowed for the actions fault and clear");
            }
            if (at == null) {
                throw ScenarioException.at(source, eventLine, path + ".at", "missing");
            }
            if (action == null) {
                throw ScenarioException.at(source, eventLine, path + ".action", "missing");
            }
            if (action.needsStation() && station == null) {
                throw ScenarioException.at(
                        source, eventLine, path + ".station", "missing; action " + action.yamlName() + " needs one");
            }
            if (!action.needsStation() && station != null) {
                throw ScenarioException.at(
                        source,
                        stationLine,
                        path + ".station",
                        "not allowed for action " + action.yamlName() + ", which acts on the whole server");
            }
            return new ScenarioEvent(at, action, station, eventLine, fault, params);
        }

        private int line() {
            return parser.currentTokenLocation().getLineNr();
        }

        private ScenarioException error(String field, String problem) {
            return ScenarioException.at(source, line(), field, problem);
        }
    }
}
