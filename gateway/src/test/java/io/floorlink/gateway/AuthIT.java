package io.floorlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.floorlink.gateway.broker.PasswordHash;
import io.floorlink.sparkplug.Receipt;
import io.floorlink.sparkplug.StateMessage;
import io.floorlink.sparkplug.Topic;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Edge authentication and authorisation of the embedded broker, seen from real MQTT clients. */
class AuthIT {
    @TempDir
    static Path dir;

    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        AuthConfig auth = new AuthConfig(
                List.of(
                        new AuthConfig.EdgeCredential(
                                "edge-a", PasswordHash.hash("s3cret-a"), List.of("ENT001"), "edge-a"),
                        new AuthConfig.EdgeCredential(
                                "edge-b", "clear-b-from-env", List.of("ENT002", "ENT003"), "edge-b"),
                        new AuthConfig.EdgeCredential(
                                "edge-c", PasswordHash.hash("s3cret-c"), List.of("ENT001"), "edge-c")),
                List.of(
                        new AuthConfig.ClientCredential(
                                "asm1-stations", PasswordHash.hash("s3cret-st"), List.of("plant/asm1/#"), null),
                        new AuthConfig.ClientCredential(
                                "asm1-reader", PasswordHash.hash("s3cret-rd"), null, List.of("plant/asm1/#"))),
                false);
        gateway = Gateway.start(
                GatewayConfig.defaults(dir).withBrokerPort(0).withAuth(auth).withFlushInterval(Duration.ofHours(1)),
                new SimpleMeterRegistry());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static Mqtt5BlockingClient client(String user, String password) {
        var b = MqttClient.builder()
                .useMqttVersion5()
                .serverHost(gateway.mqttUrl().getHost())
                .serverPort(gateway.mqttUrl().getPort());
        if (user != null) {
            return b.simpleAuth()
                    .username(user)
                    .password(password.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .applySimpleAuth()
                    .buildBlocking();
        }
        return b.buildBlocking();
    }

    @Test
    void unknownUserWrongPasswordAndAnonymousAreNotAuthorized() {
        for (Mqtt5BlockingClient c : List.of(
                client("nobody", "x"), client("edge-a", "wrong"), client("edge-b", "s3cret-a"), client(null, null))) {
            assertThatThrownBy(c::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(
                            e.getMqttMessage().getReasonCode())
                    .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
        }
    }

    @Test
    void edgePublishesAsItsNodeAndTheHostStoresIt() {
        try (TestEdge edge = new TestEdge(gateway.mqttUrl(), "ENT001", "edge-a", 0, "edge-a", "s3cret-a")) {
            edge.connect();
            Mqtt5PublishResult r = edge.nbirth(System.currentTimeMillis());
            assertThat(r.getError()).isEmpty();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                gateway.flush();
                assertThat(Db.count(
                                gateway.dataSource(),
                                "SELECT COUNT(*) FROM edge_session WHERE group_id = 'ENT001' AND edge_node_id ="
                                        + " 'edge-a'"))
                        .isPositive();
            });
        }
    }

    @Test
    void edgeCannotPublishOrSubscribeOutsideItsGroups() {
        for (String[] other : new String[][] {{"ENT002", "edge-intruder"}, {"ENT001", "edge-c"}}) {
            try (TestEdge edge = new TestEdge(gateway.mqttUrl(), other[0], other[1], 0, "edge-a", "s3cret-a")) {
                // its NDEATH will is not its own node's, so the broker refuses the connection itself
                assertThatThrownBy(edge::connect)
                        .as("edge-a connecting with the will of %s/%s", other[0], other[1])
                        .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(
                                        e.getMqttMessage().getReasonCode())
                                .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
            }
        }
        Mqtt5BlockingClient c = client("edge-a", "s3cret-a");
        c.connect();
        try {
            Mqtt5PubAckReasonCode code;
            try {
                Mqtt5PublishResult r = c.publishWith()
                        .topic("spBv1.0/ENT002/NBIRTH/edge-intruder")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload(io.floorlink.sparkplug.proto.SparkplugBProto.Payload.newBuilder()
                                .setSeq(0)
                                .build()
                                .toByteArray())
                        .send();
                code = ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode();
            } catch (com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException e) {
                code = e.getMqttMessage().getReasonCode();
            }
            assertThat(code).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);

        } finally {
            quietlyDisconnect(c);
        }
        // the broker may drop a client after a refused publish, so subscribe with a fresh connection
        c = client("edge-a", "s3cret-a");
        c.connect();
        try {
            Mqtt5SubAck ack;
            try {
                ack = c.subscribeWith().topicFilter("spBv1.0/ENT002/#").send();
            } catch (Mqtt5SubAckException e) {
                ack = e.getMqttMessage();
            }
            assertThat(ack.getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        } finally {
            quietlyDisconnect(c);
        }
        gateway.flush();
        assertThat(Db.count(
                        gateway.dataSource(), "SELECT COUNT(*) FROM edge_session WHERE edge_node_id = 'edge-intruder'"))
                .isZero();
    }

