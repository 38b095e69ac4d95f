package io.floorlink.edge.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.config.Reconnect;
import io.floorlink.edge.point.PointSpec;
import io.floorlink.edge.testing.SparkplugRecorder;
import io.floorlink.edge.testing.SparkplugRecorder.Received;
import io.floorlink.edge.testing.TestConnector;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.testing.TestBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sparkplug 3.0 multi-server: two embedded HiveMQ CE brokers in this JVM; the primary host is online on one of them
 * only, and the edge node walks {@code uplink.servers} until it is on that one.
 */
class MultiServerEdgeIT {
    private static final String GROUP = "MULTI";
    private static final String NODE = "edge-multi";
    private static final String HOST = "host-multi";
    private static final String DEV = "SEW-01";

    @TempDir
    Path dir;

    @Test
    void operational_behavior_edge_node_multi_server_moves_to_the_server_where_the_primary_host_is_online()
            throws Exception {
        try (TestBroker a = TestBroker.start(dir.resolve("a"));
                TestBroker b = TestBroker.start(dir.resolve("b"));
                SparkplugRecorder onA = new SparkplugRecorder(a.url(), GROUP);
                SparkplugRecorder onB = new SparkplugRecorder(b.url(), GROUP)) {
            onB.publishState(HOST, true, System.currentTimeMillis());
            EdgeConfig.Uplink uplink = new EdgeConfig.Uplink(
                    null,
                    null,
                    null,
                    HOST,
                    null,
                    Duration.ofSeconds(1),
                    new Reconnect(Duration.ofMillis(100), Duration.ofMillis(300)),
                    null,
                    List.of(a.url(), b.url()),
                    Duration.ofSeconds(1),
                    null,
                    null,
                    null);
            try (EdgeNode n = new EdgeNode(
                    new EdgeConfig.Edge(GROUP, NODE),
                    uplink,
                    EdgeConfig.Buffer.at(dir.resolve("buffer.db")),
                    Duration.ofSeconds(1),
                    new SimpleMeterRegistry())) {
                TestConnector c = new TestConnector("test", List.of(DEV));
                n.declareDevices(List.of(DEV));
                n.start();
                c.start(n);
                c.up(
                        DEV,
                        List.of(new PointSpec(
                                "motor_speed",
                                DataType.DOUBLE,
                                Category.PROCESS,
                                "rpm",
                                Duration.ofSeconds(1),
                                null,
                                null)));

                Received first = onB.await(r -> r.type() == MessageType.NBIRTH, Duration.ofSeconds(20));
                assertThat(onA.of(MessageType.NBIRTH))
                        .as("no birth where the host is not online")
                        .isEmpty();
                assertThat(n.health().server()).isEqualTo(b.url().toString());
                onB.await(r -> r.type() == MessageType.DBIRTH);

                // The host moves to server A: offline on B, online on A with a new session (newer timestamp).
                long t = System.currentTimeMillis();
                onA.publishState(HOST, true, t + 1);
                onB.publishState(HOST, false, t);
                Received ndeath = onB.await(r -> r.type() == MessageType.NDEATH);
                assertThat(ndeath.metric(MetricNames.BD_SEQ).orElseThrow().getLongValue())
                        .isEqualTo(
                                first.metric(MetricNames.BD_SEQ).orElseThrow().getLongValue());
                Received second = onA.await(r -> r.type() == MessageType.NBIRTH, Duration.ofSeconds(20));
                assertThat(second.metric(MetricNames.BD_SEQ).orElseThrow().getLongValue())
                        .as("a new CONNECT, the next bdSeq")
                        .isGreaterThan(
                                first.metric(MetricNames.BD_SEQ).orElseThrow().getLongValue());
                await().until(() -> n.health().server().equals(a.url().toString()));
                onA.clearState(HOST);
                onB.clearState(HOST);
            }
        }
    }
}
