package io.floorlink.collector.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProfileLoaderTest {

    @Test
    void shippedProfileCarriesTheParametersOfIndicatorsMd() {
        Profile p = ProfileLoader.shipped();

        assertThat(p.id()).isEqualTo("miit-2024-level2");
        assertThat(p.thetaOnline()).isEqualTo(0.90);
        assertThat(p.thetaComplete()).isEqualTo(0.95);
        assertThat(p.minWindow()).isEqualTo(Duration.ofDays(7));
        assertThat(p.maxStaticByCategory()).containsKeys(Category.PROCESS, Category.ENERGY, Category.COUNTER);
        assertThat(p.stateMaps().get("injection_molding").stateOf(4)).isEqualTo(Profile.MachineState.RUNNING);
        assertThat(p.stateMaps().get("opcua_machine").stateOf(3)).isEqualTo(Profile.MachineState.RUNNING);
        assertThat(p.stateMaps().get("sewing_machine").stateOf(1)).isEqualTo(Profile.MachineState.RUNNING);
        assertThat(p.stateMaps().get("sewing_machine").stateOf(42)).isEqualTo(Profile.MachineState.IDLE);
        assertThat(p.denominators().networkingRate()).isEqualTo("production");
        assertThat(p.rules()).extracting(Profile.Rule::id).contains("networking_rate", "key_equipment_networked");
    }

    @ParameterizedTest
    @CsvSource({
        "profile-unknown-state, 4:3, unknown machine state 'sewing'",
        "profile-duplicate-rule, 5:7, duplicate rule id 'r1'",
        "profile-bad-comparator, 4:5, comparator must be one of",
    })
    void badProfileNamesFileLineColumnAndField(String testcase, String place, String message) throws IOException {
        Path file = Path.of("src/test/resources/testcases", testcase, "profile.yaml");

        assertThatThrownBy(() -> ProfileLoader.load(copyToDir(file)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("profile.yaml:" + place)
                .hasMessageContaining(message);
    }

    @TempDir
    Path dir;

    private Path copyToDir(Path file) throws IOException {
        Files.copy(file, dir.resolve("profile.yaml"));
        return dir;
    }

    @Test
    void extraProfilesComeFromTheDirectoryAndMayNotReuseAnId() throws IOException {
        Files.writeString(dir.resolve("strict.yaml"), """
                id: strict
                version: "2"
                theta_online: 0.99
                rules:
                  - { id: all_networked, indicator: networking_rate, comparator: "==", threshold: 1 }
                """);
        ProfileLoader loader = ProfileLoader.load(dir);

        assertThat(loader.all()).extracting(Profile::id).containsExactly("miit-2024-level2", "strict");
        assertThat(loader.get("strict").orElseThrow().thresholds().thetaOnline())
                .isEqualTo(0.99);
        assertThat(loader.defaultProfile().id()).isEqualTo("miit-2024-level2");

        Files.writeString(dir.resolve("z-copy.yaml"), "id: strict\nversion: \"3\"\n");
        assertThatThrownBy(() -> ProfileLoader.load(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("z-copy.yaml")
                .hasMessageContaining("'strict' is already defined");
    }
}
