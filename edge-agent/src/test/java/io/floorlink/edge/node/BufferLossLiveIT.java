package io.floorlink.edge.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.config.Reconnect;
import io.floorlink.edge.point.PointSample;
import io.floorlink.edge.point.PointSpec;
import io.floorlink.edge.testing.SparkplugRecorder;
import io.floorlink.edge.testing.SparkplugRecorder.Received;
import io.floorlink.edge.testing.TestConnector;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Quality;
import io.floorlink.sparkplug.config.DataSize;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.floorlink.testing.TestBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The buffer's loss records on the wire, against a real embedded HiveMQ broker: the DBIRTH declares {@code
 * _buffer/lost}, and an overflow while the device is live (the host is online but sends no receipt, so nothing is
 * deleted) sends the loss records with the device's next DDATA, by alias, with their rid and {@code lost_from},
 * counting at least every record dropped.
 */
class BufferLossLiveIT {
    private static final String GROUP = "LOSS";
    private static final String NODE = "loss-live";
    private static final String HOST = "host-loss-live";
    private static final String DEV = "SEW-09";
    private static final PointSpec SPEED =
            new PointSpec("motor_speed", DataType.DOUBLE, Category.PROCESS, "rpm", Duration.ofMillis(100), 0.0, 1e9);

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void theDbirthDeclaresBufferLostAndAnOverflowWhileLiveSendsTheLossRecordWithItsRidAndSpan() throws Exception {
        TestBroker broker = TestBroker.start(dir.resolve("broker"));
        closeables.add(broker);
        SparkplugRecorder recorder = new SparkplugRecorder(broker.url(), GROUP);
        closeables.add(recorder);
        recorder.clearState(HOST);
        recorder.clearReceipt(HOST, GROUP, NODE);
        recorder.publishState(HOST, true, System.currentTimeMillis() - 1000);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EdgeNode n = new EdgeNode(
                new EdgeConfig.Edge(GROUP, NODE),
                new EdgeConfig.Uplink(
                        broker.url(),
                        null,
                        null,
                        HOST,
                        null,
                        null,
                        new Reconnect(Duration.ofMillis(100), Duration.ofMillis(300)),
                        null),
                new EdgeConfig.Buffer(dir.resolve("buffer.db"), new DataSize(1L << 20), null, 2000, null),
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

        Received dbirth = recorder.await(
                r -> r.type() == MessageType.DBIRTH && DEV.equals(r.topic().deviceId()));
        Metric declared = dbirth.metric(MetricNames.BUFFER_LOST).orElseThrow();
        assertThat(declared.getDatatype()).isEqualTo(DataType.INT64.code());
        assertThat(declared.getLongValue()).isZero();
        assertThat(declared.hasAlias())
                .as("aliases are on: declared with its alias")
                .isTrue();

        Instant start = Instant.now();
        for (int burst = 0; burst < 60; burst++) {
            for (int i = 0; i < 1000; i++) {
                double v = burst * 1000.0 + i;
                c.sample(new PointSample(DEV, "motor_speed", v, Quality.GOOD, Instant.now(), Instant.now()));
            }
            Thread.sleep(20);
        }

        await("the loss records of the overflow, live")
                .atMost(Duration.ofSeconds(60))
                .until(() -> dropped(registry) > 0 && lostSent(recorder) >= dropped(registry));
        // A loss record sent but not receipted (no receipts here) that a later overflow drops is merged into the next
        // one: the counts sent may exceed the records dropped, never fall short of them.
        List<Metric> lost = recorder.of(MessageType.DDATA, DEV).stream()
                .flatMap(r -> r.metrics(MetricNames.BUFFER_LOST).stream())
                .toList();
        assertThat(lost).isNotEmpty();
        for (Metric m : lost) {
            Map<String, Object> props = Metrics.properties(m.getProperties());
            assertThat(m.getIsHistorical()).as("live: the device is born").isFalse();
            assertThat(props).containsKey(MetricNames.PROP_RID);
            assertThat(m.getProperties().getKeysList()).contains(MetricNames.PROP_LOST_FROM);
            long from = (Long) props.get(MetricNames.PROP_LOST_FROM);
            assertThat(from)
                    .isGreaterThanOrEqualTo(start.minusSeconds(5).toEpochMilli())
                    .isLessThanOrEqualTo(m.getTimestamp());
            assertThat(m.getLongValue()).isPositive();
        }
        assertThat(recorder.of(MessageType.DDATA, DEV).stream()
                        .flatMap(r -> r.payload().getMetricsList().stream())
                        .filter(m -> m.getName().equals(MetricNames.BUFFER_LOST))
                        .allMatch(m -> m.getDatatype() == 0 || m.getDatatype() == DataType.INT64.code()))
                .isTrue();
    }

    private static long dropped(SimpleMeterRegistry registry) {
        return Math.round(registry.find("floorlink.edge.buffer.dropped").counters().stream()
                .mapToDouble(x -> x.count())
                .sum());
    }

    private static long lostSent(SparkplugRecorder recorder) {
        return recorder.of(MessageType.DDATA, DEV).stream()
                .flatMap(r -> r.metrics(MetricNames.BUFFER_LOST).stream())
                .mapToLong(Metric::getLongValue)
                .sum();
    }
}