    @Test
    void edgeWithAClearPasswordFromTheEnvironmentMayReadHostState() throws InterruptedException {
        Mqtt5BlockingClient c = client("edge-b", "clear-b-from-env");
        c.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = c.publishes(MqttGlobalPublishFilter.ALL)) {
            c.subscribeWith()
                    .topicFilter(Topic.state(gateway.hostId()).toString())
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            var state = publishes.receive(5, TimeUnit.SECONDS);
            assertThat(state).isPresent();
            assertThat(StateMessage.parse(state.get().getPayloadAsBytes()).online())
                    .isTrue();
            assertThatThrownBy(() -> c.subscribeWith().topicFilter("spBv1.0/#").send())
                    .isInstanceOf(Mqtt5SubAckException.class);
        } finally {
            c.disconnect();
        }
    }

    @Test
    void edgeReadsItsOwnReceiptsButCannotPublishOrReadAnotherNodes() throws InterruptedException {
        String own = Receipt.topic(gateway.hostId(), "ENT001", "edge-a");
        Mqtt5BlockingClient c = client("edge-a", "s3cret-a");
        c.connect();
        try {
            Mqtt5SubAck ack = c.subscribeWith()
                    .topicFilter(own)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            assertThat(ack.getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            Mqtt5PubAckReasonCode code;
            try {
                Mqtt5PublishResult r = c.publishWith()
                        .topic(own)
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .retain(true)
                        .payload(new Receipt("forged", "e", 1, List.of(new long[] {1, 1_000_000})).toJson())
                        .send();
                code = ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode();
            } catch (com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException e) {
                code = e.getMqttMessage().getReasonCode();
            }
            assertThat(code).as("an edge publishing a receipt").isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
        } finally {
            quietlyDisconnect(c);
        }
        c = client("edge-a", "s3cret-a");
        c.connect();
        try {
            Mqtt5SubAck ack;
            try {
                ack = c.subscribeWith()
                        .topicFilter(Receipt.topic(gateway.hostId(), "ENT001", "edge-c"))
                        .send();
            } catch (Mqtt5SubAckException e) {
                ack = e.getMqttMessage();
            }
            assertThat(ack.getReasonCodes()).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        } finally {
            quietlyDisconnect(c);
        }
    }

    @Test
    void clientCredentialsPublishAndReadOnlyTheirTopicFiltersAndNeverSparkplug() throws InterruptedException {
        Mqtt5BlockingClient reader = client("asm1-reader", "s3cret-rd");
        reader.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes received = reader.publishes(MqttGlobalPublishFilter.ALL)) {
            assertThat(reader.subscribeWith()
                            .topicFilter("plant/asm1/+/data")
                            .qos(MqttQos.AT_LEAST_ONCE)
                            .send()
                            .getReasonCodes())
                    .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
            for (String outside : List.of(
                    "plant/#", "spBv1.0/#", Topic.state(gateway.hostId()).toString())) {
                Mqtt5SubAck ack;
                try {
                    ack = reader.subscribeWith().topicFilter(outside).send();
                } catch (Mqtt5SubAckException e) {
                    ack = e.getMqttMessage();
                }
                assertThat(ack.getReasonCodes())
                        .as("the reader subscribing to %s", outside)
                        .containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
            }

            Mqtt5BlockingClient station = client("asm1-stations", "s3cret-st");
            station.connect();
            assertThat(publish(station, "plant/asm1/ST-01/data", "{\"pieces\":1}"))
                    .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
            var got = received.receive(5, TimeUnit.SECONDS);
            assertThat(got).isPresent();
            assertThat(got.get().getTopic().toString()).isEqualTo("plant/asm1/ST-01/data");
            quietlyDisconnect(station);

            for (String outside : List.of("plant/asm2/ST-01/data", "spBv1.0/ENT001/NDATA/edge-a")) {
                Mqtt5BlockingClient forger = client("asm1-stations", "s3cret-st");
                forger.connect();
                assertThat(publish(forger, outside, "{\"pieces\":1000000000}"))
                        .as("the stations' credential publishing to %s", outside)
                        .isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
                quietlyDisconnect(forger);
            }
            assertThat(received.receive(500, TimeUnit.MILLISECONDS)).isEmpty();
        } finally {
            quietlyDisconnect(reader);
        }
        assertThatThrownBy(() -> client("asm1-stations", "wrong").connect()).isInstanceOf(Mqtt5ConnAckException.class);
    }

    private static Mqtt5PubAckReasonCode publish(Mqtt5BlockingClient c, String topic, String payload) {
        try {
            Mqtt5PublishResult r = c.publishWith()
                    .topic(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .send();
            return ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode();
        } catch (com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException e) {
            return e.getMqttMessage().getReasonCode();
        }
    }

    private static void quietlyDisconnect(Mqtt5BlockingClient c) {
        try {
            c.disconnect();
        } catch (com.hivemq.client.mqtt.exceptions.MqttClientStateException alreadyGone) {
            // the broker closed the connection first
        }
    }
}
