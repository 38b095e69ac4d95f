package io.floorlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floorlink.gateway.broker.PasswordHash;
import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.config.YamlConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    @Test
    void defaultsAreLoopbackH2AndFiveSeconds() {
        GatewayConfig c = GatewayConfig.defaults(Path.of("/var/lib/floorlink"));
        assertThat(c.broker().mode()).isEqualTo("embedded");
        assertThat(c.broker().host()).isEqualTo("127.0.0.1");
        assertThat(c.broker().port()).isEqualTo(1883);
        assertThat(c.hostId()).isEqualTo("floorlink");
        assertThat(c.flushInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.effectiveFlushIntervalMax()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.withFlushInterval(Duration.ofMinutes(1)).effectiveFlushIntervalMax())
                .as("a flush interval above 15 s is its own maximum")
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(c.auth()).isNull();
        assertThat(c.store().url())
                .startsWith("jdbc:h2:file:/var/lib/floorlink/facts;")
                .contains("MODE=PostgreSQL");
        assertThat(c.withBrokerPort(0).broker().port()).isZero();
    }

    @Test
    void snakeCaseYamlBindsToTheRecords() throws Exception {
        String yaml = """
                broker: { mode: external, url: "tcp://10.0.0.9:1883", username: gw, password: "${GW_PW}" }
                host_id: plant-a
                store: { url: "jdbc:postgresql://db/floorlink", username: fl }
                flush_interval: 2s
                flush_interval_max: 8s
                """;
        GatewayConfig c = parse(yaml);
        assertThat(c.effectiveFlushIntervalMax()).isEqualTo(Duration.ofSeconds(8));
        assertThat(c.broker().isEmbedded()).isFalse();
        assertThat(c.broker().url()).isEqualTo(URI.create("tcp://10.0.0.9:1883"));
        assertThat(c.hostId()).isEqualTo("plant-a");
        assertThat(c.store().isPostgres()).isTrue();
        assertThat(c.flushInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.broker().password()).isEqualTo("from-env");
        assertThat(c.toString()).doesNotContain("from-env");

        GatewayConfig embedded = parse("""
                broker: { data_dir: /tmp/b }
                store: { url: 'jdbc:h2:mem:x' }
                auth:
                  edges:
                    - { username: edge-01, password: "pbkdf2-sha256$210000$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g", groups: [ENT001], node: edge-01 }
                """);
        assertThat(embedded.auth().edges().get(0).groups()).containsExactly("ENT001");
        assertThat(embedded.toString()).doesNotContain("pbkdf2");
    }

    @Test
    void clientCredentialsAndAnonymousAccessBindAndAreValidatedNamingTheField() throws Exception {
        GatewayConfig c = parse("""
                broker: { data_dir: /tmp/b }
                store: { url: 'jdbc:h2:mem:x' }
                auth:
                  clients:
                    - { username: asm1-stations, password: "${GW_PW}", publish: ["plant/asm1/#"] }
                    - { username: asm1-reader, password: "${GW_PW}", subscribe: ["plant/asm1/+/data"] }
                """);
        assertThat(c.auth().edges()).isEmpty();
        assertThat(c.auth().allowAnonymous()).isFalse();
        assertThat(c.auth().clients().get(0).publish()).containsExactly("plant/asm1/#");
        assertThat(c.auth().clients().get(1).subscribe()).containsExactly("plant/asm1/+/data");
        assertThat(c.auth().toString()).doesNotContain("from-env");

        assertThat(parse("broker: { data_dir: /tmp/b }\nstore: { url: 'jdbc:h2:mem:x' }\n"
                                + "auth: { allow_anonymous: true }")
                        .auth()
                        .allowAnonymous())
                .isTrue();
        assertThatThrownBy(() -> parse("broker: { data_dir: /tmp/b }\nstore: { url: 'jdbc:h2:mem:x' }\nauth: {}"))
                .hasMessageContaining("auth must list at least one credential");
        for (String[] bad : new String[][] {
            {"spBv1.0/ENT001/#", "in the Sparkplug namespace"},
            {"#", "starts with a wildcard"},
            {"+/asm1/#", "starts with a wildcard"},
            {"$SYS/#", "starts with a wildcard or '$'"},
            {"plant/#/x", "not a valid MQTT topic filter"},
            {"plant/a+b", "not a valid MQTT topic filter"},
            {"plant/" + "x".repeat(AuthConfig.MAX_FILTER_LENGTH), "longer than 256"}
        }) {
            assertThatThrownBy(() -> new AuthConfig.ClientCredential("dev", "p", List.of(bad[0]), null))
                    .as(bad[0])
                    .hasMessageContaining("auth.clients[dev].publish")
                    .hasMessageContaining(bad[1]);
        }
        assertThatThrownBy(() -> parse("broker: { mode: external, url: 'tcp://10.0.0.9:1883' }\n"
                        + "store: { url: 'jdbc:h2:mem:x' }\nauth: { allow_anonymous: true }"))
                .hasMessageContaining("gateway.auth is for the embedded broker");
        assertThatThrownBy(() -> new AuthConfig.ClientCredential("dev", "p", null, List.of()))
                .hasMessageContaining("auth.clients[dev]: list at least one topic filter");
        assertThatThrownBy(() -> new AuthConfig(
                        List.of(new AuthConfig.EdgeCredential("same", "p", List.of("G"), "n")),
                        List.of(new AuthConfig.ClientCredential("same", "q", List.of("plant/x"), null)),
                        false))
                .hasMessageContaining("auth.clients[0]: duplicate username 'same'");
    }

    @Test
    void clusterBindsWithDefaultsAndIsValidatedNamingTheField() {
        String head = "broker: { mode: external, url: 'tcp://10.0.0.9:1883' }\nstore: { url: 'jdbc:h2:mem:x' }\n";
        GatewayConfig c = parse(head + "cluster: { instance_id: gw-a, groups: [ENT001, ENT002, ENT001] }");
        assertThat(c.cluster().instanceId()).isEqualTo("gw-a");
        assertThat(c.cluster().leaseTtl()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.cluster().renewInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.cluster().groups()).containsExactly("ENT001", "ENT002");
        GatewayConfig tuned =
                parse(head + "cluster: { instance_id: gw-b, lease_ttl: 3s, renew_interval: 1s, groups: [ENT001] }");
        assertThat(tuned.cluster().leaseTtl()).isEqualTo(Duration.ofSeconds(3));
        assertThat(tuned.cluster().renewInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(parse(head).cluster())
                .as("no cluster: the gateway serves every group alone")
                .isNull();

        assertThatThrownBy(() -> parse(head + "cluster: { groups: [ENT001] }"))
                .hasMessageContaining("gateway.cluster.instance_id is required");
        assertThatThrownBy(() -> parse(head + "cluster: { instance_id: 'gw a', groups: [ENT001] }"))
                .hasMessageContaining("gateway.cluster.instance_id must be");
        assertThatThrownBy(() -> parse(head + "cluster: { instance_id: gw-a }"))
                .hasMessageContaining("gateway.cluster.groups must list");
        assertThatThrownBy(() -> parse(head + "cluster: { instance_id: gw-a, groups: ['ENT/1'] }"))
                .hasMessageContaining("gateway.cluster.groups");
        assertThatThrownBy(() -> parse(head + "cluster: { instance_id: gw-a, lease_ttl: 100ms, groups: [E] }"))
                .hasMessageContaining("gateway.cluster.lease_ttl must be at least 500ms");
        assertThatThrownBy(() ->
                        parse(head + "cluster: { instance_id: gw-a, lease_ttl: 4s, renew_interval: 3s, groups: [E] }"))
                .hasMessageContaining("gateway.cluster.renew_interval must be positive and at most half of lease_ttl");
        assertThatThrownBy(() -> parse("broker: { data_dir: /tmp/b }\nstore: { url: 'jdbc:h2:mem:x' }\n"
                        + "cluster: { instance_id: gw-a, groups: [E] }"))
                .hasMessageContaining("gateway.cluster needs broker.mode external");
    }

    @Test
    void anEmbeddedBrokerWithoutPortUsesTheMqttDefault() throws Exception {
        GatewayConfig c = parse("broker: { data_dir: /tmp/b }\nstore: { url: 'jdbc:h2:mem:x' }");
        assertThat(c.broker().isEmbedded()).isTrue();
        assertThat(c.broker().host()).isEqualTo("127.0.0.1");
        assertThat(c.broker().port()).isEqualTo(1883);
        assertThat(c.hostId()).isEqualTo("floorlink");
        assertThat(c.flushInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void badValuesNameTheSetting() {
        assertThatThrownBy(() -> parse("store: { url: 'jdbc:h2:mem:x' }\nbroker: { mode: cloud }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("gateway.yaml:2:")
                .hasMessageContaining("broker.mode must be 'embedded' or 'external' but was 'cloud'");
        assertThatThrownBy(() -> parse("broker: { data_dir: x }\nstore: { url: 'jdbc:h2:mem:x' }\nflush: 5s"))
                .hasMessageContaining("unknown key 'flush'");
        assertThatThrownBy(() -> BrokerConfig.external(null, null, null))
                .hasMessageContaining("broker.url is required");
        assertThatThrownBy(() -> new StoreConfig("jdbc:mysql://x/y", null, null))
                .hasMessageContaining("store.url must start with jdbc:h2: or jdbc:postgresql:");
        assertThatThrownBy(() -> GatewayConfig.defaults(Path.of("x")).withHostId("a/b"))
                .hasMessageContaining("gateway.host_id");
        assertThatThrownBy(() -> GatewayConfig.defaults(Path.of("x")).withFlushInterval(Duration.ofMillis(1)))
                .hasMessageContaining("gateway.flush_interval");
        assertThatThrownBy(() -> parse("broker: { data_dir: x }\nstore: { url: 'jdbc:h2:mem:x' }\n"
                        + "flush_interval: 10s\nflush_interval_max: 5s"))
                .hasMessageContaining("gateway.flush_interval_max must be at least gateway.flush_interval (PT10S)");
        assertThatThrownBy(() -> new AuthConfig(List.of(
                        new AuthConfig.EdgeCredential("e", "p", List.of("G"), "n"),
                        new AuthConfig.EdgeCredential("e", "q", List.of("G"), "n"))))
                .hasMessageContaining("auth.edges[1]: duplicate username 'e'");
        assertThatThrownBy(() -> new AuthConfig.EdgeCredential("e", "p", List.of(), "n"))
                .hasMessageContaining("auth.edges[e]: groups");
        assertThatThrownBy(() -> new AuthConfig.EdgeCredential("e", "p", List.of("G"), null))
                .hasMessageContaining("auth.edges[e]: node is required");
        assertThatThrownBy(() -> new AuthConfig.EdgeCredential("e", "p", List.of("G"), "a/b"))
                .hasMessageContaining("auth.edges[e].node");
    }

    @Test
    @org.junit.jupiter.api.DisplayName("message-flow-phid-sparkplug-clean-session-50: session_expiry is refused, naming"
            + " the key and the reason")
    void message_flow_phid_sparkplug_clean_session_50_sessionExpiryIsRefused() {
        assertThatThrownBy(() -> parse("broker: { data_dir: x }\nstore: { url: 'jdbc:h2:mem:x' }\nsession_expiry: 1h"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway.session_expiry is no longer supported")
                .hasMessageContaining("Clean Start true and Session Expiry 0")
                .hasMessageContaining("Remove the key");
    }

    @Test
    void severalExternalServersBindFromUrlsAndExactlyOneOfUrlAndUrlsIsRequired() throws Exception {
        GatewayConfig c = parse("broker: { mode: external, urls: ['tcp://a:1883', 'tcp://b:1884'] }\n"
                + "store: { url: 'jdbc:h2:mem:x' }");
        assertThat(c.broker().servers()).containsExactly(URI.create("tcp://a:1883"), URI.create("tcp://b:1884"));
        assertThat(BrokerConfig.external(URI.create("tcp://a:1"), null, null).servers())
                .containsExactly(URI.create("tcp://a:1"));
        assertThatThrownBy(() -> parse("broker: { mode: external, url: 'tcp://a:1883', urls: ['tcp://b:1883'] }\n"
                        + "store: { url: 'jdbc:h2:mem:x' }"))
                .hasMessageContaining("broker.url and broker.urls are exclusive");
        assertThatThrownBy(() -> parse("broker: { mode: external, urls: [] }\nstore: { url: 'jdbc:h2:mem:x' }"))
                .hasMessageContaining("broker.urls must list 1..16 servers");
        assertThatThrownBy(() -> parse("broker: { mode: external, urls: ['tcp://a:1', 'http://b:2'] }\n"
                        + "store: { url: 'jdbc:h2:mem:x' }"))
                .hasMessageContaining("broker.urls[1] must be tcp://host:port");
        assertThatThrownBy(() -> parse("broker: { mode: external, urls: ['tcp://a:1', 'tcp://a:1'] }\n"
                        + "store: { url: 'jdbc:h2:mem:x' }"))
                .hasMessageContaining("broker.urls lists a server twice");
    }

    @Test
    void storeUrlsAreLoggedWithoutTheirParameters() {
        StoreConfig pg = new StoreConfig("jdbc:postgresql://db:5432/floorlink?user=fl&password=hunter2", null, "x");
        assertThat(pg.toString())
                .contains("jdbc:postgresql://db:5432/floorlink")
                .doesNotContain("hunter2");
    }

    @Test
    void secretReferencesResolveFromTheEnvironmentOrFailNamingTheField() {
        Map<String, String> env = Map.of("DB_PW", "hunter2");
        assertThat(Secrets.resolve("${DB_PW}", "gateway.store.password", env::get))
                .isEqualTo("hunter2");
        assertThat(Secrets.resolve("plain", "gateway.store.password", env::get)).isEqualTo("plain");
        assertThatThrownBy(() -> Secrets.resolve("${NOPE}", "gateway.store.password", env::get))
                .hasMessage("gateway.store.password: environment variable NOPE is not set");
    }

    @Test
    void secretFilesAreReadLikeTheYamlLoaderReadsThem(@TempDir Path dir) throws IOException {
        Path one = Files.writeString(dir.resolve("db.password"), "  hunter2 \n\n");
        assertThat(Secrets.resolve("${file:" + one + "}", "gateway.store.password"))
                .as("trailing line breaks removed, spaces kept, as ${file:} in YAML")
                .isEqualTo("  hunter2 ");

        Path two = Files.writeString(dir.resolve("two.password"), "first-secret-line\nsecond\n");
        assertThatThrownBy(() -> Secrets.resolve("${file:" + two + "}", "gateway.store.password"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gateway.store.password: secret file " + two + " must hold one line")
                .hasMessageNotContaining("first-secret-line");

        Path big = Files.writeString(dir.resolve("big"), "x".repeat(YamlConfig.MAX_SECRET_FILE_BYTES + 1));
        assertThatThrownBy(() -> Secrets.resolve("${file:" + big + "}", "gateway.broker.password"))
                .hasMessage("gateway.broker.password: secret file " + big + " is larger than "
                        + YamlConfig.MAX_SECRET_FILE_BYTES + " bytes");

        Path none = dir.resolve("none");
        assertThatThrownBy(() -> Secrets.resolve("${file:" + none + "}", "gateway.store.password"))
                .hasMessage("gateway.store.password: secret file " + none + " not found");
    }

    @Test
    void passwordHashesVerifyOnlyTheirPassword() {
        String h = PasswordHash.hash("correct horse");
        assertThat(h).startsWith("pbkdf2-sha256$");
        assertThat(PasswordHash.verify("correct horse", h)).isTrue();
        assertThat(PasswordHash.verify("correct horsE", h)).isFalse();
        assertThat(PasswordHash.hash("correct horse")).as("salted").isNotEqualTo(h);
    }

    @Test
    void theInfluxSectionBindsWithDefaultsHidesItsTokenAndNamesTheFieldOfABadValue() {
        GatewayConfig c = parse("""
                broker: { data_dir: x }
                store: { url: 'jdbc:h2:mem:x' }
                influx:
                  url: http://influx:8086
                  org: plant
                  bucket: samples
                  token: "${GW_PW}"
                  batch_size: 500
                  flush_interval: 250ms
                  buffer_samples: 20000
                  max_retries: 3
                """);
        InfluxConfig i = c.influx();
        assertThat(i.url()).isEqualTo("http://influx:8086");
        assertThat(i.token()).isEqualTo("from-env");
        assertThat(i.batchSize()).isEqualTo(500);
        assertThat(i.flushInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(i.bufferSamples()).isEqualTo(20_000);
        assertThat(i.maxRetries()).isEqualTo(3);
        assertThat(i.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.toString()).contains("token=***").doesNotContain("from-env");
        assertThat(GatewayConfig.defaults(Path.of("x")).influx())
                .as("off unless configured")
                .isNull();

        InfluxConfig d = InfluxConfig.of("https://influx", "o", "b", null);
        assertThat(d.batchSize()).isEqualTo(5000);
        assertThat(d.flushInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.bufferSamples()).isEqualTo(100_000);
        assertThat(d.maxRetries()).isEqualTo(5);

        String base = "broker: { data_dir: x }\nstore: { url: 'jdbc:h2:mem:x' }\ninflux: ";
        assertThatThrownBy(() -> parse(base + "{ org: o, bucket: b }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway.influx.url is required");
        assertThatThrownBy(() -> parse(base + "{ url: 'ftp://x', org: o, bucket: b }"))
                .hasMessageContaining("gateway.influx.url must be http://");
        assertThatThrownBy(() -> parse(base + "{ url: 'http://u:secret@x', org: o, bucket: b }"))
                .hasMessageContaining("gateway.influx.url must not carry credentials")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> parse(base + "{ url: 'http://x', bucket: b }"))
                .hasMessageContaining("gateway.influx.org is required");
        assertThatThrownBy(() -> parse(base + "{ url: 'http://x', org: o }"))
                .hasMessageContaining("gateway.influx.bucket is required");
        assertThatThrownBy(() -> parse(base + "{ url: 'http://x', org: o, bucket: b, batch_size: 0 }"))
                .hasMessageContaining("gateway.influx.batch_size must be between 1 and 50000 but was 0");
        assertThatThrownBy(() -> parse(base + "{ url: 'http://x', org: o, bucket: b, flush_interval: 2m }"))
                .hasMessageContaining("gateway.influx.flush_interval must be between 10ms and 60s");
        assertThatThrownBy(() -> parse(base + "{ url: 'http://x', org: o, bucket: b, buffer_samples: 2000000 }"))
                .hasMessageContaining("gateway.influx.buffer_samples must be between batch_size (5000) and 1000000");
        assertThatThrownBy(() -> parse(base + "{ url: 'http://x', org: o, bucket: b, max_retries: -1 }"))
                .hasMessageContaining("gateway.influx.max_retries must be between 0 and 20");
        assertThatThrownBy(() -> parse(base + "{ url: 'http://x', org: o, bucket: b, timeout: 1ms }"))
                .hasMessageContaining("gateway.influx.timeout must be between 100ms and 5m");
        assertThatThrownBy(() -> parse(base + "{ url: 'http://x', org: o, bucket: b, batch: 5 }"))
                .hasMessageContaining("unknown key 'batch'");
    }

    private static GatewayConfig parse(String yaml) {
        return YamlConfig.parse("gateway.yaml", yaml, Map.of("GW_PW", "from-env")::get, GatewayConfig.class);
    }
}
