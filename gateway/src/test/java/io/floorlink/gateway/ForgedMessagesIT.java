package io.floorlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.floorlink.gateway.broker.PasswordHash;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Receipt;
import io.floorlink.sparkplug.StateMessage;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of the security issue, replayed against the embedded broker with edge authentication: from an
 * anonymous client and from another edge's valid credential (same enterprise), forged DDATA (pieces = 1e9), a
 * spoofed NDEATH of a live node, a spoofed Rebirth NCMD, a retained spoofed STATE offline and a forged receipt.
 * Every one is refused by the broker, and the facts, the node's session and the host STATE are unchanged.
 */
class ForgedMessagesIT {
    private static final String GROUP = "ENT001";

    @TempDir
    Path dir;

    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        AuthConfig auth = new AuthConfig(List.of(
                new AuthConfig.EdgeCredential("station", PasswordHash.hash("station-pw"), List.of(GROUP), "station"),
                new AuthConfig.EdgeCredential("other", PasswordHash.hash("other-pw"), List.of(GROUP), "other")));
        gateway = Gateway.start(
                GatewayConfig.defaults(dir).withBrokerPort(0).withAuth(auth).withFlushInterval(Duration.ofMillis(200)),
                new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private Mqtt5BlockingClient client(String user, String password) {
        var b = MqttClient.builder()
                .useMqttVersion5()
                .serverHost(gateway.mqttUrl().getHost())
                .serverPort(gateway.mqttUrl().getPort());
        return user == null
                ? b.buildBlocking()
                : b.simpleAuth()
                        .username(user)
                        .password(password.getBytes(StandardCharsets.UTF_8))
                        .applySimpleAuth()
                        .buildBlocking();
    }

    /** The forged messages, each a topic and a payload, aimed at the live node "station". */
    private List<Object[]> forgeries() {
        long now = System.currentTimeMillis();
        List<Object[]> out = new ArrayList<>();
        out.add(new Object[] {
            Topic.device(GROUP, MessageType.DDATA, "station", "press-1").toString(),
            Payload.newBuilder()
                    .setTimestamp(now)
                    .setSeq(2)
                    .addMetrics(TestEdge.sample("pieces", DataType.INT64, 1_000_000_000L, now))
                    .build()
                    .toByteArray(),
            false
        });
        out.add(new Object[] {
            Topic.node(GROUP, MessageType.NDEATH, "station").toString(),
            Payload.newBuilder()
                    .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.INT64, 0L))
                    .build()
                    .toByteArray(),
            false
        });
        out.add(new Object[] {
            Topic.node(GROUP, MessageType.NCMD, "station").toString(),
            Payload.newBuilder()
                    .setTimestamp(now)
                    .addMetrics(Metrics.metric(MetricNames.REBIRTH, DataType.BOOLEAN, true))
                    .build()
                    .toByteArray(),
            false
        });
        out.add(new Object[] {
            Topic.state(gateway.hostId()).toString(), new StateMessage(false, now + 60_000).toJson(), true
        });
        out.add(new Object[] {
            Receipt.topic(gateway.hostId(), GROUP, "station"),
            new Receipt(gateway.hostId(), "epoch", now, List.of(new long[] {1, 1_000_000})).toJson(),
            true
        });
        return out;
    }

    @Test
    void forgeriesFromAnotherEdgesCredentialAreRefusedAndTheFactsUnchanged() throws Exception {
        try (TestEdge station = new TestEdge(gateway.mqttUrl(), GROUP, "station", 0, "station", "station-pw");
                Mqtt5BlockingClient.Mqtt5Publishes commands = station.connectWithCommands()) {
            long t0 = System.currentTimeMillis();
            assertThat(station.nbirth(t0).getError()).isEmpty();
            station.device(
                    MessageType.DBIRTH,
                    "press-1",
                    t0,
                    List.of(
                            TestEdge.point("pieces", DataType.INT64, 10L, "counter", null, null),
                            TestEdge.health(MetricNames.HEALTH_CONNECTED, DataType.BOOLEAN, true, t0)));
            station.device(
                    MessageType.DDATA,
                    "press-1",
                    t0 + 1000,
                    List.of(TestEdge.sample("pieces", DataType.INT64, 11L, t0 + 1000)));
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(Db.count(
                            gateway.dataSource(),
                            "SELECT COUNT(*) FROM device_session WHERE device_id = 'press-1'"
                                    + " AND disconnected_at IS NULL"))
                    .isEqualTo(1));

            for (Object[] f : forgeries()) {
                // a fresh connection per forgery: the broker may drop the client for a refused publish, and the
                // client learns of it only asynchronously
                Mqtt5BlockingClient other = client("other", "other-pw");
                other.connect();
                try {
                    assertThat(publishRefused(other, (String) f[0], (byte[]) f[1], (Boolean) f[2]))
                            .as("publish %s with the credential of another edge", f[0])
                            .isTrue();
                } finally {
                    quietly(other);
                }
            }
            for (String filter : List.of(
                    Topic.node(GROUP, MessageType.NCMD, "station").toString(),
                    "spBv1.0/" + GROUP + "/#",
                    "spBv1.0/#",
                    "#",
                    Receipt.topic(gateway.hostId(), GROUP, "station"))) {
                assertThat(subscribeRefused(filter)).as("subscribe %s", filter).isTrue();
            }

            // the anonymous client cannot even connect
            Mqtt5BlockingClient anonymous = client(null, null);
            org.assertj.core.api.Assertions.assertThatThrownBy(anonymous::connect)
                    .isInstanceOf(Mqtt5ConnAckException.class);

            Thread.sleep(1000);
            gateway.flush();
            assertThat(Db.count(
                            gateway.dataSource(),
                            "SELECT COUNT(*) FROM device_session WHERE device_id = 'press-1'"
                                    + " AND disconnected_at IS NULL"))
                    .as("the spoofed NDEATH closed nothing")
                    .isEqualTo(1);
            assertThat(
                            Db.count(
                                    gateway.dataSource(),
                                    "SELECT COUNT(*) FROM edge_session WHERE edge_node_id = 'station' AND disconnected_at IS NULL"))
                    .isEqualTo(1);
            assertThat(Db.count(
                            gateway.dataSource(),
                            "SELECT COUNT(*) FROM point_minute WHERE device_id = 'press-1' AND value_max >= 1000000"))
                    .as("the forged pieces = 1e9 is not evidence")
                    .isZero();
            assertThat(commands.receive(500, TimeUnit.MILLISECONDS))
                    .as("no spoofed NCMD reached the station")
                    .isEmpty();

            // the retained STATE is still the host's own online
            Mqtt5BlockingClient reader = client("station", "station-pw");
            reader.connect();
            try (Mqtt5BlockingClient.Mqtt5Publishes states = reader.publishes(MqttGlobalPublishFilter.ALL)) {
                reader.subscribeWith()
                        .topicFilter(Topic.state(gateway.hostId()).toString())
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .send();
                var state = states.receive(5, TimeUnit.SECONDS);
                assertThat(state).isPresent();
                assertThat(StateMessage.parse(state.get().getPayloadAsBytes()).online())
                        .isTrue();
            } finally {
                quietly(reader);
            }
        }
    }

    /** True when the broker refuses the subscription of another edge's credential (or drops the client for it). */
    private boolean subscribeRefused(String filter) {
        Mqtt5BlockingClient c = client("other", "other-pw");
        c.connect();
        try {
            return c.subscribeWith().topicFilter(filter).send().getReasonCodes().get(0)
                    == Mqtt5SubAckReasonCode.NOT_AUTHORIZED;
        } catch (Mqtt5SubAckException e) {
            return e.getMqttMessage().getReasonCodes().get(0) == Mqtt5SubAckReasonCode.NOT_AUTHORIZED;
        } catch (com.hivemq.client.mqtt.exceptions.ConnectionClosedException
                | com.hivemq.client.mqtt.exceptions.MqttSessionExpiredException e) {
            return true;
        } finally {
            quietly(c);
        }
    }

    /** True when the broker refuses the publish (PUBACK "not authorized", or it drops the client). */
    private static boolean publishRefused(Mqtt5BlockingClient c, String topic, byte[] payload, boolean retain) {
        try {
            Mqtt5PublishResult r = c.publishWith()
                    .topic(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .retain(retain)
                    .payload(payload)
                    .send();
            Mqtt5PubAckReasonCode code =
                    ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode();
            return code == Mqtt5PubAckReasonCode.NOT_AUTHORIZED;
        } catch (Mqtt5PubAckException e) {
            return e.getMqttMessage().getReasonCode() == Mqtt5PubAckReasonCode.NOT_AUTHORIZED;
        } catch (com.hivemq.client.mqtt.exceptions.ConnectionClosedException
                | com.hivemq.client.mqtt.exceptions.MqttSessionExpiredException e) {
            // the broker dropped the client for the refused publish
            return true;
        }
    }

    private static void quietly(Mqtt5BlockingClient c) {
        try {
            c.disconnect();
        } catch (RuntimeException alreadyGone) {
            // the broker may have dropped it after a refused publish
        }
    }
}
