package io.floorlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.config.YamlConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code broker.tls}: binding and the validation errors, each naming the field. */
class TlsConfigTest {
    @TempDir
    static Path dir;

    static Path keyStore;
    static Path trustStore;

    @BeforeAll
    static void files() throws Exception {
        keyStore = Files.writeString(dir.resolve("server.p12"), "not parsed at load");
        trustStore = Files.writeString(dir.resolve("trust.p12"), "not parsed at load");
    }

    private static GatewayConfig parse(String broker) {
        return YamlConfig.parse(
                "gateway.yaml",
                "store: { url: 'jdbc:h2:mem:x' }\nbroker: " + broker,
                Map.of("KS_PW", "ks-secret", "TS_PW", "ts-secret")::get,
                GatewayConfig.class);
    }

    @Test
    void anEmbeddedTlsListenerBindsWithSecretsFromTheEnvironmentKeptOutOfToString() {
        GatewayConfig c = parse("{ data_dir: /tmp/b, tls: { port: 0, key_store: '" + keyStore
                + "', key_store_password: '${KS_PW}', trust_store: '" + trustStore
                + "', trust_store_password: '${TS_PW}', client_auth: required } }");
        BrokerConfig.Tls tls = c.broker().tls();
        assertThat(tls.listenerPort()).isZero();
        assertThat(tls.keyStore()).isEqualTo(keyStore);
        assertThat(tls.resolvedKeyStorePassword()).isEqualTo("ks-secret");
        assertThat(tls.resolvedTrustStorePassword()).isEqualTo("ts-secret");
        assertThat(tls.clientAuth()).isEqualTo(BrokerConfig.ClientAuth.REQUIRED);
        assertThat(c.toString())
                .contains("server.p12")
                .doesNotContain("ks-secret")
                .doesNotContain("ts-secret");

        BrokerConfig.Tls defaults = parse(
                        "{ data_dir: /tmp/b, tls: { key_store: '" + keyStore + "', key_store_password: x } }")
                .broker()
                .tls();
        assertThat(defaults.listenerPort()).isEqualTo(BrokerConfig.DEFAULT_TLS_PORT);
        assertThat(defaults.clientAuth()).isEqualTo(BrokerConfig.ClientAuth.NONE);
    }

    @Test
    void embeddedTlsErrorsNameTheField() {
        assertThatThrownBy(() -> parse("{ data_dir: /tmp/b, tls: { key_store_password: x } }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("broker.tls.key_store: required with key_store_password");
        assertThatThrownBy(() -> parse("{ data_dir: /tmp/b, tls: { port: 0 } }"))
                .hasMessageContaining("broker.tls.key_store is required");
        assertThatThrownBy(() -> parse("{ data_dir: /tmp/b, tls: { key_store: '" + keyStore + "' } }"))
                .hasMessageContaining("broker.tls.key_store_password is required");
        assertThatThrownBy(() -> parse("{ data_dir: /tmp/b, tls: { key_store: '" + dir.resolve("missing.p12")
                        + "', key_store_password: x } }"))
                .hasMessageContaining("broker.tls.key_store: file")
                .hasMessageContaining("missing.p12");
        assertThatThrownBy(() -> parse("{ data_dir: /tmp/b, tls: { port: 70000, key_store: '" + keyStore
                        + "', key_store_password: x } }"))
                .hasMessageContaining("broker.tls.port must be 0..65535");
        assertThatThrownBy(() -> parse("{ data_dir: /tmp/b, tls: { key_store: '" + keyStore
                        + "', key_store_password: x, client_auth: required } }"))
                .hasMessageContaining("broker.tls.client_auth required needs broker.tls.trust_store");
        assertThatThrownBy(() -> parse("{ data_dir: /tmp/b, tls: { key_store: '" + keyStore
                        + "', key_store_password: x, client_auth: sometimes } }"))
                .hasMessageContaining("broker.tls.client_auth must be none, optional or required");
        assertThatThrownBy(() -> parse("{ data_dir: /tmp/b, tls: { key_store: '" + keyStore
                        + "', key_store_password: x, keystore_type: jks } }"))
                .hasMessageContaining("unknown key 'keystore_type'");
    }

    @Test
    void externalSslBindsAndTlsIsRefusedWithTcpOrMissingFiles() {
        GatewayConfig c = parse("{ mode: external, url: 'ssl://mqtt.plant:8883', tls: { trust_store: '" + trustStore
                + "', trust_store_password: '${TS_PW}' } }");
        assertThat(c.broker().url()).isEqualTo(URI.create("ssl://mqtt.plant:8883"));
        assertThat(c.broker().tls().trustStore()).isEqualTo(trustStore);
        assertThat(BrokerConfig.port(URI.create("ssl://mqtt.plant"))).isEqualTo(8883);
        assertThat(BrokerConfig.port(URI.create("tcp://mqtt.plant"))).isEqualTo(1883);
        assertThat(parse("{ mode: external, url: 'ssl://mqtt.plant' }").broker().tls())
                .isNull();

        assertThatThrownBy(() -> parse(
                        "{ mode: external, url: 'tcp://mqtt.plant:1883', tls: { trust_store: '" + trustStore + "' } }"))
                .hasMessageContaining("broker.tls is set but tcp://mqtt.plant:1883 is not ssl://host:port");
        assertThatThrownBy(() -> parse("{ mode: external, urls: ['ssl://a:8883', 'tcp://b:1883'], tls: {"
                        + " trust_store: '" + trustStore + "' } }"))
                .hasMessageContaining("broker.tls is set but tcp://b:1883 is not ssl://host:port");
        assertThatThrownBy(() -> parse("{ mode: external, url: 'ssl://a:8883', tls: { trust_store: '"
                        + dir.resolve("nope.p12") + "' } }"))
                .hasMessageContaining("broker.tls.trust_store: file")
                .hasMessageContaining("nope.p12");
        assertThatThrownBy(() -> parse("{ mode: external, url: 'ssl://a:8883', tls: { port: 8883, trust_store: '"
                        + trustStore + "' } }"))
                .hasMessageContaining("broker.tls.port is for the embedded broker");
        assertThatThrownBy(() -> parse("{ mode: external, url: 'ssl://a:8883', tls: { client_auth: none } }"))
                .hasMessageContaining("broker.tls.client_auth is for the embedded broker only");
        assertThatThrownBy(() -> parse("{ mode: external, url: 'mqtts://a:8883' }"))
                .hasMessageContaining("broker.url must be tcp://host:port or ssl://host:port");
    }
}
