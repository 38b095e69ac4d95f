package io.floorlink.edge.connector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Point;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Status;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.TimeFormat;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Timestamp;
import io.floorlink.edge.point.PointSample;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PayloadDecoderTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final Instant RECEIVED = Instant.parse("2026-03-01T00:00:30Z");

    private static Point point(String id, String pointer, DataType type, Map<String, Double> map) {
        return new Point(id, pointer, type, map, Category.PROCESS, Duration.ofSeconds(1), null, null, null);
    }

    private static PayloadDecoder.Decoded decode(String payload, List<Point> points, Timestamp ts) {
        return PayloadDecoder.decode("ST-01", payload.getBytes(StandardCharsets.UTF_8), points, ts, SHANGHAI, RECEIVED);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "1772323200|auto|2026-03-01T00:00:00Z",
                "1772323200.25|auto|2026-03-01T00:00:00.250Z",
                "1772323200250|auto|2026-03-01T00:00:00.250Z",
                "1772323200250|epoch_ms|2026-03-01T00:00:00.250Z",
                "1772323200|epoch_s|2026-03-01T00:00:00Z",
                "\"2026-03-01T08:00:00+08:00\"|auto|2026-03-01T00:00:00Z",
                "\"2026-03-01T00:00:00.5Z\"|iso|2026-03-01T00:00:00.500Z",
                "\"2026-03-01T08:00:00\"|iso|2026-03-01T00:00:00Z",
                "\"2026-03-01 08:00:00\"|auto|2026-03-01T00:00:00Z",
                "\"1772323200\"|auto|2026-03-01T00:00:00Z"
            })
    void timestampsWithAndWithoutOffsetBecomeInstants(String json, String format, String expected) {
        var r = decode(
                "{\"ts\":" + json + ",\"v\":1}",
                List.of(point("v", "/v", DataType.DOUBLE, null)),
                new Timestamp("/ts", TimeFormat.parse(format)));
        assertThat(r.failed()).as(r.problem()).isZero();
        assertThat(r.samples()).singleElement().satisfies(s -> {
            assertThat(s.sourceTime()).isEqualTo(Instant.parse(expected));
            assertThat(s.readTime()).isEqualTo(RECEIVED);
        });
    }

    @Test
    void withoutTimestampFieldTheReceiveTimeIsTheSourceTime() {
        var r = decode("{\"v\":2.5}", List.of(point("v", "/v", DataType.DOUBLE, null)), null);
        assertThat(r.samples()).singleElement().satisfies(s -> {
            assertThat(s.value()).isEqualTo(2.5);
            assertThat(s.sourceTime()).isEqualTo(RECEIVED);
        });
    }

    @Test
    void typedFieldsAndEnumMapsAreConverted() {
        var r = decode(
                "{\"state\":\"RUNNING\",\"counts\":{\"ok\":41,\"ng\":\"2\"},\"pass\":true,\"ct\":12.5,\"name\":\"X\"}",
                List.of(
                        point("state", "/state", null, Map.of("IDLE", 0.0, "RUNNING", 1.0)),
                        point("ok", "/counts/ok", DataType.INT64, null),
                        point("ng", "/counts/ng", DataType.UINT32, null),
                        point("pass", "/pass", DataType.BOOLEAN, null),
                        point("ct", "/ct", DataType.FLOAT, null),
                        point("name", "/name", DataType.STRING, null)),
                null);
        assertThat(r.ok()).isEqualTo(6);
        assertThat(r.failed()).isZero();
        assertThat(r.samples()).extracting(PointSample::value).containsExactly(1, 41L, 2L, true, 12.5f, "X");
    }

    @Test
    void eachBadFieldIsOneFailedReadAndTheOthersStillCount() {
        var r = decode(
                "{\"state\":\"EXPLODED\",\"ok\":1.5,\"ct\":3}",
                List.of(
                        point("state", "/state", null, Map.of("IDLE", 0.0)),
                        point("ok", "/ok", DataType.INT32, null),
                        point("missing", "/nope", DataType.DOUBLE, null),
                        point("ct", "/ct", DataType.DOUBLE, null)),
                null);
        assertThat(r.ok()).isEqualTo(1);
        assertThat(r.failed()).isEqualTo(3);
        assertThat(r.problem()).isEqualTo("point state: 'EXPLODED' is not in the map");
        assertThat(r.samples()).extracting(PointSample::pointId).containsExactly("ct");
    }

    @Test
    void malformedJsonFailsEveryPoint() {
        var points = List.of(point("a", "/a", DataType.DOUBLE, null), point("b", "/b", DataType.DOUBLE, null));
        var r = decode("{\"a\": 1, ", points, null);
        assertThat(r.ok()).isZero();
        assertThat(r.failed()).isEqualTo(2);
        assertThat(r.samples()).isEmpty();
        assertThat(decode("42", points, null).failed()).isEqualTo(2);
    }

    @Test
    void badTimestampFailsTheWholeMessage() {
        var r = decode(
                "{\"ts\":\"yesterday\",\"v\":1}",
                List.of(point("v", "/v", DataType.DOUBLE, null)),
                new Timestamp("/ts", TimeFormat.AUTO));
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.problem()).contains("timestamp /ts").contains("not an ISO-8601 time");
    }

    @Test
    void plainPayloadsAreTheValue() {
        assertThat(decode(" 23.5\n", List.of(point("t", null, DataType.DOUBLE, null)), null)
                        .samples())
                .singleElement()
                .extracting(PointSample::value)
                .isEqualTo(23.5);
        assertThat(decode("ON", List.of(point("b", null, DataType.BOOLEAN, null)), null)
                        .samples())
                .singleElement()
                .extracting(PointSample::value)
                .isEqualTo(true);
        assertThat(decode("FAULT", List.of(point("s", null, null, Map.of("FAULT", 3.0))), null)
                        .samples())
                .singleElement()
                .extracting(PointSample::value)
                .isEqualTo(3);
        assertThat(decode("abc", List.of(point("t", null, DataType.DOUBLE, null)), null)
                        .failed())
                .isEqualTo(1);
        assertThat(decode("300", List.of(point("t", null, DataType.UINT8, null)), null)
                        .problem())
                .isEqualTo("point t: 300 is out of range for uint8");
    }

    @Test
    void statusPayloadsPlainAndJson() {
        Status plain = new Status("s", null, null, null);
        assertThat(PayloadDecoder.status("online".getBytes(StandardCharsets.UTF_8), plain))
                .isTrue();
        assertThat(PayloadDecoder.status("OFFLINE".getBytes(StandardCharsets.UTF_8), plain))
                .isFalse();
        assertThat(PayloadDecoder.status("maybe".getBytes(StandardCharsets.UTF_8), plain))
                .isNull();
        Status json = new Status("s", "/state", "1", "0");
        assertThat(PayloadDecoder.status("{\"state\":0}".getBytes(StandardCharsets.UTF_8), json))
                .isFalse();
    }
}
