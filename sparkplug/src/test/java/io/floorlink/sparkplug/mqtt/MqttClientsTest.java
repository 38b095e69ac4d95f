package io.floorlink.sparkplug.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.MqttClientConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MqttClientsTest {

    @Test
    void aServerWithoutPortGetsTheMqttDefaultOfItsScheme() {
        assertThat(MqttClients.port(URI.create("tcp://plant"))).isEqualTo(1883);
        assertThat(MqttClients.port(URI.create("ssl://plant"))).isEqualTo(8883);
        assertThat(MqttClients.port(URI.create("SSL://plant:9883"))).isEqualTo(9883);
        assertThat(MqttClients.secure(URI.create("SSL://plant"))).isTrue();
        assertThat(MqttClients.secure(URI.create("tcp://plant"))).isFalse();
    }

    @Test
    void anSslServerGetsTlsAndATcpServerDoesNot() {
        MqttClientConfig tls = MqttClients.builder(URI.create("ssl://plant"), "c1", null, null)
                .useMqttVersion5()
                .build()
                .getConfig();
        assertThat(tls.getSslConfig()).isPresent();
        assertThat(tls.getServerPort()).isEqualTo(8883);
        assertThat(tls.getAutomaticReconnect()).isEmpty();

        MqttClientConfig plain = MqttClients.builder(
                        URI.create("tcp://plant:2883"),
                        "c2",
                        new MqttClients.Reconnect(Duration.ofMillis(200), Duration.ofSeconds(5)),
                        null)
                .useMqttVersion3()
                .build()
                .getConfig();
        assertThat(plain.getSslConfig()).isEmpty();
        assertThat(plain.getServerPort()).isEqualTo(2883);
        assertThat(plain.getClientIdentifier().get().toString()).isEqualTo("c2");
        assertThat(plain.getAutomaticReconnect().get().getMaxDelay(java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(5);
    }

    @Test
    void anUnreadableStoreNamesItsField(@TempDir Path dir) throws Exception {
        Path notAStore = Files.writeString(dir.resolve("trust.p12"), "not a key store");
        assertThatThrownBy(() -> MqttClients.ssl(notAStore, "secret", null, null, "uplink.tls"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("uplink.tls.trust_store: cannot read " + notAStore)
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> MqttClients.ssl(null, null, dir.resolve("missing.p12"), "pw", "gateway.broker.tls"))
                .hasMessageStartingWith("gateway.broker.tls.key_store: cannot read");
    }
}
