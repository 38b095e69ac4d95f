package io.floorlink.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code floorlink-collector check}: a contractor validates a district or an inventory before loading it. */
class CheckCommandTest {
    private static final Path CASES = Path.of("src/test/resources/testcases");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CommandLine cli =
            CollectorMain.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));

    @Test
    void aValidDistrictIsSummarisedEnterpriseByEnterprise() {
        int code = cli.execute(
                "check",
                "--district",
                CASES.resolve("district-golden/district.yaml").toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("3 enterprises (3 active), 1 programmes, 3 industries, 2 contractors, 1 reviews")
                .contains("ENT-SEW [sportswear-sewing, CTR-EAST, active]: enterprise ENT-SEW (晋江运动服饰有限公司,"
                        + " Asia/Shanghai), 3 equipment (3 production, 2 of them digital, 1 key), 1 calendars")
                .contains("ENT-MOLD [auto-part-molding, CTR-WEST, active]")
                .contains("Europe/Berlin), 5 equipment (5 production, 2 of them digital, 1 key)")
                .contains("ENT-ASM [appliance-assembly, CTR-EAST, active]");
    }

    @Test
    void aDistrictWithAnotherEnterprisesInventoryExits78NamingTheFiles() {
        Path dir = CASES.resolve("district-inventory-mismatch");
        int code =
                cli.execute("check", "--district", dir.resolve("district.yaml").toString());

        assertThat(code).isEqualTo(CollectorMain.EXIT_CONFIG);
        assertThat(err.toString())
                .contains(dir.resolve("enterprises/ENT-B/inventory.yaml") + ": enterprise.code: 'ENT-A' is not the"
                        + " enterprise of this folder")
                .contains(dir.resolve("enterprises/ENT-C/inventory.yaml") + ": inventory file not found")
                .doesNotContain("\tat ");
    }

    @Test
    void anInventoryIsCheckedAloneAndItsProblemsArePlaced() {
        Path bad = CASES.resolve("inventory-unknown-line/inventory.yaml");
        assertThat(cli.execute("check", "--inventory", bad.toString())).isEqualTo(CollectorMain.EXIT_CONFIG);
        assertThat(err.toString()).contains(bad + ":14:5: equipment[1].line: unknown line 'L9'");

        Path good = CASES.resolve("district-golden/enterprises/ENT-ASM/inventory.yaml");
        assertThat(cli.execute("check", "--inventory", good.toString())).isZero();
        assertThat(out.toString()).contains("OK: " + good + ": enterprise ENT-ASM (Appliance Assembly Ltd, UTC)");
    }

    @Test
    void nothingOrBothToCheckIsAUsageError() {
        assertThat(cli.execute("check")).isEqualTo(CollectorMain.EXIT_USAGE);
        assertThat(cli.execute("check", "--inventory", "a.yaml", "--district", "d.yaml"))
                .isEqualTo(CollectorMain.EXIT_USAGE);
        assertThat(err.toString()).contains("give either --inventory or --district");
    }
}
