package io.floorlink.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floorlink.gateway.GatewayConfig;
import io.floorlink.gateway.StoreConfig;
import io.floorlink.sparkplug.config.ConfigException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectorConfigTest {

    @Test
    void exampleConfigLoadsWithPathsNextToTheFile() throws URISyntaxException {
        Path file =
                Path.of(CollectorConfigTest.class.getResource("/collector.yaml").toURI());

        CollectorConfig c = CollectorConfig.load(file);

        assertThat(c.http().host()).isEqualTo("127.0.0.1");
        assertThat(c.http().port()).isEqualTo(8080);
        assertThat(c.inventory()).isEqualTo(file.getParent().resolve("inventory.yaml"));
        assertThat(Files.exists(c.inventory())).isTrue();
        assertThat(c.thresholds().thetaOnline()).isEqualTo(0.90);
        assertThat(c.thresholds().thetaComplete()).isEqualTo(0.95);
        assertThat(c.gateway().flushInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.gateway().broker().port()).isEqualTo(1883);
        assertThat(c.gateway().store().url()).startsWith("jdbc:h2:file:");
    }

    @Test
    void absentSectionsTakeDefaults(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("collector.yaml"), "http: { port: 9090 }\n");

        CollectorConfig c = CollectorConfig.load(file);

        assertThat(c.http().host()).isEqualTo("127.0.0.1");
        assertThat(c.http().port()).isEqualTo(9090);
        assertThat(c.inventory()).isNull();
        assertThat(c.dataDir()).isEqualTo(dir.toAbsolutePath().resolve("data"));
        assertThat(c.effectiveGateway().broker().port()).isEqualTo(1883);
        assertThat(c.effectiveGateway().broker().host()).isEqualTo("127.0.0.1");
        assertThat(c.withHttpPort(0).http().port()).isZero();
    }

    @Test
    void reviewerTokensAndTlsLoadWithTheKeystoreNextToTheFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(
                dir.resolve("collector.yaml"),
                "http:\n"
                        + "  host: 0.0.0.0\n"
                        + "  admin_token: admin-0123456789abcdef\n"
                        + "  reviewer_tokens:\n"
                        + "    - { name: zhang-wei, token: reviewer-0123456789abcdef }\n"
                        + "  tls: { keystore: certs/collector.p12, keystore_password: changeit-please }\n");

        HttpConfig http = CollectorConfig.load(file).http();

        assertThat(http.reviewerTokens())
                .extracting(HttpConfig.ReviewerToken::name)
                .containsExactly("zhang-wei");
        assertThat(http.allowAnonymousReads()).isFalse();
        assertThat(http.tls().keystore()).isEqualTo(dir.toAbsolutePath().resolve("certs/collector.p12"));
        assertThat(http.scheme()).isEqualTo("https");

        Path weak = Files.writeString(
                dir.resolve("weak.yaml"), "http:\n  reviewer_tokens:\n    - { name: li, token: short }\n");
        assertThatThrownBy(() -> CollectorConfig.load(weak))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(weak.toString())
                .hasMessageContaining("reviewer_tokens[0] (li): token must be at least 16");
    }

    @Test
    void gatewaySectionPathsResolveAgainstTheFileFolderNotTheWorkingDirectory(@TempDir Path dir) throws IOException {
        Path base = dir.toAbsolutePath();
        assertThat(Path.of("").toAbsolutePath()).as("working directory").isNotEqualTo(base);
        Files.createDirectories(base.resolve("tls"));
        Files.writeString(base.resolve("tls/broker.p12"), "only its readability is checked at load");
        Files.writeString(base.resolve("tls/store.password"), "from-a-file\n");
        Path file = Files.writeString(
                base.resolve("collector.yaml"),
                "data_dir: state\n"
                        + "profiles: profiles\n"
                        + "gateway:\n"
                        + "  broker:\n"
                        + "    port: 0\n"
                        + "    tls: { key_store: tls/broker.p12, key_store_password: \"${file:tls/store.password}\" }\n"
                        + "  store: { url: \"jdbc:h2:file:./state/facts;MODE=PostgreSQL\", username: sa }\n");

        CollectorConfig c = CollectorConfig.load(file);

        assertThat(c.dataDir()).isEqualTo(base.resolve("state"));
        assertThat(c.profiles()).isEqualTo(base.resolve("profiles"));
        GatewayConfig g = c.effectiveGateway();
        assertThat(g.broker().dataDir())
                .as("data_dir is used when the section leaves it out")
                .isEqualTo(base.resolve("state/broker"));
        assertThat(g.broker().tls().keyStore()).isEqualTo(base.resolve("tls/broker.p12"));
        assertThat(g.broker().tls().resolvedKeyStorePassword()).isEqualTo("from-a-file");
        assertThat(g.store().url()).isEqualTo("jdbc:h2:file:" + base.resolve("state/facts") + ";MODE=PostgreSQL");
    }

    @Test
    void gatewaySectionWithoutBrokerFolderOrStoreKeepsThemInDataDir(@TempDir Path dir) throws IOException {
        Path base = dir.toAbsolutePath();
        Path file = Files.writeString(base.resolve("collector.yaml"), "data_dir: d\ngateway: { host_id: plant-a }\n");

        GatewayConfig g = CollectorConfig.load(file).effectiveGateway();

        assertThat(g.hostId()).isEqualTo("plant-a");
        assertThat(g.broker().isEmbedded()).isTrue();
        assertThat(g.broker().dataDir()).isEqualTo(base.resolve("d/broker"));
        assertThat(g.store().url())
                .isEqualTo(StoreConfig.h2File(base.resolve("d")).url());

        Path external = Files.writeString(
                base.resolve("external.yaml"),
                "gateway:\n  broker: { mode: external, url: \"tcp://mqtt:1883\" }\n"
                        + "  store: { url: \"jdbc:postgresql://db:5432/floorlink\" }\n");
        GatewayConfig e = CollectorConfig.load(external).effectiveGateway();
        assertThat(e.broker().dataDir()).isNull();
        assertThat(e.store().url()).isEqualTo("jdbc:postgresql://db:5432/floorlink");
    }

    @Test
    void onlyRelativeH2FileUrlsAreResolved() {
        Path base = Path.of("/etc/floorlink");
        assertThat(CollectorConfig.resolveH2("jdbc:h2:./facts;MODE=PostgreSQL", base))
                .isEqualTo("jdbc:h2:/etc/floorlink/facts;MODE=PostgreSQL");
        assertThat(CollectorConfig.resolveH2("jdbc:h2:file:../data/facts", base))
                .isEqualTo("jdbc:h2:file:/etc/data/facts");
        for (String kept : new String[] {
            "jdbc:h2:file:/var/lib/floorlink/facts",
            "jdbc:h2:file:~/facts",
            "jdbc:h2:mem:x",
            "jdbc:h2:tcp://db/facts",
            "jdbc:postgresql://db:5432/floorlink"
        }) {
            assertThat(CollectorConfig.resolveH2(kept, base)).isEqualTo(kept);
        }
    }

    @Test
    void badThresholdNamesFileLineAndField(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("collector.yaml"), "thresholds:\n  theta_online: 1.5\n");

        assertThatThrownBy(() -> CollectorConfig.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ":1:1: thresholds: theta_online must be between 0 and 1");
    }

    @Test
    void indicatorCacheDefaultsOnAndCanBeSizedOrTurnedOff(@TempDir Path dir) throws IOException {
        assertThat(CollectorConfig.load(Files.writeString(dir.resolve("a.yaml"), "http: { port: 9090 }\n"))
                        .indicatorCache())
                .isEqualTo(io.floorlink.collector.indicators.FactsCache.DEFAULT_ENTRIES);
        assertThat(CollectorConfig.load(Files.writeString(dir.resolve("b.yaml"), "indicator_cache_entries: 0\n"))
                        .indicatorCache())
                .isZero();
        Path bad = Files.writeString(dir.resolve("c.yaml"), "indicator_cache_entries: -5\n");
        assertThatThrownBy(() -> CollectorConfig.load(bad))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(bad.toString())
                .hasMessageContaining("indicator_cache_entries must be 0 (off) or more but was -5");
    }

    @Test
    void badHttpPortIsRejected(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("collector.yaml"), "# listener\nhttp:\n  port: 70000\ndata_dir: x\n");

        assertThatThrownBy(() -> CollectorConfig.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ":2:1: http: ")
                .hasMessageContaining("port must be 0..65535");
    }

    @Test
    void aDistrictLoadsWithItsUsersAndInventoriesNextToTheFileAndNeverWithASingleInventory(@TempDir Path dir)
            throws IOException {
        Path file = Files.writeString(
                dir.resolve("collector.yaml"),
                "district: district.yaml\n"
                        + "inventories: pilots\n"
                        + "http:\n"
                        + "  users:\n"
                        + "    - { name: li, token: li-0123456789abcdef, role: enterprise, enterprise: ENT-SEW }\n"
                        + "    - { name: east, token: east-0123456789abcdef, role: contractor, contractor: CTR-EAST }\n"
                        + "    - { name: wang, token: wang-0123456789abcdef, role: programme_admin }\n");

        CollectorConfig c = CollectorConfig.load(file);

        assertThat(c.district()).isEqualTo(dir.toAbsolutePath().resolve("district.yaml"));
        assertThat(c.inventoriesDir()).isEqualTo(dir.toAbsolutePath().resolve("pilots"));
        assertThat(c.http().users())
                .extracting(HttpConfig.User::role)
                .containsExactly(
                        HttpConfig.Role.ENTERPRISE, HttpConfig.Role.CONTRACTOR, HttpConfig.Role.PROGRAMME_ADMIN);
        assertThat(c.http().allowAnonymousReads()).isFalse();
        assertThat(CollectorConfig.load(Files.writeString(dir.resolve("d.yaml"), "district: district.yaml\n"))
                        .inventoriesDir())
                .isEqualTo(dir.toAbsolutePath().resolve("data").resolve("enterprises"));

        Path both = Files.writeString(dir.resolve("both.yaml"), "district: district.yaml\ninventory: inventory.yaml\n");
        assertThatThrownBy(() -> CollectorConfig.load(both))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(both.toString())
                .hasMessageContaining("either inventory (one enterprise) or district");
        Path badRole = Files.writeString(
                dir.resolve("role.yaml"),
                "http:\n  users:\n    - { name: li, token: li-0123456789abcdef, role: owner }\n");
        assertThatThrownBy(() -> CollectorConfig.load(badRole))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("role");
    }
}
