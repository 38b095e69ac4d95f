package io.floorlink.edge.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.config.Reconnect;
import io.floorlink.edge.point.PointSpec;
import io.floorlink.edge.testing.SparkplugRecorder;
import io.floorlink.edge.testing.TestConnector;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.testing.TestBroker;
import io.floorlink.testing.TestCerts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge node's uplink over TLS ({@code ssl://}, MQTT 3.1.1 over TLS) to a real HiveMQ CE TLS listener whose
 * certificate a CA made in the test signed: with {@code uplink.tls.trust_store} holding that CA the node is born;
 * with a trust store of another CA, or the JVM's default trust, the handshake fails and nothing is published.
 */
class UplinkTlsIT {
    private static final String GROUP = "TLS";
    private static final String DEV = "SEW-01";
    private static final PointSpec SPEED =
            new PointSpec("motor_speed", DataType.DOUBLE, Category.PROCESS, "rpm", Duration.ofMillis(100), 0.0, 1e6);

    @TempDir
    static Path dir;

    private static TestCerts certs;
    private static TestBroker broker;
    private static SparkplugRecorder recorder;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        certs = TestCerts.make(dir.resolve("certs"));
        broker = TestBroker.startTls(dir.resolve("broker"), certs.serverKeyStore);
        recorder = new SparkplugRecorder(
                broker.url(),
                GROUP,
                MqttClientSslConfig.builder()
                        .trustManagerFactory(TestCerts.trust(certs.trustStore))
                        .build());
    }

    @AfterAll
    static void stop() throws Exception {
        recorder.close();
        broker.close();
    }

    @AfterEach
    void closeNodes() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private EdgeNode startNode(String nodeId, EdgeConfig.Tls tls, SimpleMeterRegistry registry) {
        EdgeConfig.Uplink uplink = new EdgeConfig.Uplink(
                broker.url(),
                null,
                null,
                null,
                null,
                Duration.ofSeconds(1),
                new Reconnect(Duration.ofMillis(100), Duration.ofMillis(500)),
                tls);
        EdgeNode n = new EdgeNode(
                new EdgeConfig.Edge(GROUP, nodeId),
                uplink,
                EdgeConfig.Buffer.at(dir.resolve(nodeId + ".db")),
                Duration.ofSeconds(1),
                Duration.ofMillis(100),
                1000,
                100_000,
                registry);
        closeables.add(n);
        TestConnector c = new TestConnector("test", List.of(DEV));
        n.declareDevices(List.of(DEV));
        n.start();
        c.start(n);
        c.up(DEV, List.of(SPEED));
        return n;
    }

    private static double connected(SimpleMeterRegistry registry) {
        return registry.get("floorlink.edge.uplink.connected").gauge().value();
    }

    @Test
    void aNodeTrustingTheCaIsBornOverTls() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        startNode("tls-trusted", new EdgeConfig.Tls(certs.trustStore, TestCerts.PASSWORD, null, null), registry);

        recorder.await(
                r -> r.type() == MessageType.NBIRTH && r.topic().edgeNodeId().equals("tls-trusted"));
        recorder.await(
                r -> r.type() == MessageType.DBIRTH && r.topic().edgeNodeId().equals("tls-trusted"));
        assertThat(connected(registry)).isEqualTo(1.0);
    }

    @Test
    void aNodeTrustingAnotherCaOrTheJvmDefaultsNeverConnects() {
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        SimpleMeterRegistry defaults = new SimpleMeterRegistry();
        startNode("tls-other-ca", new EdgeConfig.Tls(certs.otherTrustStore, TestCerts.PASSWORD, null, null), other);
        startNode("tls-jvm-trust", null, defaults);
        // a trusted node started after them is born: the broker was reachable all along
        startNode("tls-control", new EdgeConfig.Tls(certs.trustStore, TestCerts.PASSWORD, null, null), registry());
        recorder.await(
                r -> r.type() == MessageType.NBIRTH && r.topic().edgeNodeId().equals("tls-control"));

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(connected(other)).isZero();
            assertThat(connected(defaults)).isZero();
        });
        assertThat(recorder.all())
                .noneMatch(r -> r.topic().edgeNodeId().equals("tls-other-ca")
                        || r.topic().edgeNodeId().equals("tls-jvm-trust"));
    }

    private static SimpleMeterRegistry registry() {
        return new SimpleMeterRegistry();
    }
}
