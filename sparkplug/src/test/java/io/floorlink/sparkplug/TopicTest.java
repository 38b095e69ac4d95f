package io.floorlink.sparkplug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicTest {

    @Test
    void parsesAndBuildsEveryKind() {
        Topic d = Topic.parse("spBv1.0/ENT001/DDATA/edge-01/SEW-01");
        assertThat(d).isEqualTo(Topic.device("ENT001", MessageType.DDATA, "edge-01", "SEW-01"));
        assertThat(d.toString()).isEqualTo("spBv1.0/ENT001/DDATA/edge-01/SEW-01");

        Topic n = Topic.parse("spBv1.0/ENT001/NBIRTH/edge-01");
        assertThat(n.type()).isEqualTo(MessageType.NBIRTH);
        assertThat(n.deviceId()).isNull();
        assertThat(n.toString()).isEqualTo("spBv1.0/ENT001/NBIRTH/edge-01");

        Topic s = Topic.parse("spBv1.0/STATE/floorlink");
        assertThat(s).isEqualTo(Topic.state("floorlink"));
        assertThat(s.toString()).isEqualTo("spBv1.0/STATE/floorlink");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "spAv1.0/G/NDATA/E",
                "spBv1.0/G/NDATA",
                "spBv1.0/G/DDATA/E",
                "spBv1.0/G/NDATA/E/D",
                "spBv1.0/G/FOO/E",
                "spBv1.0/STATE/a/b",
                "spBv1.0//NDATA/E"
            })
    void rejectsMalformedTopics(String topic) {
        assertThatThrownBy(() -> Topic.parse(topic)).isInstanceOf(SparkplugException.class);
    }

    @Test
    void rejectsWildcardsInIds() {
        assertThatThrownBy(() -> Topic.device("G", MessageType.DDATA, "E", "a+b"))
                .hasMessageContaining("device_id");
    }

    @Test
    void sequenceWrapsAt256() {
        assertThat(Sequence.next(255)).isZero();
        assertThat(Sequence.next(0)).isEqualTo(1);
        assertThat(Sequence.follows(255, 0)).isTrue();
        assertThat(Sequence.follows(3, 5)).isFalse();
        assertThat(Sequence.missingBetween(3, 5)).isEqualTo(1);
        assertThat(Sequence.missingBetween(250, 2)).isEqualTo(7);
        assertThat(Sequence.missingBetween(9, 9)).isEqualTo(255);
        assertThatThrownBy(() -> Sequence.next(256)).isInstanceOf(SparkplugException.class);
    }

    @Test
    void stateMessageRoundTrips() {
        StateMessage m = new StateMessage(true, 1_700_000_000_000L);
        assertThat(StateMessage.parse(m.toJson())).isEqualTo(m);
        assertThatThrownBy(() -> StateMessage.parse("{\"online\":1}".getBytes()))
                .isInstanceOf(SparkplugException.class);
    }

    @Test
    void qualityCodes() {
        assertThat(Quality.fromCode(192)).isEqualTo(Quality.GOOD);
        assertThat(Quality.fromCode(216)).isEqualTo(Quality.GOOD);
        assertThat(Quality.fromCode(64)).isEqualTo(Quality.UNCERTAIN);
        assertThat(Quality.fromCode(0)).isEqualTo(Quality.BAD);
    }
}
