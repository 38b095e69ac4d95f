package io.floorlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.floorlink.broker.EmbeddedBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedBrokerIT {

    @Test
    void bindsLoopbackOnAFreePortWithUsageStatisticsOffAndAuthenticatesEvenThere(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(BrokerConfig.embedded("127.0.0.1", 0, dir), null)) {
            assertThat(broker.port()).isPositive();
            assertThat(broker.url().toString()).isEqualTo("tcp://127.0.0.1:" + broker.port());

            Mqtt5BlockingClient anonymous = client(broker.port(), null, null);
            assertThatThrownBy(anonymous::connect)
                    .as("no credentials configured: an anonymous client on loopback is refused too")
                    .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(
                                    e.getMqttMessage().getReasonCode())
                            .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
            Mqtt5BlockingClient guessing = client(broker.port(), broker.hostUser(), "guessed");
            assertThatThrownBy(guessing::connect).isInstanceOf(Mqtt5ConnAckException.class);

            Mqtt5BlockingClient host = client(broker.port(), broker.hostUser(), broker.hostPassword());
            host.connect();
            assertThat(host.getState().isConnected()).isTrue();
            host.disconnect();

            String xml = Files.readString(dir.resolve("conf/config.xml"));
            assertThat(xml.replaceAll("\\s+", ""))
                    .contains("<anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>")
                    .contains("<bind-address>127.0.0.1</bind-address>")
                    .contains("<port>" + broker.port() + "</port>");

            Optional<InetAddress> external = nonLoopbackAddress();
            if (external.isPresent()) {
                assertThat(canConnect(external.get(), broker.port()))
                        .as("listener must not be reachable on %s", external.get())
                        .isFalse();
            }

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            broker.bindTo(registry);
            assertThat(registry.get("floorlink.gateway.broker.dropped.messages")
                            .functionCounter()
                            .count())
                    .isZero();
        }
    }

    @Test
    void aTakenPortFailsTheStartNamingAddressAndPort(@TempDir Path dir) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> EmbeddedBroker.start(BrokerConfig.embedded("127.0.0.1", port, dir), null))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.0.0.1:" + port);
        }
    }

    @Test
    void refusesANonLoopbackBindWithoutAuth(@TempDir Path dir) {
        assertThatThrownBy(() -> EmbeddedBroker.start(BrokerConfig.embedded("0.0.0.0", 0, dir), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gateway.broker.host")
                .hasMessageContaining("0.0.0.0")
                .hasMessageContaining("gateway.auth");
        assertThat(dir.resolve("conf/config.xml")).doesNotExist();
    }

    @Test
    void anonymousAccessIsExplicitAndForLoopbackOnly(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> EmbeddedBroker.start(
                        BrokerConfig.embedded("0.0.0.0", 0, dir), AuthConfig.anonymousOnLoopback()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gateway.auth.allow_anonymous")
                .hasMessageContaining("0.0.0.0");
        try (EmbeddedBroker broker =
                EmbeddedBroker.start(BrokerConfig.embedded("127.0.0.1", 0, dir), AuthConfig.anonymousOnLoopback())) {
            Mqtt5BlockingClient anonymous = client(broker.port(), null, null);
            anonymous.connect();
            assertThat(anonymous.getState().isConnected()).isTrue();
            anonymous.disconnect();
        }
    }

    @Test
    void aGatewayWithoutCredentialsStartsItsHostButNoEdgeCanConnect(@TempDir Path dir) throws Exception {
        try (Gateway gateway = Gateway.start(GatewayConfig.defaults(dir).withBrokerPort(0), new SimpleMeterRegistry());
                TestEdge edge = new TestEdge(gateway.mqttUrl(), "ENT001", "edge-anonymous", 0)) {
            assertThatThrownBy(edge::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(
                            e.getMqttMessage().getReasonCode())
                    .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
        }
    }

    @Test
    void gatewayRefusesANonLoopbackBindWithoutAuth(@TempDir Path dir) {
        GatewayConfig cfg = GatewayConfig.defaults(dir).withBroker(BrokerConfig.embedded("0.0.0.0", 0, dir));
        assertThatThrownBy(() -> Gateway.start(cfg, new SimpleMeterRegistry()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gateway.auth");
    }

    /** A loopback MQTT 5 client, anonymous when {@code user} is null. */
    private static Mqtt5BlockingClient client(int port, String user, String password) {
        var b = MqttClient.builder().useMqttVersion5().serverHost("127.0.0.1").serverPort(port);
        if (user == null) {
            return b.buildBlocking();
        }
        return b.simpleAuth()
                .username(user)
                .password(password.getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth()
                .buildBlocking();
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return Optional.of(a);
                }
            }
        }
        assumeThat(true).isTrue();
        return Optional.empty();
    }

    private static boolean canConnect(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
