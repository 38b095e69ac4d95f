package io.floorlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.floorlink.broker.EmbeddedBroker;
import io.floorlink.sparkplug.StateMessage;
import io.floorlink.sparkplug.Topic;
import io.floorlink.testing.TestCerts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MQTT over TLS: the embedded broker's TLS listener and the host's client to an external ssl:// broker. */
class MqttTlsIT {
    @TempDir
    static Path dir;

    static TestCerts certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCerts.make(dir.resolve("certs"));
    }

    private static BrokerConfig.Tls listener(BrokerConfig.ClientAuth clientAuth) {
        boolean trust = clientAuth != BrokerConfig.ClientAuth.NONE;
        return new BrokerConfig.Tls(
                0,
                certs.serverKeyStore,
                TestCerts.PASSWORD,
                trust ? certs.trustStore : null,
                trust ? TestCerts.PASSWORD : null,
                clientAuth);
    }

    private static MqttClientSslConfig ssl(Path trustStore, Path keyStore) throws Exception {
        var b = MqttClientSslConfig.builder()
                .trustManagerFactory(TestCerts.trust(trustStore))
                .handshakeTimeout(10, TimeUnit.SECONDS);
        if (keyStore != null) {
            b = b.keyManagerFactory(TestCerts.keys(keyStore));
        }
        return b.build();
    }

    private static Mqtt5BlockingClient client(URI url, MqttClientSslConfig ssl) {
        return MqttClient.builder()
                .useMqttVersion5()
                .identifier("tls-" + UUID.randomUUID())
                .serverHost(url.getHost())
                .serverPort(url.getPort())
                .sslConfig(ssl)
                .buildBlocking();
    }

    @Test
    void anEdgeOverTlsIsStoredAndAnUntrustedServerCertificateFailsTheHandshake() throws Exception {
        Path d = dir.resolve("a");
        GatewayConfig config = GatewayConfig.defaults(d)
                .withAuth(AuthConfig.anonymousOnLoopback())
                .withBroker(BrokerConfig.embedded("127.0.0.1", 0, d.resolve("broker"))
                        .withTls(listener(BrokerConfig.ClientAuth.NONE)))
                .withFlushInterval(Duration.ofHours(1));
        try (Gateway gateway = Gateway.start(config, new SimpleMeterRegistry())) {
            URI tls = gateway.mqttTlsUrl();
            assertThat(tls.getScheme()).isEqualTo("ssl");
            assertThat(tls.getHost()).isEqualTo("127.0.0.1");
            assertThat(tls.getPort())
                    .isPositive()
                    .isNotEqualTo(gateway.mqttUrl().getPort());
            assertThat(Files.readString(d.resolve("broker/conf/config.xml")).replaceAll("\\s+", ""))
                    .contains("<tls-tcp-listener><port>" + tls.getPort() + "</port><bind-address>127.0.0.1"
                            + "</bind-address>")
                    .contains("<client-authentication-mode>NONE</client-authentication-mode>");

            try (TestEdge edge = new TestEdge(tls, "ENT001", "edge-tls", 0, null, null, ssl(certs.trustStore, null))) {
                edge.connect();
                assertThat(edge.nbirth(System.currentTimeMillis()).getError()).isEmpty();
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    gateway.flush();
                    assertThat(Db.count(
                                    gateway.dataSource(),
                                    "SELECT COUNT(*) FROM edge_session WHERE group_id = 'ENT001' AND edge_node_id ="
                                            + " 'edge-tls'"))
                            .isPositive();
                });
            }

            Mqtt5BlockingClient untrusting = client(tls, ssl(certs.otherTrustStore, null));
            assertThatThrownBy(untrusting::connect)
                    .hasStackTraceContaining("SSLHandshakeException")
                    .hasStackTraceContaining("unable to find valid certification path");
            assertThat(untrusting.getState().isConnected()).isFalse();
        }
    }

    @Test
    void clientAuthRequiredRefusesClientsWithoutOrWithAnUntrustedCertificateAndAcceptsOneSignedByTheCa()
            throws Exception {
        Path d = dir.resolve("b");
        try (EmbeddedBroker broker = EmbeddedBroker.start(
                BrokerConfig.embedded("127.0.0.1", 0, d).withTls(listener(BrokerConfig.ClientAuth.REQUIRED)),
                AuthConfig.anonymousOnLoopback())) {
            assertThat(Files.readString(d.resolve("conf/config.xml")).replaceAll("\\s+", ""))
                    .contains("<client-authentication-mode>REQUIRED</client-authentication-mode>")
                    .contains("<truststore><path>" + certs.trustStore.toAbsolutePath() + "</path>");

            Mqtt5BlockingClient anonymous = client(broker.tlsUrl(), ssl(certs.trustStore, null));
            assertThatThrownBy(anonymous::connect).hasStackTraceContaining("SSLHandshakeException");
            assertThat(anonymous.getState().isConnected()).isFalse();

            Mqtt5BlockingClient selfSigned = client(broker.tlsUrl(), ssl(certs.trustStore, certs.otherKeyStore));
            assertThatThrownBy(selfSigned::connect).hasStackTraceContaining("SSLHandshakeException");
            assertThat(anonymous.getState().isConnected()).isFalse();

            Mqtt5BlockingClient withCertificate = client(broker.tlsUrl(), ssl(certs.trustStore, certs.clientKeyStore));
            withCertificate.connect();
            assertThat(withCertificate.getState().isConnected()).isTrue();
            withCertificate.disconnect();
        }
    }

    private static BrokerConfig.Tls pemListener(
            Path key, String keyPassword, Path trustCertificates, BrokerConfig.ClientAuth clientAuth) {
        return new BrokerConfig.Tls(
                0, null, null, null, null, clientAuth, certs.serverChainPem, key, keyPassword, trustCertificates);
    }

    @Test
    void anEdgeOverAListenerFromPemFilesIsStoredAndTheConvertedKeyStoreIsOwnerOnly() throws Exception {
        Path d = dir.resolve("pem-a");
        GatewayConfig config = GatewayConfig.defaults(d)
                .withAuth(AuthConfig.anonymousOnLoopback())
                .withBroker(BrokerConfig.embedded("127.0.0.1", 0, d.resolve("broker"))
                        .withTls(pemListener(certs.serverKeyPem, null, null, BrokerConfig.ClientAuth.NONE)))
                .withFlushInterval(Duration.ofHours(1));
        try (Gateway gateway = Gateway.start(config, new SimpleMeterRegistry())) {
            Path keyStore = d.resolve("broker/conf/tls-key-store.p12");
            assertThat(Files.getPosixFilePermissions(keyStore)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.readString(d.resolve("broker/conf/config.xml")).replaceAll("\\s+", ""))
                    .contains("<keystore><path>" + keyStore.toAbsolutePath() + "</path>");

            try (TestEdge edge = new TestEdge(
                    gateway.mqttTlsUrl(), "ENT001", "edge-pem", 0, null, null, ssl(certs.trustStore, null))) {
                edge.connect();
                assertThat(edge.nbirth(System.currentTimeMillis()).getError()).isEmpty();
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    gateway.flush();
                    assertThat(Db.count(
                                    gateway.dataSource(),
                                    "SELECT COUNT(*) FROM edge_session WHERE edge_node_id = 'edge-pem'"))
                            .isPositive();
                });
            }
        }
    }

    @Test
    void anEncryptedPemKeyAndPemTrustCertificatesUnderClientAuthRequiredAcceptOnlyAClientSignedByTheCa()
            throws Exception {
        Path d = dir.resolve("pem-b");
        BrokerConfig.Tls tls = pemListener(
                certs.serverEncryptedKeyPem, TestCerts.KEY_PASSWORD, certs.caPem, BrokerConfig.ClientAuth.REQUIRED);
        try (EmbeddedBroker broker = EmbeddedBroker.start(
                BrokerConfig.embedded("127.0.0.1", 0, d).withTls(tls), AuthConfig.anonymousOnLoopback())) {
            assertThat(Files.getPosixFilePermissions(d.resolve("conf/tls-trust-store.p12")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.readString(d.resolve("conf/config.xml")))
                    .doesNotContain(TestCerts.KEY_PASSWORD)
                    .contains("REQUIRED");

            Mqtt5BlockingClient anonymous = client(broker.tlsUrl(), ssl(certs.trustStore, null));
            assertThatThrownBy(anonymous::connect).hasStackTraceContaining("SSLHandshakeException");
            assertThat(anonymous.getState().isConnected()).isFalse();

            Mqtt5BlockingClient withCertificate = client(broker.tlsUrl(), ssl(certs.trustStore, certs.clientKeyStore));
            withCertificate.connect();
            assertThat(withCertificate.getState().isConnected()).isTrue();
            withCertificate.disconnect();
        }
    }

    @Test
    void clientAuthOptionalLetsInClientsWithoutACertificateOrWithOneSignedByTheCaAndRefusesOnePresentingAnUntrusted()
            throws Exception {
        Path d = dir.resolve("optional");
        try (EmbeddedBroker broker = EmbeddedBroker.start(
                BrokerConfig.embedded("127.0.0.1", 0, d).withTls(listener(BrokerConfig.ClientAuth.OPTIONAL)),
                AuthConfig.anonymousOnLoopback())) {
            assertThat(Files.readString(d.resolve("conf/config.xml")))
                    .contains("<client-authentication-mode>OPTIONAL</client-authentication-mode>");

            Mqtt5BlockingClient anonymous = client(broker.tlsUrl(), ssl(certs.trustStore, null));
            anonymous.connect();
            assertThat(anonymous.getState().isConnected()).isTrue();
            anonymous.disconnect();

            Mqtt5BlockingClient withCertificate = client(broker.tlsUrl(), ssl(certs.trustStore, certs.clientKeyStore));
            withCertificate.connect();
            assertThat(withCertificate.getState().isConnected()).isTrue();
            withCertificate.disconnect();

            // the JDK key manager only offers a certificate issued by a CA the server names in its request, so a
            // client holding just the self-signed one sends none and is let in like the anonymous client
            Mqtt5BlockingClient holdingUntrusted = client(broker.tlsUrl(), ssl(certs.trustStore, certs.otherKeyStore));
            holdingUntrusted.connect();
            assertThat(holdingUntrusted.getState().isConnected()).isTrue();
            holdingUntrusted.disconnect();

            Mqtt5BlockingClient presentingUntrusted = client(
                    broker.tlsUrl(),
                    MqttClientSslConfig.builder()
                            .trustManagerFactory(TestCerts.trust(certs.trustStore))
                            .keyManagerFactory(alwaysPresenting(certs.otherKeyStore))
                            .handshakeTimeout(10, TimeUnit.SECONDS)
                            .build());
            assertThatThrownBy(presentingUntrusted::connect)
                    .hasStackTraceContaining("SSLHandshakeException")
                    .hasStackTraceContaining("Received fatal alert");
            assertThat(presentingUntrusted.getState().isConnected()).isFalse();
        }
    }

    /** Key managers that send the store's certificate whatever CAs the server asks for. */
    private static KeyManagerFactory alwaysPresenting(Path store) throws Exception {
        KeyManagerFactory real = TestCerts.keys(store);
        X509ExtendedKeyManager km = (X509ExtendedKeyManager) real.getKeyManagers()[0];
        X509ExtendedKeyManager forced = new X509ExtendedKeyManager() {
            private String alias() {
                return km.getClientAliases("EC", null)[0];
            }

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return km.getClientAliases(keyType, null);
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return alias();
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return alias();
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return km.getCertificateChain(alias);
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return km.getPrivateKey(alias);
            }
        };
        KeyManagerFactorySpi spi = new KeyManagerFactorySpi() {
            @Override
            protected void engineInit(KeyStore ks, char[] password) {}

            @Override
            protected void engineInit(ManagerFactoryParameters spec) {}

            @Override
            protected KeyManager[] engineGetKeyManagers() {
                return new KeyManager[] {forced};
            }
        };
        return new KeyManagerFactory(spi, real.getProvider(), real.getAlgorithm()) {};
    }

    @Test
    void aWrongKeyStorePasswordOrAStoreWithoutKeyFailsTheStartNamingTheField() {
        Path d = dir.resolve("d");
        assertThatThrownBy(() -> EmbeddedBroker.start(
                        BrokerConfig.embedded("127.0.0.1", 0, d)
                                .withTls(
                                        new BrokerConfig.Tls(0, certs.serverKeyStore, "bad-pw-4711", null, null, null)),
                        null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gateway.broker.tls.key_store: cannot read")
                .hasMessageNotContaining("bad-pw-4711");
        assertThatThrownBy(() -> EmbeddedBroker.start(
                        BrokerConfig.embedded("127.0.0.1", 0, d)
                                .withTls(new BrokerConfig.Tls(
                                        0, certs.trustStore, TestCerts.PASSWORD, null, null, null)),
                        null))
                .hasMessageContaining("gateway.broker.tls.key_store")
                .hasMessageContaining("holds no private key");
        assertThat(d.resolve("conf/config.xml")).doesNotExist();
    }

    @Test
    void aGatewayOnAnExternalSslBrokerComesUpPublishesStateAndStoresAnNbirth() throws Exception {
        Path d = dir.resolve("c");
        try (EmbeddedBroker external = EmbeddedBroker.start(
                BrokerConfig.embedded("127.0.0.1", 0, d.resolve("external"))
                        .withTls(listener(BrokerConfig.ClientAuth.REQUIRED)),
                AuthConfig.anonymousOnLoopback())) {
            BrokerConfig.Tls clientTls = new BrokerConfig.Tls(
                    null, certs.clientKeyStore, TestCerts.PASSWORD, certs.trustStore, TestCerts.PASSWORD, null);
            GatewayConfig config = GatewayConfig.defaults(d.resolve("gw"))
                    .withHostId("tls-host")
                    .withBroker(
                            BrokerConfig.external(external.tlsUrl(), null, null).withTls(clientTls))
                    .withFlushInterval(Duration.ofHours(1));
            try (Gateway gateway = Gateway.start(config, new SimpleMeterRegistry())) {
                assertThat(gateway.mqttUrl()).isEqualTo(external.tlsUrl());
                assertThat(gateway.mqttTlsUrl()).isNull();

                Mqtt5BlockingClient observer = MqttClient.builder()
                        .useMqttVersion5()
                        .serverHost("127.0.0.1")
                        .serverPort(external.port())
                        .buildBlocking();
                observer.connect();
                try (Mqtt5BlockingClient.Mqtt5Publishes publishes = observer.publishes(MqttGlobalPublishFilter.ALL)) {
                    observer.subscribeWith()
                            .topicFilter(Topic.state("tls-host").toString())
                            .qos(MqttQos.AT_LEAST_ONCE)
                            .send();
                    Optional<Mqtt5Publish> state = publishes.receive(10, TimeUnit.SECONDS);
                    assertThat(state).isPresent();
                    assertThat(StateMessage.parse(state.get().getPayloadAsBytes())
                                    .online())
                            .isTrue();
                } finally {
                    observer.disconnect();
                }

                try (TestEdge edge = new TestEdge(external.url(), "ENT001", "edge-ext", 0)) {
                    edge.connect();
                    assertThat(edge.nbirth(System.currentTimeMillis()).getError())
                            .isEmpty();
                    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                        gateway.flush();
                        assertThat(Db.count(
                                        gateway.dataSource(),
                                        "SELECT COUNT(*) FROM edge_session WHERE edge_node_id = 'edge-ext'"))
                                .isPositive();
                    });
                }
            }
        }
    }
}
