package io.floorlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.config.YamlConfig;
import io.floorlink.testing.TestCerts;
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
    static TestCerts certs;

    @BeforeAll
    static void files() throws Exception {
        keyStore = Files.writeString(dir.resolve("server.p12"), "not parsed at load");
        trustStore = Files.writeString(dir.resolve("trust.p12"), "not parsed at load");
        certs = TestCerts.make(dir.resolve("certs"));
    }

    private static GatewayConfig parse(String broker) {
        return YamlConfig.parse(
                "gateway.yaml",
                "store: { url: 'jdbc:h2:mem:x' }\nbroker: " + broker,
                Map.of("KS_PW", "ks-secret", "TS_PW", "ts-secret", "KEY_PW", TestCerts.KEY_PASSWORD)::get,
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

    private static String pem(Path key, String more) {
        return "{ data_dir: /tmp/b, tls: { certificate: '" + certs.serverChainPem + "', private_key: '" + key + "'"
                + more + " } }";
    }

    @Test
    void aPemListenerWithAnEncryptedKeyBindsAndKeepsThePasswordOutOfToString() {
        GatewayConfig c = parse(pem(
                certs.serverEncryptedKeyPem,
                ", private_key_password: '${KEY_PW}', trust_certificates: '" + certs.caPem
                        + "', client_auth: optional"));
        BrokerConfig.Tls tls = c.broker().tls();
        assertThat(tls.certificate()).isEqualTo(certs.serverChainPem);
        assertThat(tls.privateKey()).isEqualTo(certs.serverEncryptedKeyPem);
        assertThat(tls.trustCertificates()).isEqualTo(certs.caPem);
        assertThat(tls.resolvedPrivateKeyPassword()).isEqualTo(TestCerts.KEY_PASSWORD);
        assertThat(tls.clientAuth()).isEqualTo(BrokerConfig.ClientAuth.OPTIONAL);
        assertThat(c.toString()).contains("server-key-encrypted.pem").doesNotContain(TestCerts.KEY_PASSWORD);
        assertThat(parse(pem(certs.serverKeyPem, "")).broker().tls().keyStore()).isNull();
    }

    @Test
    void pemListenerErrorsNameTheField() throws Exception {
        assertThatThrownBy(() -> parse("{ data_dir: /tmp/b, tls: { key_store: '" + keyStore
                        + "', key_store_password: x, certificate: '" + certs.serverChainPem + "', private_key: '"
                        + certs.serverKeyPem + "' } }"))
                .hasMessageContaining("broker.tls.key_store and broker.tls.certificate/private_key are exclusive");
        assertThatThrownBy(() -> parse("{ data_dir: /tmp/b, tls: { certificate: '" + certs.serverChainPem + "' } }"))
                .hasMessageContaining("broker.tls.private_key is required with certificate");
        assertThatThrownBy(() -> parse("{ data_dir: /tmp/b, tls: { private_key: '" + certs.serverKeyPem + "' } }"))
                .hasMessageContaining("broker.tls.certificate is required with private_key");
        assertThatThrownBy(() -> parse("{ data_dir: /tmp/b, tls: { private_key_password: x, key_store: '" + keyStore
                        + "', key_store_password: x } }"))
                .hasMessageContaining("broker.tls.private_key: required with private_key_password");
        assertThatThrownBy(() -> parse(pem(
                        certs.serverKeyPem,
                        ", trust_store: '" + trustStore + "', trust_certificates: '" + certs.caPem + "'")))
                .hasMessageContaining("broker.tls.trust_certificates and broker.tls.trust_store are exclusive");
        assertThatThrownBy(() -> parse(pem(dir.resolve("missing-key.pem"), "")))
                .hasMessageContaining("broker.tls.private_key: file")
                .hasMessageContaining("missing-key.pem");
        assertThatThrownBy(() ->
                        parse(pem(certs.serverKeyPem, ", trust_certificates: '" + dir.resolve("no-ca.pem") + "'")))
                .hasMessageContaining("broker.tls.trust_certificates: file");
        assertThatThrownBy(() -> parse(pem(certs.serverKeyPem, ", client_auth: optional")))
                .hasMessageContaining(
                        "broker.tls.client_auth optional needs broker.tls.trust_store or broker.tls.trust_certificates");
        assertThatThrownBy(() -> parse(pem(certs.serverKeyPem, ", trust_certificates: '" + keyStore + "'")))
                .hasMessageContaining("broker.tls.trust_certificates")
                .hasMessageContaining("holds no PEM certificate");
        assertThatThrownBy(() -> parse("{ data_dir: /tmp/b, tls: { certificate: '" + keyStore + "', private_key: '"
                        + certs.serverKeyPem + "' } }"))
                .hasMessageContaining("broker.tls.certificate")
                .hasMessageContaining("holds no PEM certificate");
    }

    @Test
    void aPkcs1KeyIsRefusedWithTheConversionCommandAndAKeyOfAnotherCertificateIsRefused() throws Exception {
        Path pkcs1 = Files.writeString(
                dir.resolve("rsa-key.pem"),
                "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n"
                        + "-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> parse(pem(pkcs1, "")))
                .hasMessageContaining("broker.tls.private_key")
                .hasMessageContaining("RSA PRIVATE KEY")
                .hasMessageContaining("openssl pkcs8 -topk8 -in key.pem -out key.p8.pem -nocrypt")
                .hasMessageNotContaining("MIIBOgIBAAJB");
        Path sec1 = Files.writeString(
                dir.resolve("ec-key.pem"), "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n");
        assertThatThrownBy(() -> parse(pem(sec1, "")))
                .hasMessageContaining("broker.tls.private_key")
                .hasMessageContaining("openssl pkcs8 -topk8");
        assertThatThrownBy(() -> parse(pem(certs.clientKeyPem, "")))
                .hasMessageContaining("broker.tls.private_key does not match the public key of the first certificate");
    }

    @Test
    void anEncryptedKeyWithoutOrWithAWrongPasswordIsRefusedWithoutShowingThePassword() {
        assertThatThrownBy(() -> parse(pem(certs.serverEncryptedKeyPem, "")))
                .hasMessageContaining("broker.tls.private_key_password is required");
        assertThatThrownBy(() -> parse(pem(certs.serverEncryptedKeyPem, ", private_key_password: wrong-pw-4711")))
                .hasMessageContaining("broker.tls.private_key")
                .hasMessageContaining("cannot be decrypted")
                .hasMessageNotContaining("wrong-pw-4711");
    }

    @Test
    void pemKeysAreRefusedForAnExternalBroker() {
        assertThatThrownBy(() -> parse(
                        "{ mode: external, url: 'ssl://a:8883', tls: { trust_certificates: '" + certs.caPem + "' } }"))
                .hasMessageContaining("broker.tls.certificate, private_key, private_key_password and"
                        + " trust_certificates are for the embedded broker only");
        assertThatThrownBy(() -> parse("{ mode: external, url: 'ssl://a:8883', tls: { certificate: '"
                        + certs.serverChainPem + "', private_key: '" + certs.serverKeyPem + "' } }"))
                .hasMessageContaining("are for the embedded broker only");
    }
}
