package io.floorlink.sparkplug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Golden payloads whose bytes were encoded by hand from the wire format of specification 6.4.1. */
class PayloadGoldenTest {

    private static byte[] golden(String name) throws IOException {
        try (InputStream in = PayloadGoldenTest.class.getResourceAsStream("/testcases/" + name + "/payload.hex")) {
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
    }

    @Test
    void decodesAndReencodesMinimalNbirth() throws IOException {
        byte[] bytes = golden("nbirth-minimal");
        Payload p = Metrics.decode("spBv1.0/G/NBIRTH/E", bytes);

        assertThat(p.getTimestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(p.getSeq()).isZero();
        assertThat(p.getMetricsList())
                .extracting(Metric::getName)
                .containsExactly(MetricNames.BD_SEQ, MetricNames.REBIRTH);
        assertThat(Metrics.value(
                        p.getMetrics(0), DataType.fromCode(p.getMetrics(0).getDatatype())))
                .isEqualTo(7L);
        assertThat(Metrics.value(p.getMetrics(1), DataType.BOOLEAN)).isEqualTo(false);

        Payload built = Payload.newBuilder()
                .setTimestamp(1_700_000_000_000L)
                .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, 7L))
                .addMetrics(Metrics.metric(MetricNames.REBIRTH, DataType.BOOLEAN, false))
                .setSeq(0)
                .build();
        assertThat(built.toByteArray()).isEqualTo(bytes);
    }

    @Test
    void decodesHistoricalValueSignedIntAndQualityProperty() throws IOException {
        byte[] bytes = golden("ddata-quality");
        Payload p = Metrics.decode("spBv1.0/G/DDATA/E/D", bytes);

        assertThat(p.getSeq()).isEqualTo(42);
        Metric temp = p.getMetrics(0);
        assertThat(temp.getIsHistorical()).isTrue();
        assertThat(temp.getTimestamp()).isEqualTo(1_700_000_000_123L);
        assertThat(Metrics.value(temp, DataType.DOUBLE)).isEqualTo(21.5);
        assertThat(Metrics.quality(temp)).isEqualTo(Quality.GOOD);

        Metric speed = p.getMetrics(1);
        assertThat(Metrics.value(speed, DataType.INT16)).isEqualTo(-3);
        assertThat(Metrics.quality(speed)).isEqualTo(Quality.BAD);

        Payload built = Payload.newBuilder()
                .setTimestamp(1_700_000_000_200L)
                .addMetrics(Metrics.metric("temp", DataType.DOUBLE, 21.5)
                        .setTimestamp(1_700_000_000_123L)
                        .setIsHistorical(true))
                .addMetrics(Metrics.metric("speed", DataType.INT16, -3)
                        .setProperties(Metrics.properties(Map.of(MetricNames.PROP_QUALITY, Quality.BAD.code()))))
                .setSeq(42)
                .build();
        // Field order inside a metric follows field numbers, so re-encoding must give the golden bytes.
        assertThat(built.toByteArray()).isEqualTo(bytes);
    }

    @Test
    void unsignedTypesSurviveTheRoundTrip() {
        Metric u32 = Metrics.metric("c", DataType.UINT32, 4_000_000_000L).build();
        assertThat(Metrics.value(u32, DataType.UINT32)).isEqualTo(4_000_000_000L);
        Metric u16 = Metrics.metric("c", DataType.UINT16, 65_535).build();
        assertThat(Metrics.value(u16, DataType.UINT16)).isEqualTo(65_535);
        Metric i8 = Metrics.metric("c", DataType.INT8, -128).build();
        assertThat(Metrics.value(i8, DataType.INT8)).isEqualTo(-128);
        Metric nul = Metrics.metric("c", DataType.DOUBLE, null).build();
        assertThat(Metrics.value(nul, DataType.DOUBLE)).isNull();
    }

    @Test
    void garbageIsRejectedWithTheTopic() {
        assertThatThrownBy(() -> Metrics.decode("spBv1.0/G/DDATA/E/D", new byte[] {(byte) 0xff, 0x01}))
                .isInstanceOf(SparkplugException.class)
                .hasMessageContaining("spBv1.0/G/DDATA/E/D");
        assertThatThrownBy(() -> Metrics.metric("x", DataType.BOOLEAN, "yes"))
                .hasMessageContaining("'x'")
                .hasMessageContaining("BOOLEAN");
    }
}
