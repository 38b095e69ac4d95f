package io.floorlink.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import io.floorlink.broker.EmbeddedBroker;
import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.BrokerConfig;
import io.floorlink.sim.modbus.MoldingMachine;
import io.floorlink.sim.modbus.MoldingMachineSimulator;
import io.floorlink.sim.net.TcpProxy;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At least once without a FloorLink host: the edge agent in the mode without receipts ({@code uplink.receipts:
 * false}, for third-party hosts or none) publishes to a plain broker, where the only consumer is an independent MQTT
 * subscriber that decodes the Sparkplug B schema. The uplink is cut for a minute and the edge agent is killed with
 * SIGKILL in the middle of it and restarted. Every value the simulated machines served reaches the subscriber at least
 * once (duplicates allowed, gaps not), except the reads of the SIGKILL instant that were not yet in the buffer.
 *
 * <p>Runs against Mosquitto when {@code FLOORLINK_IT_MQTT_URL} is set (.ci/run), else against the embedded HiveMQ CE.
 */
@Tag("soak")
class ThirdPartySubscriberIT {
    private static final int MACHINES = 2;
    private static final int POINTS = 20;
    private static final Duration OUTAGE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final String group = "TP" + UUID.randomUUID().toString().substring(0, 8);
    private MoldingMachineSimulator plant;
    private EmbeddedBroker broker;
    private TcpProxy uplink;
    private Mqtt3AsyncClient subscriber;
    private Process edge;
    private int edgeRuns;

    /** Per device and point: the values received (read-sequence values are 1, 2, 3, ...). */
    private final Map<String, BitSet> received = new ConcurrentHashMap<>();
    /** Alias to metric name, per device, from the latest DBIRTH. */
    private final Map<String, Map<Long, String>> aliases = new ConcurrentHashMap<>();

    private final AtomicLong undecodable = new AtomicLong();

    @AfterEach
    void stopAll() throws Exception {
        JavaProcess.kill(edge);
        JavaProcess.closeAll(subscriber == null ? null : subscriber::disconnect, uplink, broker, plant);
    }

