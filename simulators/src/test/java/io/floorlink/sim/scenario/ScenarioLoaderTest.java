package io.floorlink.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScenarioLoaderTest {

    private static final List<String> STATIONS = List.of("SEW-01", "SEW-02", "SEW-03", "SEW-04");

    @Test
    void loadsTheGoodScenarioSortedByTime() throws Exception {
        Scenario scenario = ScenarioLoader.load(testcase("scenario-good/scenario.yaml"), STATIONS);

        assertThat(scenario.events())
                .extracting(ScenarioEvent::at, ScenarioEvent::action, ScenarioEvent::station, ScenarioEvent::line)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                Duration.ofMillis(500), ScenarioAction.POWER_OFF, "SEW-01", 7),
                        org.assertj.core.groups.Tuple.tuple(
                                Duration.ofSeconds(30), ScenarioAction.POWER_OFF, "SEW-03", 3),
                        org.assertj.core.groups.Tuple.tuple(
                                Duration.ofSeconds(90), ScenarioAction.POWER_ON, "SEW-03", 4),
                        org.assertj.core.groups.Tuple.tuple(
                                Duration.ofSeconds(120), ScenarioAction.SERVER_STOP, null, 5),
                        org.assertj.core.groups.Tuple.tuple(
                                Duration.ofSeconds(130), ScenarioAction.SERVER_START, null, 6));
        assertThat(scenario.source()).endsWith("scenario.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "unknown-key.yaml              | line 3 | events[1].delay   | unknown key",
                "bad-duration.yaml             | line 3 | events[1].at      | invalid duration '90 seconds'",
                "unit-missing.yaml             | line 2 | events[0].at      | invalid duration '30'",
                "unknown-action.yaml           | line 4 | events[2].action  | unknown action 'reboot'",
                "unknown-station.yaml          | line 3 | station           | unknown station 'SEW-13'",
                "missing-station.yaml          | line 2 | events[0].station | missing",
                "station-on-server-action.yaml | line 2 | events[0].station | not allowed for action server_stop",
                "unknown-top-level-key.yaml    | line 2 | speed             | unknown key",
                "not-yaml.yaml                 | line 3 | ''                | invalid YAML",
            })
    void badInputNamesFileLineAndField(String file, String line, String field, String problem) throws Exception {
        Path path = testcase("scenario-bad/" + file);

        assertThatThrownBy(() -> ScenarioLoader.load(path, STATIONS))
                .isInstanceOf(ScenarioException.class)
                .hasMessageContaining(file)
                .hasMessageContaining(line + ",")
                .hasMessageContaining(field.isEmpty() ? "" : "field " + field + ":")
                .hasMessageContaining(problem);
    }

    @Test
    void emptyFileSaysEventsAreMissing() {
        assertThatThrownBy(() -> ScenarioLoader.parse("empty.yaml", ""))
                .isInstanceOf(ScenarioException.class)
                .hasMessage("empty.yaml line 1, field events: missing; the file is empty");
    }

    @Test
    void durationsNeedAUnit() {
        assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationText.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(DurationText.parse("1.5m")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationText.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> DurationText.parse("10")).hasMessageContaining("invalid duration '10'");
        assertThatThrownBy(() -> DurationText.parse("-1s")).hasMessageContaining("invalid duration");
        assertThatThrownBy(() -> DurationText.parse("10 s")).hasMessageContaining("invalid duration");
    }

    private static Path testcase(String name) throws URISyntaxException {
        return Path.of(
                ScenarioLoaderTest.class.getResource("/testcases/" + name).toURI());
    }

    @Test
    void faultEventsCarryTheirNameAndParametersOtherActionsRejectExtraKeys() {
        Scenario s = ScenarioLoader.parse("f.yaml", """
                events:
                  - { at: 1s, station: IMM-01, action: fault, fault: exception, from: 100, to: 109, code: 2 }
                  - { at: 2s, station: IMM-01, action: clear, fault: exception }
                """);
        assertThat(s.events().get(0).fault()).isEqualTo("exception");
        assertThat(s.events().get(0).params()).containsEntry("from", "100").containsEntry("code", "2");
        assertThat(s.events().get(1).action()).isEqualTo(ScenarioAction.CLEAR);

        assertThatThrownBy(() -> ScenarioLoader.parse(
                        "f.yaml", "events:\n  - { at: 1s, station: IMM-01, action: power_off, code: 2 }\n"))
                .hasMessageContaining("f.yaml line 2")
                .hasMessageContaining("events[0].code")
                .hasMessageContaining("unknown key");
        assertThatThrownBy(() ->
                        ScenarioLoader.parse("f.yaml", "events:\n  - { at: 1s, station: IMM-01, action: fault }\n"))
                .hasMessageContaining("events[0].fault")
                .hasMessageContaining("missing");
        assertThatThrownBy(() ->
                        ScenarioLoader.parse("f.yaml", "events:\n  - { at: 1s, action: server_stop, fault: slow }\n"))
                .hasMessageContaining("events[0].fault")
                .hasMessageContaining("only allowed");
    }
}
