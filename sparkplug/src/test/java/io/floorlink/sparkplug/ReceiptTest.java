package io.floorlink.sparkplug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiptTest {

    @Test
    void topicLiesOutsideTheSparkplugNamespace() {
        String topic = Receipt.topic("floorlink", "ENT001", "edge-01");
        assertThat(topic).isEqualTo("floorlink/v1/RECEIPT/floorlink/ENT001/edge-01");
        assertThat(topic).doesNotStartWith(Topic.NAMESPACE + "/");
        assertThatThrownBy(() -> Receipt.topic("floorlink", "ENT/001", "edge-01"))
                .hasMessageContaining("group_id");
    }

    @Test
    void describesRangesShortlyForALogLine() {
        assertThat(Receipt.describe(List.of())).isEqualTo("[]");
        assertThat(Receipt.describe(List.of(new long[] {1, 5}, new long[] {7, 9})))
                .isEqualTo("[1-5, 7-9]");
        List<long[]> many = new ArrayList<>();
        for (long i = 0; i < 10; i++) {
            many.add(new long[] {i * 10 + 1, i * 10 + 5});
        }
        assertThat(Receipt.describe(many))
                .isEqualTo("[1-5, 11-15, 21-25, 31-35, ... 2 more, 61-65, 71-75, 81-85, 91-95]");
    }

    @Test
    void roundTripsAndCoversItsRanges() {
        Receipt r = new Receipt(
                "floorlink", "e1", 1_733_280_000_000L, List.of(new long[] {1, 5000}, new long[] {5002, 5100}));
        byte[] json = r.toJson();
        assertThat(new String(json, StandardCharsets.UTF_8))
                .isEqualTo("{\"host\":\"floorlink\",\"epoch\":\"e1\",\"timestamp\":1733280000000,"
                        + "\"ranges\":[[1,5000],[5002,5100]]}");
        Receipt back = Receipt.parse(json);
        assertThat(back.hostId()).isEqualTo("floorlink");
        assertThat(back.epoch()).isEqualTo("e1");
        assertThat(back.covers(1)).isTrue();
        assertThat(back.covers(5000)).isTrue();
        assertThat(back.covers(5001)).isFalse();
        assertThat(back.covers(5050)).isTrue();
        assertThat(back.covers(5101)).isFalse();
        assertThat(back.covers(0)).isFalse();
    }

    @Test
    void refusesMalformedPayloadsNamingTheField() {
        assertThatThrownBy(() -> Receipt.parse("nope".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> Receipt.parse(
                        "{\"host\":\"h\",\"timestamp\":1,\"ranges\":[]}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("'epoch'");
        assertThatThrownBy(
                        () -> Receipt.parse("{\"host\":\"h\",\"epoch\":\"e\",\"timestamp\":1,\"ranges\":[[5,9],[1,2]]}"
                                .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("ascending");
        assertThatThrownBy(() -> Receipt.parse("{\"host\":\"h\",\"epoch\":\"e\",\"timestamp\":1,\"ranges\":[[0,2]]}"
                        .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("from");
    }

    @Test
    void boundsTheNumberOfRanges() {
        List<long[]> many = new ArrayList<>();
        for (int i = 0; i <= Receipt.MAX_RANGES; i++) {
            many.add(new long[] {2L * i + 1, 2L * i + 1});
        }
        assertThatThrownBy(() -> new Receipt("h", "e", 1, many)).hasMessageContaining("limit of 4096");
        assertThat(new Receipt("h", "e", 1, many.subList(0, Receipt.MAX_RANGES)).ranges())
                .hasSize(Receipt.MAX_RANGES);
    }
}
