package io.floorlink.gateway.facts;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.PropertySet;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.PropertyValue;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The edge buffer's loss records ({@code _buffer/lost}) become edge_buffer_loss gaps, never point samples. */
class BufferLostFactsTest {
    private final FactsAggregator facts = new FactsAggregator();
    private final DeviceFacts device = facts.device("ENT001", "edge-01", "MOLD-01");

    private static Metric lost(long count, Long lostFrom, long ts, boolean historical) {
        Metric.Builder m = Metrics.metric(MetricNames.BUFFER_LOST, DataType.INT64, count)
                .setTimestamp(ts)
                .setIsHistorical(historical);
        if (lostFrom != null) {
            m.setProperties(PropertySet.newBuilder()
                    .addKeys(MetricNames.PROP_LOST_FROM)
                    .addValues(PropertyValue.newBuilder()
                            .setType(DataType.DATETIME.code())
                            .setLongValue(lostFrom)));
        }
        return m.build();
    }

    private List<PlatformGap> gaps() {
        return facts.takeBatch(List.of()).gaps();
    }

    @Test
    void aLossRecordIsAnEdgeBufferLossGapFromLostFromToJustAfterItsTimestamp() {
        facts.health(device, lost(1234, 1_000_000L, 1_060_000, true), MetricNames.BUFFER_LOST, 1_060_000);

        assertThat(gaps())
                .containsExactly(new PlatformGap(
                        PlatformGap.Cause.EDGE_BUFFER_LOSS,
                        "ENT001",
                        "edge-01",
                        "MOLD-01",
                        Instant.ofEpochMilli(1_000_000),
                        Instant.ofEpochMilli(1_060_001),
                        1234,
                        "edge buffer overflow: 1234 records dropped"));
    }

    @Test
    void aLiveLossRecordWithoutLostFromIsAGapOfItsTimestamp() {
        facts.health(device, lost(5, null, 2_000_000, false), MetricNames.BUFFER_LOST, 2_000_000);
        facts.health(device, lost(6, 3_000_000L, 2_500_000, false), MetricNames.BUFFER_LOST, 2_500_000);

        assertThat(gaps())
                .extracting(PlatformGap::from, PlatformGap::to, PlatformGap::events)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                Instant.ofEpochMilli(2_000_000), Instant.ofEpochMilli(2_000_001), 5L),
                        org.assertj.core.groups.Tuple.tuple(
                                Instant.ofEpochMilli(2_500_000), Instant.ofEpochMilli(2_500_001), 6L));
    }

    @Test
    void theBirthDeclarationWithZeroIsNothingAndNoPoint() {
        Metric declared = Metrics.metric(MetricNames.BUFFER_LOST, DataType.INT64, 0L)
                .setTimestamp(1)
                .build();
        facts.declare(device, Payload.newBuilder().addMetrics(declared).build(), 1, 1, (w, m, n) -> {});
        facts.health(device, declared, MetricNames.BUFFER_LOST, 1);

        assertThat(facts.point(device, MetricNames.BUFFER_LOST)).isNull();
        FactsBatch batch = facts.takeBatch(List.of());
        assertThat(batch.gaps()).isEmpty();
        assertThat(batch.declarations()).isEmpty();
    }
}
