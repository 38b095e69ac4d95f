package io.floorlink.sparkplug;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.DataSet;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.MetaData;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The writer's bytes equal those of the payload built by copying each metric to add alias, rid and flag. */
class DataPayloadWriterTest {

    private static final List<Metric> METRICS = List.of(
            Metrics.metric("Line1/Speed", DataType.DOUBLE, 1234.5)
                    .setTimestamp(1_764_900_000_123L)
                    .build(),
            Metrics.metric("Line1/Count", DataType.UINT64, 98_765_432_101L)
                    .setTimestamp(1_764_900_000_124L)
                    .build(),
            Metrics.metric("Line1/Temp", DataType.FLOAT, 21.5f)
                    .setTimestamp(1L)
                    .setProperties(Metrics.properties(Map.of("Quality", 64)))
                    .build(),
            Metrics.metric("Line1/Mode", DataType.STRING, "自动 auto").build(),
            Metrics.metric("Line1/Run", DataType.BOOLEAN, true).build(),
            Metrics.metric("Line1/Neg", DataType.INT32, -7).build(),
            Metric.newBuilder()
                    .setName("Line1/Blob")
                    .setDatatype(17)
                    .setBytesValue(ByteString.copyFrom(new byte[] {0, 1, 2, (byte) 255}))
                    .setMetadata(MetaData.newBuilder().setContentType("application/octet-stream"))
                    .build(),
            Metric.newBuilder()
                    .setName("Line1/Null")
                    .setDatatype(DataType.INT16.code())
                    .setIsNull(true)
                    .setIsTransient(false)
                    .build(),
            Metric.newBuilder()
                    .setName("Line1/Old")
                    .setAlias(3)
                    .setIsHistorical(false)
                    .setDatasetValue(DataSet.newBuilder().setNumOfColumns(1).addColumns("c"))
                    .build(),
            Metric.newBuilder()
                    .setName("Line1/Unknown")
                    .setLongValue(5)
                    .setUnknownFields(UnknownFieldSet.newBuilder()
                            .addField(
                                    900,
                                    UnknownFieldSet.Field.newBuilder()
                                            .addVarint(42)
                                            .build())
                            .build())
                    .build());

    @Test
    void equalsThePayloadOfCopiedMetrics() {
        Random random = new Random(7);
        DataPayloadWriter writer = new DataPayloadWriter();
        for (int round = 0; round < 200; round++) {
            Payload.Builder expected = Payload.newBuilder().setTimestamp(1_764_900_000_000L + round);
            int n = 1 + random.nextInt(150);
            for (int i = 0; i < n; i++) {
                Metric m = METRICS.get(random.nextInt(METRICS.size()));
                long alias = random.nextBoolean() ? DataPayloadWriter.NO_ALIAS : random.nextInt(100_000);
                long rid = random.nextBoolean() ? DataPayloadWriter.NO_RID : 1 + random.nextLong(1L << 40);
                boolean historical = random.nextInt(4) == 0;
                writer.add(m, alias, rid, historical);
                expected.addMetrics(copied(m, alias, rid, historical));
            }
            long seq = round % 256;
            expected.setSeq(seq);
            assertThat(writer.size()).isEqualTo(n);
            byte[] bytes = writer.toByteArray(1_764_900_000_000L + round, seq);
            assertThat(bytes).isEqualTo(expected.build().toByteArray());
            assertThat(writer.size()).isZero();
        }
    }

    @Test
    void decodesToMetricsByAliasWithTheirRid() throws Exception {
        DataPayloadWriter writer = new DataPayloadWriter();
        writer.add(METRICS.get(2), 17, 4_000_000_001L, false);
        writer.add(METRICS.get(0), DataPayloadWriter.NO_ALIAS, DataPayloadWriter.NO_RID, true);

        Payload p = Payload.parseFrom(writer.toByteArray(5, 6));

        assertThat(p.getTimestamp()).isEqualTo(5);
        assertThat(p.getSeq()).isEqualTo(6);
        Metric byAlias = p.getMetrics(0);
        assertThat(byAlias.hasName()).isFalse();
        assertThat(byAlias.getAlias()).isEqualTo(17);
        assertThat(Metrics.properties(byAlias.getProperties()))
                .containsExactly(Map.entry("Quality", 64), Map.entry(MetricNames.PROP_RID, 4_000_000_001L));
        assertThat(byAlias.getFloatValue()).isEqualTo(21.5f);
        Metric byName = p.getMetrics(1);
        assertThat(byName.getName()).isEqualTo("Line1/Speed");
        assertThat(byName.getIsHistorical()).isTrue();
        assertThat(byName.hasProperties()).isFalse();
    }

    @Test
    void anEmptyPayloadHasTimestampAndSeqOnly() throws Exception {
        Payload p = Payload.parseFrom(new DataPayloadWriter().toByteArray(9, 255));
        assertThat(p.getMetricsList()).isEqualTo(new ArrayList<Metric>());
        assertThat(p.getSeq()).isEqualTo(255);
    }

    private static Metric copied(Metric m, long alias, long rid, boolean historical) {
        Metric.Builder b = m.toBuilder();
        if (alias != DataPayloadWriter.NO_ALIAS) {
            b.clearName().setAlias(alias);
        }
        if (rid != DataPayloadWriter.NO_RID) {
            b.getPropertiesBuilder()
                    .addKeys(MetricNames.PROP_RID)
                    .addValues(Metrics.properties(Map.of(MetricNames.PROP_RID, rid))
                            .getValues(0));
        }
        if (historical) {
            b.setIsHistorical(true);
        }
        return b.build();
    }
}
