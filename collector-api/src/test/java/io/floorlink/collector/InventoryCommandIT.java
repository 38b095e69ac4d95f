package io.floorlink.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.collector.district.GoldenDistrictFiles;
import io.floorlink.collector.inventory.InventoryLoader;
import io.floorlink.gateway.GatewayConfig;
import io.floorlink.testing.TestCerts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code floorlink-collector inventory import|get} against a running district collector: a contractor imports its
 * enterprise's inventory from a laptop, is refused another contractor's enterprise, and sees every problem of a bad
 * upload with nothing changed.
 */
class InventoryCommandIT {
    private static final String ADMIN = "admin-token-0123456789abcdef";
    private static final String CONTRACTOR = "ctr-east-token-0123456789ab";

    @TempDir
    static Path dir;

    private static Collector collector;
    private static Path contractorToken;

    @BeforeAll
    static void startDistrict() throws Exception {
        GoldenDistrictFiles files = GoldenDistrictFiles.copyTo(dir);
        HttpConfig http = new HttpConfig("127.0.0.1", 0, ADMIN)
                .withUsers(List.of(
                        new HttpConfig.User("ctr-east", CONTRACTOR, HttpConfig.Role.CONTRACTOR, null, "CTR-EAST")));
        collector = Collector.start(
                CollectorConfig.defaults(dir.resolve("data"))
                        .withHttp(http)
                        .withGateway(GatewayConfig.defaults(dir.resolve("data")).withBrokerPort(0))
                        .withDistrict(files.registry(), files.inventories()),
                new SimpleMeterRegistry());
        contractorToken = Files.writeString(dir.resolve("ctr.token"), CONTRACTOR + "\n");
    }

