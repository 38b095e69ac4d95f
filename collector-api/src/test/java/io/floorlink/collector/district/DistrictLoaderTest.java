package io.floorlink.collector.district;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floorlink.collector.district.District.Acceptance;
import io.floorlink.collector.district.District.Status;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.sparkplug.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The district registry and the inventories of its enterprises, from the golden district and error cases. */
class DistrictLoaderTest {
    private static final Path CASES = Path.of("src/test/resources/testcases");

    @Test
    void theGoldenDistrictLoadsWithEveryEnterpriseAndItsOwnInventory() {
        Path dir = CASES.resolve("district-golden");
        District d = DistrictLoader.load(dir.resolve("district.yaml"));

        assertThat(d.enterprises())
                .extracting(District.EnterpriseEntry::code)
                .containsExactly("ENT-SEW", "ENT-MOLD", "ENT-ASM");
        District.EnterpriseEntry sew = d.enterprise("ENT-SEW").orElseThrow();
        assertThat(sew.name()).isEqualTo("晋江运动服饰有限公司");
        assertThat(sew.industry()).isEqualTo("sportswear-sewing");
        assertThat(d.industry(sew.industry()).orElseThrow().name()).isEqualTo("运动服装缝制");
        assertThat(sew.contractor()).isEqualTo("CTR-EAST");
        assertThat(sew.enrolledOn()).isEqualTo(LocalDate.of(2026, 1, 15));
        assertThat(sew.acceptance()).isEqualTo(new Acceptance(LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 31)));
        assertThat(sew.status()).isEqualTo(Status.ACTIVE);
        assertThat(d.enterprise("ENT-ASM").orElseThrow().acceptance())
                .as("not set yet")
                .isNull();
        assertThat(d.reviews()).singleElement().satisfies(r -> assertThat(r.enterprises())
                .containsExactly("ENT-SEW", "ENT-MOLD"));

        Map<String, Inventory> inventories = DistrictLoader.inventories(d, dir.resolve("enterprises"));
        assertThat(inventories).containsOnlyKeys("ENT-SEW", "ENT-MOLD", "ENT-ASM");
        assertThat(inventories.get("ENT-MOLD").enterprise().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(inventories.values())
                .as("equipment ids are unique within an enterprise only")
                .allSatisfy(i -> assertThat(i.equipment()).anyMatch(e -> e.id().equals("SEW-01")));
    }

    @Test
    void everyWrongReferenceIsReportedAtOnceNamingFileLineAndField() throws IOException {
        Path dir = CASES.resolve("district-reference-errors");
        String text = Files.readString(dir.resolve("district.yaml"));
        List<String> expected = Files.readAllLines(dir.resolve("expected-errors.txt"));

        assertThatThrownBy(() -> DistrictLoader.parse("district.yaml", text, k -> null))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage().lines()).containsExactlyElementsOf(expected));
    }

    @Test
    void anInventoryOfAnotherEnterpriseOrAMissingOneIsRefusedNamingTheFile() {
        Path dir = CASES.resolve("district-inventory-mismatch");
        District d = DistrictLoader.load(dir.resolve("district.yaml"));
        Path inventories = dir.resolve("enterprises");

        assertThatThrownBy(() -> DistrictLoader.inventories(d, inventories))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage().lines())
                        .containsExactly(
                                inventories.resolve("ENT-B/inventory.yaml")
                                        + ": enterprise.code: 'ENT-A' is not the enterprise of this folder ('ENT-B'"
                                        + " in the district registry)",
                                inventories.resolve("ENT-C/inventory.yaml") + ": inventory file not found"));
    }

    @Test
    void unknownSectionsAndAMissingRegistryAreNamed() {
        assertThatThrownBy(() -> DistrictLoader.parse("d.yaml", "enterprise: []\n", k -> null))
                .hasMessage("d.yaml:1:1: enterprise: unknown key 'enterprise' (known keys: contractors, enterprises,"
                        + " industries, programmes, reviews)");
        assertThatThrownBy(() -> DistrictLoader.load(Path.of("no/such/district.yaml")))
                .hasMessage("no/such/district.yaml: district registry not found");
    }
}
