package io.floorlink.sparkplug.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Quality;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HostSessionTest {
    private static final long T = 1_700_000_000_000L;

    private final HostSession<String> s = new HostSession<>("ENT001", "edge-01", 2_000, 5_000);

    private static Payload nbirth(Long bdSeq, Metric.Builder... extra) {
        Payload.Builder b = Payload.newBuilder().setTimestamp(T).setSeq(0);
        if (bdSeq != null) {
            b.addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, bdSeq));
        }
        b.addMetrics(Metrics.metric(MetricNames.REBIRTH, DataType.BOOLEAN, false));
        for (Metric.Builder m : extra) {
            b.addMetrics(m);
        }
        return b.build();
    }

    private static Payload ndeath(long bdSeq) {
        return Payload.newBuilder()
                .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, bdSeq))
                .build();
    }

    private static Payload dbirth(Metric.Builder... metrics) {
        Payload.Builder b = Payload.newBuilder().setTimestamp(T).setSeq(1);
        for (Metric.Builder m : metrics) {
            b.addMetrics(m);
        }
        return b.build();
    }

    private static Metric.Builder metric(String name, double value, long alias) {
        return Metrics.metric(name, DataType.DOUBLE, value).setAlias(alias).setTimestamp(T);
    }

    @Test
    @DisplayName("payloads-nbirth-bdseq: an NBIRTH without bdSeq or with a non-integer bdSeq opens no session")
    void payloads_nbirth_bdseq_missingOrNotIntegerIsRefused() {
        assertThat(s.nbirth(nbirth(null), T)).isEqualTo(HostSession.Birth.REFUSED_NO_BDSEQ);
        assertThat(s.isBorn()).isFalse();
        Payload stringBdSeq = Payload.newBuilder()
                .setSeq(0)
                .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.STRING, "3"))
                .build();
        assertThat(s.nbirth(stringBdSeq, T)).isEqualTo(HostSession.Birth.REFUSED_NO_BDSEQ);
        Payload doubleBdSeq = Payload.newBuilder()
                .setSeq(0)
                .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.DOUBLE, 3.0))
                .build();
        assertThat(s.nbirth(doubleBdSeq, T)).isEqualTo(HostSession.Birth.REFUSED_NO_BDSEQ);
        assertThat(s.isBorn()).isFalse();
        assertThat(s.view().bdSeq()).isNull();
        assertThat(s.nbirth(nbirth(3L), T)).isEqualTo(HostSession.Birth.OPENED);
        assertThat(s.isBorn()).isTrue();
        assertThat(s.bdSeq()).isEqualTo(3L);
    }

    @Test
    @DisplayName("rebirth requests (payloads-nbirth-rebirth-req) are throttled per node")
    void rebirthRequestsAreThrottledPerNode() {
        assertThat(s.rebirthDue(T)).isTrue();
        assertThat(s.rebirthDue(T + 4_999)).isFalse();
        assertThat(s.rebirthDue(T + 5_000)).isTrue();
        HostSession<String> other = new HostSession<>("ENT001", "edge-02", 2_000, 5_000);
        assertThat(other.rebirthDue(T + 5_001)).isTrue();
    }

    @Test
    @DisplayName(
            "payloads-ndeath-bdseq, topics-nbirth-bdseq-matching: an NDEATH with another bdSeq leaves the session open")
    void ndeathMustMatchTheBirthBdSeq() {
        s.nbirth(nbirth(7L), T);
        assertThat(s.ndeath(ndeath(6L), T + 1)).isFalse();
        assertThat(s.isBorn()).isTrue();
        assertThat(s.ndeath(ndeath(7L), T + 2)).isTrue();
        assertThat(s.isBorn()).isFalse();
        assertThat(s.view().lastDeath()).isEqualTo(T + 2);
        assertThat(s.ndeath(ndeath(7L), T + 3)).as("no session any more").isFalse();
    }

    @Test
    @DisplayName(
            "payloads-sequence-num-incrementing, operational-behavior-host-reordering-rebirth: in order, held ahead of a"
                    + " gap, released in order, gap given up at the deadline, late after")
    void seqReorderWindowAndGaps() {
        s.nbirth(nbirth(1L), T);
        assertThat(s.expectedSeq()).isEqualTo(1);
        assertThat(s.order(1L, "m1", T)).isEqualTo(HostSession.Order.NEXT);
        assertThat(s.order(3L, "m3", T + 10)).isEqualTo(HostSession.Order.HELD);
        assertThat(s.order(4L, "m4", T + 20)).isEqualTo(HostSession.Order.HELD);
        assertThat(s.heldCount()).isEqualTo(2);
        assertThat(s.gapDeadline()).isEqualTo(T + 10 + 2_000);
        assertThat(s.order(2L, "m2", T + 30)).isEqualTo(HostSession.Order.NEXT);
        List<String> released = new ArrayList<>();
        for (String m; (m = s.pollInOrder(T + 30)) != null; ) {
            released.add(m);
        }
        assertThat(released).containsExactly("m3", "m4");
        assertThat(s.expectedSeq()).isEqualTo(5);
        assertThat(s.gapDeadline()).isEqualTo(Long.MAX_VALUE);

        // a gap that is not filled: given up at the deadline, held ones released skipping it
        assertThat(s.order(7L, "m7", T + 100)).isEqualTo(HostSession.Order.HELD);
        assertThat(s.order(6L, "m6", T + 150)).isEqualTo(HostSession.Order.HELD);
        assertThat(s.pollInOrder(T + 150)).isNull();
        assertThat(s.gapDeadline()).isEqualTo(T + 150 + 2_000);
        assertThat(s.pollSkippingGaps()).isEqualTo("m6");
        assertThat(s.pollSkippingGaps()).isEqualTo("m7");
        assertThat(s.pollSkippingGaps()).isNull();
        assertThat(s.expectedSeq()).isEqualTo(8);
        // the missing one arriving afterwards is late, still processed
        assertThat(s.order(5L, "m5", T + 3_000)).isEqualTo(HostSession.Order.LATE);
    }

    @Test
    @DisplayName("payloads-sequence-num-zero-nbirth: the seq wraps from 255 to 0")
    void seqWraps() {
        s.nbirth(nbirth(1L), T);
        for (long i = 1; i <= 255; i++) {
            assertThat(s.order(i, "m", T)).isEqualTo(HostSession.Order.NEXT);
        }
        assertThat(s.order(0L, "m0", T)).isEqualTo(HostSession.Order.NEXT);
        assertThat(s.expectedSeq()).isEqualTo(1);
    }

    @Test
    @DisplayName("payloads-alias-uniqueness: aliases resolve per node and device across the node's births")
    void aliasesResolvePerOwner() {
        s.nbirth(nbirth(1L, metric("node/temp", 1.0, 1)), T);
        s.dbirth("D1", dbirth(metric("speed", 2.0, 2)), T);
        s.dbirth("D2", dbirth(metric("speed", 3.0, 3)), T);
        assertThat(s.resolveAlias(null, 1)).isEqualTo("node/temp");
        assertThat(s.resolveAlias("D1", 2)).isEqualTo("speed");
        assertThat(s.resolveAlias("D2", 3)).isEqualTo("speed");
        assertThat(s.resolveAlias("D1", 3)).as("another device's alias").isNull();
        assertThat(s.resolveAlias("D1", 1)).as("the node's alias").isNull();
        assertThat(s.resolveAlias("D1", 99)).isNull();
        // a DBIRTH replaces the device's aliases
        s.dbirth("D1", dbirth(metric("speed", 2.0, 12)), T);
        assertThat(s.resolveAlias("D1", 2)).isNull();
        assertThat(s.resolveAlias("D1", 12)).isEqualTo("speed");
        // a new NBIRTH drops everything
        s.nbirth(nbirth(2L), T + 1);
        assertThat(s.resolveAlias("D2", 3)).isNull();
    }

    @Test
    void aliasesDenseSparseAndNegativeResolveAndAreReplacedByTheNextBirth() {
        s.nbirth(nbirth(1L), T);
        List<Metric.Builder> many = new ArrayList<>();
        for (int a = 1; a <= 300; a++) {
            many.add(metric("p" + a, 1.0, a));
        }
        many.add(metric("far", 1.0, 5_000_000_000L));
        many.add(metric("wrapped", 1.0, -7L)); // a uint64 alias above Long.MAX_VALUE
        many.add(metric("late", 1.0, 1_000));
        s.dbirth("D1", dbirth(many.toArray(Metric.Builder[]::new)), T);
        // declared after D1's large aliases: the table grows past them and must still find them
        List<Metric.Builder> more = new ArrayList<>();
        for (int a = 1_001; a <= 1_999; a++) {
            more.add(metric("q" + a, 1.0, a));
        }
        s.dbirth("D2", dbirth(more.toArray(Metric.Builder[]::new)), T);
        assertThat(s.resolveAlias("D1", 1)).isEqualTo("p1");
        assertThat(s.resolveAlias("D1", 300)).isEqualTo("p300");
        assertThat(s.resolveAlias("D1", 1_000)).isEqualTo("late");
        assertThat(s.resolveAlias("D1", 5_000_000_000L)).isEqualTo("far");
        assertThat(s.resolveAlias("D1", -7L)).isEqualTo("wrapped");
        assertThat(s.resolveAlias("D2", 1_999)).isEqualTo("q1999");
        assertThat(s.resolveAlias("D2", 1_000)).as("D1's alias").isNull();
        assertThat(s.resolveAlias("D1", 0)).isNull();
        assertThat(s.resolveAlias("D1", 301)).isNull();
        // D1 births again with one alias: its others are gone, D2's stay
        s.dbirth("D1", dbirth(metric("p1", 1.0, 2_000)), T);
        assertThat(s.resolveAlias("D1", 1)).isNull();
        assertThat(s.resolveAlias("D1", 1_000)).isNull();
        assertThat(s.resolveAlias("D1", 5_000_000_000L)).isNull();
        assertThat(s.resolveAlias("D1", -7L)).isNull();
        assertThat(s.resolveAlias("D1", 2_000)).isEqualTo("p1");
        assertThat(s.resolveAlias("D2", 1_999)).isEqualTo("q1999");
        s.nbirth(nbirth(2L), T + 1);
        assertThat(s.resolveAlias("D2", 1_999)).isNull();
        assertThat(s.resolveAlias("D1", 2_000)).isNull();
    }

    @Test
    @DisplayName("operational-behavior-edge-node-termination-host-action-ndeath-node-tags-stale,"
            + " ...-ndeath-devices-tags-stale: after NDEATH every node and device metric is STALE")
    void ndeathMakesNodeAndDeviceMetricsStale() {
        s.nbirth(nbirth(4L, metric("node/temp", 1.0, 1)), T);
        s.dbirth("D1", dbirth(metric("speed", 2.0, 2)), T);
        s.update(
                "D1",
                "speed",
                Metrics.metric("speed", DataType.DOUBLE, 5.0)
                        .setProperties(Metrics.properties(Map.of(MetricNames.PROP_QUALITY, Quality.BAD.code())))
                        .build(),
                T + 10);
        LiveView.Node live = s.view();
        assertThat(live.online()).isTrue();
        assertThat(live.devices().get(0).metrics().get(0))
                .isEqualTo(new LiveView.Metric("speed", "DOUBLE", 5.0, Quality.BAD, T + 10, false));
        assertThat(s.ndeath(ndeath(4L), T + 20)).isTrue();
        LiveView.Node dead = s.view();
        assertThat(dead.online()).isFalse();
        assertThat(dead.metrics()).allMatch(LiveView.Metric::stale).isNotEmpty();
        assertThat(dead.devices()).singleElement().satisfies(d -> {
            assertThat(d.online()).isFalse();
            assertThat(d.stale()).isTrue();
            assertThat(d.metrics()).allMatch(LiveView.Metric::stale).isNotEmpty();
            assertThat(d.metrics().get(0).value()).as("last value kept").isEqualTo(5.0);
        });
        // a new birth makes them live again
        s.nbirth(nbirth(5L, metric("node/temp", 1.5, 1)), T + 30);
        assertThat(s.view().metrics()).noneMatch(LiveView.Metric::stale);
    }

    @Test
    @DisplayName("operational-behavior-edge-node-termination-host-action-ddeath-devices-tags-stale: after DDEATH"
            + " every metric of that device is STALE, others stay live")
    void ddeathMakesTheDeviceMetricsStale() {
        s.nbirth(nbirth(1L, metric("node/temp", 1.0, 1)), T);
        s.dbirth("D1", dbirth(metric("speed", 2.0, 2)), T);
        s.dbirth("D2", dbirth(metric("speed", 3.0, 3)), T);
        assertThat(s.ddeath("D1", T + 5)).isTrue();
        assertThat(s.ddeath("D9", T + 5)).isFalse();
        LiveView.Node v = s.view();
        assertThat(v.online()).isTrue();
        assertThat(v.metrics()).noneMatch(LiveView.Metric::stale);
        assertThat(v.devices().get(0).online()).isFalse();
        assertThat(v.devices().get(0).metrics()).allMatch(LiveView.Metric::stale);
        assertThat(v.devices().get(1).online()).isTrue();
        assertThat(v.devices().get(1).metrics()).noneMatch(LiveView.Metric::stale);
        // a later DBIRTH makes it live again
        s.dbirth("D1", dbirth(metric("speed", 4.0, 2)), T + 6);
        assertThat(s.view().devices().get(0).metrics()).noneMatch(LiveView.Metric::stale);
        assertThat(s.isDeviceOnline("D1")).isTrue();
    }

    @Test
    @DisplayName("live state is bounded by what births declare: undeclared metrics are not tracked")
    void undeclaredMetricsAreNotTracked() {
        s.nbirth(nbirth(1L), T);
        s.dbirth("D1", dbirth(metric("speed", 2.0, 2)), T);
        assertThat(s.update(
                        "D1",
                        "other",
                        Metrics.metric("other", DataType.DOUBLE, 1.0).build(),
                        T))
                .isFalse();
        assertThat(s.update(
                        "D9",
                        "speed",
                        Metrics.metric("speed", DataType.DOUBLE, 1.0).build(),
                        T))
                .isFalse();
        assertThat(s.view().devices().get(0).metrics()).hasSize(1);
    }

    @Test
    @DisplayName(
            "a DATA metric by alias updates the live value the birth declared; a rebirth starts with an empty slot")
    void aliasUpdatesTheLiveValueAndKeepsTheCallersStatePerDeclaration() {
        s.nbirth(nbirth(1L), T);
        s.dbirth(
                "D1",
                dbirth(
                        metric("speed", 2.0, 2),
                        Metrics.metric("ratio", DataType.FLOAT, 0.5f)
                                .setAlias(3)
                                .setTimestamp(T)),
                T);
        HostSession.Alias speed = s.alias("D1", 2);
        assertThat(speed.name()).isEqualTo("speed");
        assertThat(s.alias("D2", 2)).as("another device").isNull();
        assertThat(s.update(
                        speed,
                        Metric.newBuilder().setAlias(2).setDoubleValue(7.25).build(),
                        T + 5))
                .isTrue();
        assertThat(s.update(
                        s.alias("D1", 3),
                        Metric.newBuilder().setAlias(3).setFloatValue(0.75f).build(),
                        T + 6))
                .isTrue();
        assertThat(s.view().devices().get(0).metrics())
                .extracting(LiveView.Metric::name, LiveView.Metric::value, LiveView.Metric::timestamp)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("speed", 7.25, T + 5),
                        org.assertj.core.groups.Tuple.tuple("ratio", 0.75f, T + 6));

        Object state = new Object();
        speed.attach(state);
        assertThat(s.alias("D1", 2).attachment()).isSameAs(state);
        s.dbirth("D1", dbirth(metric("speed", 3.0, 2)), T + 1);
        assertThat(s.alias("D1", 2).attachment())
                .as("the rebirth's declaration has its own slot")
                .isNull();
        assertThat(s.update(
                        s.alias("D1", 2),
                        Metric.newBuilder().setAlias(2).setDoubleValue(9.5).build(),
                        T + 7))
                .isTrue();
        assertThat(s.view().devices().get(0).metrics())
                .extracting(LiveView.Metric::name, LiveView.Metric::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("speed", 9.5));
    }
}