    @AfterAll
    static void stop() {
        if (collector != null) {
            collector.close();
        }
    }

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli =
                CollectorMain.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** {@code inventory <command> --url <this collector> --token-file <the contractor's> --enterprise E [more]}. */
    private static Run asContractor(String command, String enterprise, String... more) {
        List<String> args = new java.util.ArrayList<>(
                List.of("inventory", command, "--url", url(), "--token-file", contractorToken.toString()));
        if (enterprise != null) {
            args.addAll(List.of("--enterprise", enterprise));
        }
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    private static String url() {
        return "http://127.0.0.1:" + collector.httpPort();
    }

    @Test
    void aContractorImportsItsEnterprisesInventoryAndGetsItBack() throws Exception {
        Path upload = Files.writeString(
                dir.resolve("asm.yaml"),
                "enterprise: { code: ENT-ASM, name: Appliance Assembly Ltd, timezone: UTC }\n"
                        + "sites: [{ id: S1, workshops: [{ id: W1, lines: [{ id: L1 }, { id: L2 }] }] }]\n"
                        + "equipment:\n"
                        + "  - { id: SEW-01, line: L1, production: true, digital: true, points: [{ id: run_state,"
                        + " category: state, interval: 1s }] }\n"
                        + "  - { id: ASM-03, line: L2, production: true, digital: false }\n");

        Run r = asContractor("import", "ENT-ASM", upload.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("inventory of ENT-ASM now: 2 equipment, 1 points, 2 lines");
        assertThat(InventoryLoader.load(dir.resolve("enterprises/ENT-ASM/inventory.yaml"))
                        .equipment("ASM-03"))
                .isPresent();
        assertThat(collector.indicators("ENT-ASM").inventory().equipment("ASM-03"))
                .isPresent();

        Path copy = dir.resolve("asm-active.json");
        Run get = asContractor("get", "ENT-ASM", "-o", copy.toString());
        assertThat(get.exit()).as(get.err()).isZero();
        assertThat(Files.readString(copy)).contains("\"ASM-03\"").contains("\"ENT-ASM\"");
    }

    @Test
    void anotherContractorsEnterpriseIsRefusedAndChangesNothing() throws Exception {
        String before = Files.readString(dir.resolve("enterprises/ENT-MOLD/inventory.yaml"));
        Run r = asContractor(
                "import",
                "ENT-MOLD",
                dir.resolve("enterprises/ENT-MOLD/inventory.yaml").toString());

        assertThat(r.exit()).isEqualTo(InventoryCommand.EXIT_NOPERM);
        assertThat(r.err()).contains("404 unknown_enterprise");
        assertThat(Files.readString(dir.resolve("enterprises/ENT-MOLD/inventory.yaml")))
                .isEqualTo(before);
    }

    @Test
    void aBadUploadListsEveryProblemWithItsPlace() throws Exception {
        Path csv = Files.writeString(
                dir.resolve("equipment.csv"),
                "id,name,line,workshop,site,production,digital\n"
                        + "E1,one,L1,W1,S1,true,true\n"
                        + "E1,dup,L1,W1,S1,true,true\n"
                        + "E2,two,L1,W1,S1,,true\n");
        Run r = asContractor("import", "ENT-SEW", csv.toString());

        assertThat(r.exit()).isEqualTo(InventoryCommand.EXIT_DATA);
        assertThat(r.err())
                .contains("400 invalid_inventory")
                .contains("equipment.csv:3: id:")
                .contains("equipment.csv:4: production:");
        assertThat(collector.indicators("ENT-SEW").inventory().equipment("E1")).isEmpty();
    }

    @Test
    void anUnreachableCollectorAndAnUnknownFileTypeAreToldApart() throws Exception {
        Run down = run(
                "inventory",
                "get",
                "--url",
                "http://127.0.0.1:1",
                "--token-file",
                contractorToken.toString(),
                "--enterprise",
                "ENT-SEW");
        assertThat(down.exit()).isEqualTo(InventoryCommand.EXIT_UNAVAILABLE);
        assertThat(down.err()).contains("cannot reach http://127.0.0.1:1/api/v1/inventory");

        Run type = asContractor(
                "import", null, Files.writeString(dir.resolve("notes.txt"), "x").toString());
        assertThat(type.exit()).isEqualTo(CollectorMain.EXIT_USAGE);
        assertThat(type.err()).contains("is not .yaml, .yml, .csv, .zip or .xlsx");
    }

    @Test
    void anHttpsCollectorWithItsOwnCertificateIsReachedWithCacertAndNotWithout(@TempDir Path tls) throws Exception {
        Path keystore = tls.resolve("collector.p12");
        Path pem = tls.resolve("collector.pem");
        String password = TestCerts.PASSWORD;
        TestCerts.selfSigned(keystore, pem);
        GoldenDistrictFiles files = GoldenDistrictFiles.copyTo(Files.createDirectories(tls.resolve("district")));
        HttpConfig https = new HttpConfig("127.0.0.1", 0, ADMIN)
                .withUsers(List.of(
                        new HttpConfig.User("ctr-east", CONTRACTOR, HttpConfig.Role.CONTRACTOR, null, "CTR-EAST")))
                .withTls(new HttpConfig.Tls(keystore, password));
        try (Collector secure = Collector.start(
                CollectorConfig.defaults(tls.resolve("data"))
                        .withHttp(https)
                        .withGateway(GatewayConfig.defaults(tls.resolve("data")).withBrokerPort(0))
                        .withDistrict(files.registry(), files.inventories()),
                new SimpleMeterRegistry())) {
            String url = "https://127.0.0.1:" + secure.httpPort();
            String[] get = {
                "inventory", "get", "--url", url, "--token-file", contractorToken.toString(), "--enterprise", "ENT-SEW"
            };

            Run trusted = run(java.util.stream.Stream.concat(
                            java.util.Arrays.stream(get), java.util.stream.Stream.of("--cacert", pem.toString()))
                    .toArray(String[]::new));
            assertThat(trusted.exit()).as(trusted.err()).isZero();
            assertThat(trusted.out()).contains("\"ENT-SEW\"");

            Run untrusted = run(get);
            assertThat(untrusted.exit()).isEqualTo(InventoryCommand.EXIT_UNAVAILABLE);
            assertThat(untrusted.err()).contains("cannot reach " + url);
        }
    }
}