    @Test
    void everyServedValueReachesAnIndependentSubscriberAtLeastOnceThroughAnOutageAndAKill() throws Exception {
        URI brokerUrl = brokerUrl();
        plant = MoldingMachineSimulator.start(MoldingMachineSimulator.Options.local(MACHINES));
        uplink = new TcpProxy(brokerUrl.getHost(), brokerUrl.getPort());
        subscribe(brokerUrl);
        Path edgeYaml = Files.writeString(dir.resolve("edge.yaml"), edgeYaml());
        startEdge(edgeYaml);

        awaitFlowing(Duration.ofSeconds(60));
        Thread.sleep(10_000);

        uplink.cut();
        Thread.sleep(OUTAGE.toMillis() / 2);
        JavaProcess.kill(edge);
        Thread.sleep(3_000);
        startEdge(edgeYaml);
        Thread.sleep(OUTAGE.toMillis() / 2);
        uplink.restore();
        awaitFlowing(Duration.ofSeconds(90));
        Thread.sleep(10_000);

        for (String id : plant.machineIds()) {
            plant.setStationPower(id, false);
        }
        // The truth is fixed once the machines stop answering; the buffered rest arrives by the replay.
        Thread.sleep(3_000);
        long[] lost = new long[1];
        List<String> problems = new ArrayList<>();
        await("every served value at the subscriber")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> {
                    problems.clear();
                    lost[0] = 0;
                    for (String machine : plant.machineIds()) {
                        for (int i = 0; i < POINTS; i++) {
                            int served =
                                    plant.endpoint(machine).machine().readsServed(MoldingMachine.READ_SEQUENCE + i);
                            BitSet got = received.getOrDefault(machine + "." + PlantYaml.pointId(i), new BitSet());
                            int missing = served - got.get(1, served + 1).cardinality();
                            if (missing > 1) {
                                problems.add(machine + "." + PlantYaml.pointId(i) + ": " + missing + " of " + served
                                        + " values never arrived, first at "
                                        + got.nextClearBit(1));
                            }
                            lost[0] += missing;
                        }
                    }
                    return problems.isEmpty();
                });
        assertThat(problems).as("values that never reached the subscriber").isEmpty();
        assertThat(lost[0])
                .as("values lost at the SIGKILL (read but not yet committed to the buffer)")
                .isLessThanOrEqualTo((long) MACHINES * POINTS);
        assertThat(undecodable.get())
                .as("messages the subscriber could not decode")
                .isZero();
    }

    private URI brokerUrl() throws Exception {
        String env = System.getenv("FLOORLINK_IT_MQTT_URL");
        if (env != null && !env.isBlank()) {
            return URI.create(env);
        }
        BrokerConfig config = BrokerConfig.embedded("127.0.0.1", 0, dir.resolve("broker"));
        broker = EmbeddedBroker.start(config, AuthConfig.anonymousOnLoopback());
        return broker.url();
    }

    private void subscribe(URI url) throws Exception {
        subscriber = MqttClient.builder()
                .useMqttVersion3()
                .identifier("third-party-" + group)
                .serverHost(url.getHost())
                .serverPort(url.getPort())
                .buildAsync();
        subscriber.connect().get(10, TimeUnit.SECONDS);
        subscriber
                .subscribeWith()
                .topicFilter(Topic.NAMESPACE + "/" + group + "/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> onMessage(p.getTopic().toString(), p.getPayloadAsBytes()))
                .send()
                .get(10, TimeUnit.SECONDS);
    }

    private void onMessage(String topicName, byte[] bytes) {
        try {
            Topic topic = Topic.parse(topicName);
            if (topic.type() != MessageType.DBIRTH && topic.type() != MessageType.DDATA) {
                return;
            }
            Payload payload = Payload.parseFrom(bytes);
            String device = topic.deviceId();
            Map<Long, String> names = topic.type() == MessageType.DBIRTH
                    ? aliases.compute(device, (k, v) -> new ConcurrentHashMap<>())
                    : aliases.getOrDefault(device, Map.of());
            for (Metric m : payload.getMetricsList()) {
                String name = m.getName();
                if (topic.type() == MessageType.DBIRTH && m.hasAlias()) {
                    names.put(m.getAlias(), name);
                }
                if (name.isEmpty() && m.hasAlias()) {
                    name = names.get(m.getAlias());
                }
                if (name == null || !name.startsWith("seq_") || m.getIsNull()) {
                    continue;
                }
                long value = m.hasIntValue() ? Integer.toUnsignedLong(m.getIntValue()) : m.getLongValue();
                received.computeIfAbsent(device + "." + name, k -> new BitSet()).set((int) value);
            }
        } catch (Exception e) {
            undecodable.incrementAndGet();
        }
    }

    private void startEdge(Path config) throws Exception {
        edgeRuns++;
        edge = JavaProcess.startEdgeAgent(dir.resolve("edge-" + edgeRuns + ".log"), "256m", config);
    }

    /** Waits until every machine's values arrive at the subscriber (growing received sets). */
    private void awaitFlowing(Duration atMost) {
        long before = receivedCount();
        await("fresh values at the subscriber")
                .atMost(atMost)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    assertThat(edge.isAlive()).as("edge agent process").isTrue();
                    return receivedCount() >= before + (long) MACHINES * POINTS * 3;
                });
    }

    private long receivedCount() {
        long n = 0;
        for (BitSet b : received.values()) {
            n += b.cardinality();
        }
        return n;
    }

    private String edgeYaml() {
        StringBuilder y = new StringBuilder();
        y.append("edge: { group: ").append(group).append(", node: edge-01 }\n");
        y.append("uplink:\n");
        y.append("  url: tcp://127.0.0.1:").append(uplink.port()).append('\n');
        y.append("  receipts: false\n");
        y.append("  keep_alive: 5s\n");
        y.append("  reconnect: { initial_delay: 500ms, max_delay: 3s }\n");
        y.append(PlantYaml.edgeBufferHttpAndConnectors(dir.resolve("edge-buffer.db"), "256MB", plant, POINTS));
        return y.toString();
    }
}
