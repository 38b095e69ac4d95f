package io.floorlink.gateway.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.Db;
import io.floorlink.gateway.Gateway;
import io.floorlink.gateway.GatewayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.tahu.edge.EdgeClient;
import org.eclipse.tahu.edge.api.MetricHandler;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.EdgeNodeDescriptor;
import org.eclipse.tahu.message.model.MessageType;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.Metric.MetricBuilder;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.PropertyDataType;
import org.eclipse.tahu.message.model.PropertySet;
import org.eclipse.tahu.message.model.PropertySet.PropertySetBuilder;
import org.eclipse.tahu.message.model.PropertyValue;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.eclipse.tahu.message.model.SparkplugBPayload.SparkplugBPayloadBuilder;
import org.eclipse.tahu.message.model.SparkplugBPayloadMap.SparkplugBPayloadMapBuilder;
import org.eclipse.tahu.message.model.SparkplugDescriptor;
import org.eclipse.tahu.message.model.StatePayload;
import org.eclipse.tahu.message.model.Topic;
import org.eclipse.tahu.model.MqttServerDefinition;
import org.eclipse.tahu.mqtt.ClientCallback;
import org.eclipse.tahu.mqtt.MqttClientId;
import org.eclipse.tahu.mqtt.MqttServerName;
import org.eclipse.tahu.mqtt.MqttServerUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compliant third-party edge node, Eclipse Tahu's {@link EdgeClient} (Paho MQTT 3.1.1, Tahu's own payload
 * encoder, aliases on), against the FloorLink gateway with edge authentication: the bytes Tahu writes become
 * FloorLink facts.
 */
class TahuEdgeInteropIT {
    private static final String GROUP = "INTEROP";
    private static final String NODE = "tahu-edge";
    private static final String DEV = "PRESS-01";
    private static final String USER = "tahu-edge";
    private static final String PASSWORD = "tahu-edge-secret";
    private static final long BD_SEQ = 7;
    /**
     * The samples' minute: recent, because Tahu stamps its DDEATH with the wall clock and the state facts of the
     * device run until then.
     */
    private static final Instant MINUTE =
            Instant.now().truncatedTo(ChronoUnit.MINUTES).minusSeconds(120);
    /** DBIRTH values are stamped before the samples' minute so they land outside it. */
    private static final Instant BIRTH = MINUTE.minusSeconds(120);

    @TempDir
    Path dir;

    private Gateway gateway;
    private TahuNode tahu;

