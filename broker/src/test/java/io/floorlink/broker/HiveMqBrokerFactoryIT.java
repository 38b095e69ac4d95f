package io.floorlink.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import io.floorlink.gateway.BrokerConfig;
import io.floorlink.gateway.EmbeddedBrokerFactory;
import io.floorlink.gateway.GatewayConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's port finds this module's broker on the class path, and what it starts is a real, guarded broker. */
class HiveMqBrokerFactoryIT {

    @Test
    void theGatewayFindsThisModulesBrokerAndItAcceptsOnlyTheHostClient(@TempDir Path dir) throws Exception {
        EmbeddedBrokerFactory factory = EmbeddedBrokerFactory.find().orElseThrow();
        assertThat(factory).isInstanceOf(HiveMqBrokerFactory.class);

        try (EmbeddedBrokerFactory.Running broker =
                factory.start(BrokerConfig.embedded("127.0.0.1", 0, dir), null, GatewayConfig.DEFAULT_HOST_ID)) {
            assertThat(broker.url().toString()).startsWith("tcp://127.0.0.1:");
            assertThat(broker.tlsUrl()).isNull();

            Mqtt5BlockingClient anonymous = client(broker, null, null);
            assertThatThrownBy(anonymous::connect).isInstanceOf(Mqtt5ConnAckException.class);

            Mqtt5BlockingClient host = client(broker, broker.hostUser(), broker.hostPassword());
            host.connect();
            assertThat(host.getState().isConnected()).isTrue();
            host.disconnect();
        }
    }

    private static Mqtt5BlockingClient client(EmbeddedBrokerFactory.Running broker, String user, String password) {
        var builder = MqttClient.builder()
                .useMqttVersion5()
                .serverHost(broker.url().getHost())
                .serverPort(broker.url().getPort());
        if (user != null) {
            builder = builder.simpleAuth()
                    .username(user)
                    .password(password.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .applySimpleAuth();
        }
        return builder.buildBlocking();
    }
}
