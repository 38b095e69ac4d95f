package io.floorlink.collector.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.config.ConfigException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class InventoryLoaderTest {

    private static Path resource(String name) {
        try {
            return Path.of(InventoryLoaderTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void exampleInventoryLoads() {
        Inventory inv = InventoryLoader.load(resource("inventory.yaml"));

        assertThat(inv.enterprise().code()).isEqualTo("ENT001");
        assertThat(inv.enterprise().zone().getId()).isEqualTo("Asia/Shanghai");
        assertThat(inv.equipment()).extracting(Equipment::id).containsExactly("SEW-01", "SEW-02", "IMM-01", "AIR-01");
        Equipment imm = inv.equipment("IMM-01").orElseThrow();
        assertThat(imm.production()).isTrue();
        assertThat(imm.digital()).isTrue();
        assertThat(imm.key()).isFalse();
        assertThat(imm.idealCycleTime()).isEqualTo(Duration.ofSeconds(12));
        assertThat(imm.points())
                .extracting(PointRequirement::category)
                .containsExactly(Category.STATE, Category.COUNTER, Category.ENERGY);
        assertThat(imm.points().get(2).interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(inv.equipment("SEW-02").orElseThrow().points()).isEmpty();
        assertThat(inv.siteOf(imm).id()).isEqualTo("S1");
        assertThat(inv.workshopOf(imm).id()).isEqualTo("W-MOLD");
    }

    @Test
    void scopesResolveToTheirEquipment() {
        Inventory inv = InventoryLoader.load(resource("inventory.yaml"));

        assertThat(ids(inv.resolve("pilot"))).containsExactly("SEW-01", "SEW-02", "IMM-01", "AIR-01");
        assertThat(ids(inv.resolve("ENT001"))).hasSize(4);
        assertThat(ids(inv.resolve("S1"))).hasSize(4);
        assertThat(ids(inv.resolve("W-SEW"))).containsExactly("SEW-01", "SEW-02");
        assertThat(ids(inv.resolve("L-MOLD"))).containsExactly("IMM-01", "AIR-01");
        assertThat(ids(inv.resolve("line:L-MOLD"))).containsExactly("IMM-01", "AIR-01");
        assertThat(inv.resolve("IMM-01").kind()).isEqualTo(Scope.Kind.EQUIPMENT);
        assertThat(ids(inv.resolve("IMM-01"))).containsExactly("IMM-01");
    }

    @Test
    void unknownOrAmbiguousScopeIsAClearError() {
        Inventory inv = InventoryLoader.load(resource("inventory.yaml"));
        assertThatThrownBy(() -> inv.resolve("L-NOPE"))
                .isInstanceOf(UnknownScopeException.class)
                .hasMessageContaining("unknown scope 'L-NOPE'");
        assertThatThrownBy(() -> inv.resolve("cell:L-MOLD"))
                .isInstanceOf(UnknownScopeException.class)
                .hasMessageContaining("unknown scope level 'cell'");
        assertThatThrownBy(() -> inv.resolve("site:L-MOLD")).isInstanceOf(UnknownScopeException.class);

        Inventory clash = Inventory.of(
                new Enterprise("ENT001", null, null),
                List.of(new Site("X1", null, List.of(new Workshop("W1", null, List.of(new Line("X1", null)))))),
                List.of());
        assertThatThrownBy(() -> clash.resolve("X1"))
                .isInstanceOf(UnknownScopeException.class)
                .hasMessageContaining("ambiguous")
                .hasMessageContaining("site:X1")
                .hasMessageContaining("line:X1");
    }

    static Stream<Path> badInventories() throws IOException {
        Path dir = resource("testcases");
        try (Stream<Path> cases = Files.list(dir)) {
            return cases.filter(p -> p.getFileName().toString().startsWith("inventory-")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInventories")
    void badInventoryNamesFileLineAndField(Path testcase) throws IOException {
        String text = Files.readString(testcase.resolve("inventory.yaml"));
        String expected =
                Files.readString(testcase.resolve("expected-error.txt")).strip();

        assertThatThrownBy(() -> InventoryLoader.parse("inventory.yaml", text, name -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(expected);
    }

    @Test
    void everyProblemOfAYamlDraftIsReportedAtOnceInFileOrder() throws IOException {
        Path testcase = resource("testcases/yaml-import-errors");
        String text = Files.readString(testcase.resolve("inventory.yaml"));
        List<String> expected = Files.readAllLines(testcase.resolve("expected-errors.txt"));

        assertThatThrownBy(() -> InventoryLoader.parse("inventory.yaml", text, name -> null))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage().lines()).containsExactlyElementsOf(expected));
    }

    @Test
    void aBadSiteDoesNotAlsoMakeItsLinesUnknownToTheEquipment() {
        String text = """
                enterprise: { code: ENT001, name: Demo }
                sites:
                  - { id: S1, workshops: [{ id: W1, lines: [{ id: L1 }] }], colour: red }
                equipment:
                  - { id: E1, line: L1, production: true, digital: true }
                """;

        assertThatThrownBy(() -> InventoryLoader.parse("inventory.yaml", text, name -> null))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage().lines())
                        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                        .contains("sites[0].colour: unknown key 'colour'"));
    }

    @Test
    void fileWithoutEnterpriseIsPlacedAtTheStartOfTheDocument(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("inventory.yaml"), "# plant\nsites: []\nequipment: []\n");

        assertThatThrownBy(() -> InventoryLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":2:1: enterprise: required ({code, name, timezone})");
    }

    @Test
    void missingFileIsNamed() {
        assertThatThrownBy(() -> InventoryLoader.load(Path.of("no-such-inventory.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("no-such-inventory.yaml: inventory file not found");
    }

    private static List<String> ids(Scope s) {
        return s.equipment().stream().map(Equipment::id).toList();
    }
}