    @BeforeEach
    void start() throws Exception {
        // Tahu 1.0.19's EdgeClient also subscribes to spBv1.0/<primary host id> (the Sparkplug 2.2 STATE topic);
        // the broker lets every edge read spBv1.0/+ for it (EdgeAuthExtension.permissions).
        AuthConfig auth = new AuthConfig(List.of(new AuthConfig.EdgeCredential(USER, PASSWORD, List.of(GROUP), NODE)));
        gateway = Gateway.start(
                GatewayConfig.defaults(dir).withBrokerPort(0).withAuth(auth).withFlushInterval(Duration.ofHours(1)),
                new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() {
        if (tahu != null) {
            tahu.shutdown();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    @DisplayName("message-flow-edge-node-birth-publish-phid-wait, payloads-alias-birth-requirement,"
            + " payloads-metric-datatype-not-req: Tahu's edge node waits for the FloorLink STATE and its births,"
            + " alias-only data and deaths become sessions and exact rollups")
    void tahuEdgeNodeBecomesSessionsAndExactRollups() throws Exception {
        tahu = new TahuNode(gateway.mqttUrl().toString(), gateway.hostId());
        tahu.start();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> tahu.client.isConnectedToPrimaryHost());
        assertThat(tahu.statesBeforeBirth)
                .as("births only after the primary host's STATE online")
                .anySatisfy(s -> assertThat(s.isOnline()).isTrue());

        List<Integer> shots = List.of(1001, 1003, 1006);
        List<Double> temps = List.of(20.5, 21.25, 19.75);
        List<Boolean> running = List.of(true, false, true);
        for (int i = 0; i < 3; i++) {
            Date t = Date.from(MINUTE.plusSeconds(10L * (i + 1)));
            SparkplugBPayload ddata = new SparkplugBPayloadBuilder()
                    .setTimestamp(t)
                    .addMetric(new MetricBuilder("shots", MetricDataType.Int32, shots.get(i))
                            .timestamp(t)
                            .createMetric())
                    .addMetric(new MetricBuilder("melt_temp", MetricDataType.Double, temps.get(i))
                            .timestamp(t)
                            .createMetric())
                    .addMetric(new MetricBuilder("running", MetricDataType.Boolean, running.get(i))
                            .timestamp(t)
                            .createMetric())
                    .createPayload();
            tahu.client.publishDeviceData(DEV, ddata);
            assertThat(ddata.getMetrics())
                    .as("Tahu replaced the names by the aliases of the DBIRTH")
                    .allSatisfy(m -> {
                        assertThat(m.hasName()).isFalse();
                        assertThat(m.hasAlias()).isTrue();
                    });
        }
        // Wait for the data before any death: HiveMQ may deliver a later QoS 1 NDEATH ahead of QoS 0 DDATA
        // of the same connection (different topics, different QoS), and the host closes the session at NDEATH.
        untilStored(() -> assertThat(minute("melt_temp").get("samples")).isEqualTo(3L));
        tahu.client.publishDeviceDeath(DEV);
        untilStored(() -> assertThat(one("SELECT end_reason FROM device_session WHERE device_id = ?", DEV)
                        .get("end_reason"))
                .isEqualTo("ddeath"));
        // a clean Tahu shutdown: DDEATH of every device again, then its NDEATH (the will, published explicitly)
        tahu.shutdown();
        tahu = null;
        untilStored(() -> {
            Map<String, Object> es =
                    one("SELECT * FROM edge_session WHERE group_id = ? AND edge_node_id = ?", GROUP, NODE);
            assertThat(es.get("bd_seq")).isEqualTo(BD_SEQ);
            assertThat(es.get("connected_at")).isEqualTo(BIRTH);
            assertThat(es.get("end_reason")).isEqualTo("ndeath");
        });
        Map<String, Object> ds = one("SELECT * FROM device_session WHERE device_id = ?", DEV);
        assertThat(ds.get("connected_at")).isEqualTo(BIRTH);
        assertThat(ds.get("end_reason")).isEqualTo("ddeath");
        assertThat(ds.get("disconnected_at")).isNotNull();

        assertThat(rows(
                        "SELECT point_id, category, datatype FROM point_declaration WHERE device_id = ?"
                                + " ORDER BY point_id",
                        DEV))
                .containsExactly(
                        Map.of("point_id", "melt_temp", "category", "process", "datatype", 10),
                        Map.of("point_id", "running", "category", "state", "datatype", 11),
                        Map.of("point_id", "shots", "category", "counter", "datatype", 3));

        Map<String, Object> shotsRow = minute("shots");
        assertThat(shotsRow.get("samples")).isEqualTo(3L);
        assertThat(shotsRow.get("good")).isEqualTo(3L);
        assertThat(shotsRow.get("value_min")).isEqualTo(1001.0);
        assertThat(shotsRow.get("value_max")).isEqualTo(1006.0);
        assertThat(shotsRow.get("value_sum")).isEqualTo(3010.0);
        assertThat(shotsRow.get("value_last")).isEqualTo(1006.0);
        assertThat(shotsRow.get("value_increase"))
                .as("increase since the DBIRTH value 1000")
                .isEqualTo(6.0);

        Map<String, Object> tempRow = minute("melt_temp");
        assertThat(tempRow.get("samples")).isEqualTo(3L);
        assertThat(tempRow.get("value_min")).isEqualTo(19.75);
        assertThat(tempRow.get("value_max")).isEqualTo(21.25);
        assertThat(tempRow.get("value_sum")).isEqualTo(61.5);
        assertThat(tempRow.get("value_last")).isEqualTo(19.75);
        assertThat(tempRow.get("last_ts")).isEqualTo(MINUTE.plusSeconds(30));

        Map<String, Object> runRow = minute("running");
        assertThat(runRow.get("samples")).isEqualTo(3L);
        assertThat(runRow.get("value_min")).isEqualTo(0.0);
        assertThat(runRow.get("value_max")).isEqualTo(1.0);
        assertThat(runRow.get("value_sum")).isEqualTo(2.0);
    }

    private void untilStored(Runnable assertion) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    gateway.flush();
                    assertion.run();
                });
    }

    private Map<String, Object> minute(String point) {
        return one(
                "SELECT * FROM point_minute WHERE device_id = ? AND point_id = ? AND bucket = ?", DEV, point, MINUTE);
    }

    private Map<String, Object> one(String sql, Object... params) {
        List<Map<String, Object>> rows = rows(sql, params);
        assertThat(rows).as(sql).hasSize(1);
        return rows.get(0);
    }

