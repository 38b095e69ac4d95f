package io.floorlink.sparkplug.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floorlink.sparkplug.Category;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlConfigTest {

    record Point(String id, Category category, Duration interval, Double engHigh) {
        Point {
            if (id == null) {
                throw new IllegalArgumentException("id is required");
            }
        }
    }

    record Device(String id, List<Point> points) {}

    record Root(String name, String password, DataSize maxSize, List<Device> devices) {}

    /** A root record that checks across the document, the way the edge and inventory configurations do. */
    record Plant(List<Device> devices) {
        Plant {
            if (devices == null) {
                throw new IllegalArgumentException("devices: required");
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (int i = 0; i < devices.size(); i++) {
                if (devices.get(i).points() == null) {
                    throw new ConfigFieldException("devices[" + i + "].points", "at least one point is required");
                }
                if (!ids.add(devices.get(i).id())) {
                    throw new ConfigFieldException(
                            "devices[" + i + "].id",
                            "duplicate device id '" + devices.get(i).id() + "'");
                }
            }
        }
    }

    private static final Map<String, String> ENV = Map.of("PW", "s3cret");

    private static Root parse(String yaml) {
        return YamlConfig.parse("edge.yaml", yaml, ENV::get, Root.class);
    }

    @Test
    void readsSnakeCaseDurationsSizesCategoriesAndEnv() {
        Root r = parse("""
                name: line-1   # comment with ${NOT_SUBSTITUTED}
                password: "${PW}"
                max_size: 2GB
                devices:
                  - id: SEW-01
                    points:
                      - { id: speed, category: PROCESS, interval: 500ms, eng_high: 6000 }
                      - { id: state, category: state, interval: 1.5s }
                """);
        assertThat(r.password()).isEqualTo("s3cret");
        assertThat(r.maxSize().bytes()).isEqualTo(2L << 30);
        Point speed = r.devices().get(0).points().get(0);
        assertThat(speed.category()).isEqualTo(Category.PROCESS);
        assertThat(speed.interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(speed.engHigh()).isEqualTo(6000.0);
        assertThat(r.devices().get(0).points().get(1).interval()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void unknownKeyNamesFileLineAndPath() {
        assertThatThrownBy(() -> parse("""
                        name: a
                        devices:
                          - id: SEW-01
                            points:
                              - { id: speed, categroy: process, interval: 1s }
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("edge.yaml:5:")
                .hasMessageContaining("devices[0].points[0]")
                .hasMessageContaining("unknown key 'categroy'")
                .hasMessageContaining("category");
    }

    @Test
    void durationWithoutUnitIsRejectedWithTheField() {
        assertThatThrownBy(() -> parse("""
                        devices:
                          - id: SEW-01
                            points:
                              - id: speed
                                interval: 500
                        """))
                .hasMessageStartingWith("edge.yaml:5:")
                .hasMessageContaining("devices[0].points[0].interval")
                .hasMessageContaining("500ms");
    }

    @Test
    void wrongTypeAndBadCategoryAndConstructorValidation() {
        assertThatThrownBy(() -> parse("devices: 3\n"))
                .hasMessageContaining("devices")
                .hasMessageContaining("list");
        assertThatThrownBy(() -> parse("devices:\n  - id: A\n    points:\n      - { id: p, category: colour }\n"))
                .hasMessageStartingWith("edge.yaml:4:")
                .hasMessageContaining("unknown category 'colour'");
        assertThatThrownBy(() -> parse("devices:\n  - id: A\n    points:\n      - { category: state }\n"))
                .hasMessageStartingWith("edge.yaml:4:")
                .hasMessageContaining("devices[0].points[0]")
                .hasMessageContaining("id is required");
    }

    @Test
    void partsOfATreeBindOneByOneWithTheirPlaceInTheDocument() {
        YamlConfig.Tree tree = YamlConfig.tree("edge.yaml", """
                devices:
                  - id: SEW-01
                    points:
                      - { id: mode, category: state, interval: 1s }
                  - id: SEW-02
                    points:
                      - { id: mode, category: state, interval: soon }
                      - category: state
                """, name -> null);
        com.fasterxml.jackson.databind.JsonNode devices = tree.root().get("devices");

        assertThat(tree.bind("devices[0]", devices.get(0), Device.class).points())
                .hasSize(1);
        assertThatThrownBy(() -> tree.bind("devices[1]", devices.get(1), Device.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("edge.yaml:7:38: devices[1].points[0].interval:");
        assertThatThrownBy(() -> tree.bind(
                        "devices[1].points[1]", devices.get(1).get("points").get(1), Point.class))
                .isInstanceOf(ConfigException.class)
                .hasMessage("edge.yaml:8:9: devices[1].points[1]: id is required");
        assertThat(tree.at("devices[1].id", "duplicate").getMessage())
                .isEqualTo("edge.yaml:5:5: devices[1].id: duplicate");
    }

    record Files2(Path data, List<Path> certs, String url) {}

    @Test
    void bindRelativeToResolvesEveryRelativePathAgainstTheBaseAndKeepsAbsoluteOnes(@TempDir Path base) {
        Path absolute = base.resolve("elsewhere/ca.pem").toAbsolutePath();
        YamlConfig.Tree tree = YamlConfig.tree(
                "collector.yaml",
                "data: ./data\ncerts: [tls/cert.pem, " + absolute + "]\nurl: ./not-a-path\n",
                Map.<String, String>of()::get);

        Files2 relative = tree.bindRelativeTo(base, "", tree.root(), Files2.class);
        Files2 plain = tree.bind("", tree.root(), Files2.class);

        assertThat(Path.of("").toAbsolutePath())
                .as("the working directory is not the base")
                .isNotEqualTo(base);
        assertThat(relative.data()).isEqualTo(base.resolve("./data"));
        assertThat(relative.certs()).containsExactly(base.resolve("tls/cert.pem"), absolute);
        assertThat(relative.url()).as("strings are not paths").isEqualTo("./not-a-path");
        assertThat(plain.data())
                .as("bind without a base keeps the path as written")
                .isEqualTo(Path.of("./data"));
    }

    @Test
    void recordRejectingItselfIsPlacedWhereItStartsNotWhereItEnds() {
        assertThatThrownBy(() -> parse("""
                        devices:
                          - id: SEW-01
                            points:
                              - category: state
                                interval: 1s
                              - id: speed
                                category: process
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessage("edge.yaml:4:9: devices[0].points[0]: id is required");
    }

    @Test
    void rootRecordRejectingItselfIsPlacedAtTheFirstNodeOfTheDocument() {
        assertThatThrownBy(() -> YamlConfig.parse("plant.yaml", "# plant\n\ndevices:\n", ENV::get, Plant.class))
                .hasMessage("plant.yaml:3:1: devices: required");
    }

    @Test
    void fieldExceptionFromTheRootRecordIsPlacedAtTheFieldItNames() {
        String yaml = """
                devices:
                  - id: SEW-01
                    points: []
                  - points: []
                    id: SEW-01
                  - id: SEW-03
                """;

        assertThatThrownBy(() -> YamlConfig.parse("plant.yaml", yaml, ENV::get, Plant.class))
                .isInstanceOf(ConfigException.class)
                .hasMessage("plant.yaml:5:5: devices[1].id: duplicate device id 'SEW-01'");
    }

    @Test
    void fieldExceptionForAFieldNotWrittenIsPlacedAtItsNearestEnclosingElement() {
        String yaml = """
                devices:
                  - id: SEW-01
                    points: []
                  - { id: SEW-02 }
                """;

        assertThatThrownBy(() -> YamlConfig.parse("plant.yaml", yaml, ENV::get, Plant.class))
                .isInstanceOf(ConfigException.class)
                .hasMessage("plant.yaml:4:5: devices[1].points: at least one point is required");
    }

    @Test
    void postParseErrorIsPlacedAtTheNamedField() {
        String yaml = """
                # inventory
                equipment:
                  - { id: SEW-01, line: L1 }
                  - id: SEW-02
                    line: L9
                """;

        assertThat(YamlConfig.at("inv.yaml", yaml, "equipment[1].line", "unknown line 'L9'"))
                .hasMessage("inv.yaml:5:5: equipment[1].line: unknown line 'L9'");
        assertThat(YamlConfig.at("inv.yaml", yaml, "equipment[0].line", "unknown line 'L1'"))
                .hasMessage("inv.yaml:3:19: equipment[0].line: unknown line 'L1'");
        assertThat(YamlConfig.at("inv.yaml", yaml, "equipment[1].digital", "required"))
                .hasMessage("inv.yaml:4:5: equipment[1].digital: required");
        assertThat(YamlConfig.at("inv.yaml", yaml, "sites", "at least one site is required"))
                .hasMessage("inv.yaml:2:1: sites: at least one site is required");
        assertThat(YamlConfig.at("inv.yaml", "", "sites", "required")).hasMessage("inv.yaml: sites: required");
    }

    @Test
    void missingEnvironmentVariableNamesLineWithoutLeakingOtherValues() {
        assertThatThrownBy(() -> parse("name: a\npassword: ${MISSING_PASSWORD}\n"))
                .hasMessage("edge.yaml:2:11: environment variable MISSING_PASSWORD is not set");
        assertThat(parse("password: ${MISSING_PASSWORD:-fallback}\n").password())
                .isEqualTo("fallback");
    }

    @Test
    void fileSecretIsReadRelativeToTheConfigFileAndErrorsNameThePlaceNotTheContent(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(dir.resolve("secrets/uplink.password"), "s3cret-from-file\n");
        Files.writeString(dir.resolve("edge.yaml"), "name: a\npassword: \"${file:secrets/uplink.password}\"\n");
        assertThat(YamlConfig.load(dir.resolve("edge.yaml"), Root.class).password())
                .isEqualTo("s3cret-from-file");

        Files.writeString(
                dir.resolve("abs.yaml"), "password: \"${file:" + dir.resolve("secrets/uplink.password") + "}\"\n");
        assertThat(YamlConfig.load(dir.resolve("abs.yaml"), Root.class).password())
                .isEqualTo("s3cret-from-file");

        Files.writeString(dir.resolve("missing.yaml"), "name: a\npassword: ${file:secrets/none}\n");
        assertThatThrownBy(() -> YamlConfig.load(dir.resolve("missing.yaml"), Root.class))
                .hasMessageContaining("missing.yaml:2:11: secret file ")
                .hasMessageEndingWith("none not found");

        Files.writeString(dir.resolve("secrets/two-lines"), "first-secret-line\nsecond\n");
        Files.writeString(dir.resolve("two.yaml"), "password: ${file:secrets/two-lines}\n");
        assertThatThrownBy(() -> YamlConfig.load(dir.resolve("two.yaml"), Root.class))
                .hasMessageContaining("two.yaml:1:11: secret file ")
                .hasMessageEndingWith("must hold one line")
                .hasMessageNotContaining("first-secret-line");
    }

    @Test
    void missingFileAndSyntaxErrors(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> YamlConfig.load(dir.resolve("nope.yaml"), Root.class))
                .hasMessageEndingWith("nope.yaml: file not found");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "name: a\ndevices: [\n");
        assertThatThrownBy(() -> YamlConfig.load(bad, Root.class))
                .hasMessageContaining("bad.yaml:")
                .hasMessageContaining("not valid YAML");
        Path dup = dir.resolve("dup.yaml");
        Files.writeString(dup, "name: a\nname: b\n");
        assertThatThrownBy(() -> YamlConfig.load(dup, Root.class)).hasMessageContaining("dup.yaml:2");
    }

    record Single(List<String> items) {}

    @Test
    void singleComponentRecordsRejectUnknownKeysToo() {
        assertThat(YamlConfig.parse("one.yaml", "items: [a, b]\n", ENV::get, Single.class)
                        .items())
                .containsExactly("a", "b");
        assertThatThrownBy(() -> YamlConfig.parse("one.yaml", "items: [a]\nfoo: 1\n", ENV::get, Single.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("one.yaml:2:")
                .hasMessageContaining("unknown key 'foo'");
    }

    @Test
    void durationsAndSizes() {
        assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("PT2S")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(DataSize.parse("512MB").bytes()).isEqualTo(512L << 20);
        assertThatThrownBy(() -> DataSize.parse("2 gigs")).hasMessageContaining("2GB");
    }
}
