package io.floorlink.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