    private List<Map<String, Object>> rows(String sql, Object... params) {
        return Db.rows(gateway.dataSource(), sql, params);
    }

    /**
     * The application side of a Tahu edge node, as Tahu's own compatible implementation (SparkplugEdgeNode) is
     * written: it supplies the NDEATH will and the birth sequence, and forwards STATE messages to the client.
     */
    private static final class TahuNode implements MetricHandler, ClientCallback {
        final EdgeClient client;
        final List<StatePayload> statesBeforeBirth = new CopyOnWriteArrayList<>();
        private final List<StatePayload> states = new CopyOnWriteArrayList<>();
        private final String hostId;
        /** Paho's callback thread must not wait for EdgeClient's lock, which its run loop holds while subscribing. */
        private final ExecutorService stateHandler = Executors.newSingleThreadExecutor();

        private Thread thread;

        TahuNode(String url, String hostId) throws Exception {
            this.hostId = hostId;
            EdgeNodeDescriptor node = new EdgeNodeDescriptor(GROUP, NODE);
            MqttServerDefinition server = new MqttServerDefinition(
                    new MqttServerName("floorlink"),
                    new MqttClientId("tahu-" + UUID.randomUUID(), false),
                    new MqttServerUrl(url),
                    USER,
                    PASSWORD,
                    30,
                    getDeathTopic());
            client = new EdgeClient(this, node, List.of(DEV), hostId, true, 1000L, List.of(server), this, null);
        }

        void start() {
            thread = new Thread(client, "tahu-edge-client");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void shutdown() {
            client.shutdown();
            stateHandler.shutdownNow();
            if (thread != null) {
                try {
                    thread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public Topic getDeathTopic() {
            return new Topic("spBv1.0", GROUP, NODE, MessageType.NDEATH);
        }

        @Override
        public byte[] getDeathPayloadBytes() throws Exception {
            SparkplugBPayload death = new SparkplugBPayloadBuilder()
                    .setTimestamp(new Date())
                    .addMetric(bdSeq())
                    .createPayload();
            return new SparkplugBPayloadEncoder().getBytes(death, false);
        }

        @Override
        public void publishBirthSequence() {
            statesBeforeBirth.addAll(states);
            try {
                Date birth = Date.from(BIRTH);
                client.publishNodeBirth(new SparkplugBPayloadMapBuilder()
                        .setTimestamp(birth)
                        .addMetric(bdSeq())
                        .createPayload());
                client.publishDeviceBirth(
                        DEV,
                        new SparkplugBPayloadBuilder()
                                .setTimestamp(birth)
                                .addMetric(point("shots", MetricDataType.Int32, 1000, "counter", birth))
                                .addMetric(point("melt_temp", MetricDataType.Double, 20.0, "process", birth))
                                .addMetric(point("running", MetricDataType.Boolean, false, "state", birth))
                                .createPayload());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean hasMetric(SparkplugDescriptor descriptor, String metricName) {
            return List.of("shots", "melt_temp", "running").contains(metricName);
        }

        @Override
        public void messageArrived(
                MqttServerName serverName, MqttServerUrl url, MqttClientId clientId, String topic, MqttMessage msg) {
            if (topic.equals("spBv1.0/STATE/" + hostId)) {
                try {
                    StatePayload state = new ObjectMapper().readValue(msg.getPayload(), StatePayload.class);
                    states.add(state);
                    stateHandler.execute(() -> client.handleStateMessage(hostId, state));
                } catch (Exception e) {
                    throw new IllegalStateException("STATE payload " + new String(msg.getPayload()), e);
                }
            }
        }

        @Override
        public void connectionLost(MqttServerName serverName, MqttServerUrl url, MqttClientId id, Throwable cause) {}

        @Override
        public void connectComplete(boolean reconnect, MqttServerName serverName, MqttServerUrl url, MqttClientId id) {}

        private static Metric bdSeq() throws Exception {
            // Sparkplug 3.0: bdSeq is an INT64 metric
            return new MetricBuilder("bdSeq", MetricDataType.Int64, BD_SEQ).createMetric();
        }

        private static Metric point(String name, MetricDataType type, Object value, String category, Date ts)
                throws Exception {
            PropertySet props = new PropertySetBuilder()
                    .addProperty("category", new PropertyValue<>(PropertyDataType.String, category))
                    .addProperty("interval_ms", new PropertyValue<>(PropertyDataType.Int64, 1000L))
                    .createPropertySet();
            return new MetricBuilder(name, type, value)
                    .timestamp(ts)
                    .properties(props)
                    .createMetric();
        }
    }
}
