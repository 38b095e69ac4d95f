package io.floorlink.collector.indicators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.floorlink.collector.inventory.Enterprise;
import io.floorlink.collector.inventory.Equipment;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.Line;
import io.floorlink.collector.inventory.PointRequirement;
import io.floorlink.collector.inventory.Site;
import io.floorlink.collector.inventory.Workshop;
import io.floorlink.sparkplug.Category;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Data-trust flags: a known gap of the platform (platform_gap) flags the figures over it, and time the platform did
 * not observe and has no facts of is "not known", left out of online_ratio and completeness (INDICATORS.md: device
 * vs edge vs uplink vs platform outage). Scenario: a sewing machine connected for 54 of 60 minutes, the other 6
 * minutes (24..30) being either a device outage or a gateway outage.
 */
class DataTrustTest {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final Instant T1 = T0.plus(Duration.ofHours(1));
    private static final Instant GAP_FROM = T0.plus(Duration.ofMinutes(24));
    private static final Instant GAP_TO = T0.plus(Duration.ofMinutes(30));

    private static final List<PointRequirement> TWO_POINTS = List.of(
            new PointRequirement("run_state", Category.STATE, Duration.ofSeconds(1)),
            new PointRequirement("stitch_count", Category.COUNTER, Duration.ofSeconds(1)));

    private final FactsFixture facts = FactsFixture.h2();

    private static Inventory inventory(String... ids) {
        return Inventory.of(
                new Enterprise("ENT001", "Demo Garments", null),
                List.of(new Site(
                        "S1", "Plant 1", List.of(new Workshop("W1", "Sewing", List.of(new Line("L1", null)))))),
                java.util.Arrays.stream(ids)
                        .map(id -> new Equipment(id, "L1", true, true, false, TWO_POINTS))
                        .toList());
    }

    private IndicatorService service(Inventory inventory) {
        return new IndicatorService(
                facts.dataSource(),
                inventory,
                Thresholds.defaults(),
                Clock.fixed(T1.plusSeconds(3600), ZoneOffset.UTC));
    }

    /**
     * Connected 0..24 and 30..60 through {@code edge}, good samples and 120 reads per minute while connected; the
     * minutes 24..30 hold facts only when {@code edgeReportedTheGap} (the edge replayed its health counters: 0 ok,
     * 120 failed).
     */
    private void sewingMachine(String edge, String device, boolean edgeReportedTheGap) {
        facts.session(edge, device, T0, GAP_FROM, false).session(edge, device, GAP_TO, T1, false);
        facts.declaration(edge, device, "run_state", "state", 1000, null, null)
                .declaration(edge, device, "stitch_count", "counter", 1000, null, null);
        for (int m = 0; m < 60; m++) {
            Instant bucket = T0.plus(Duration.ofMinutes(m));
            boolean inGap = !bucket.isBefore(GAP_FROM) && bucket.isBefore(GAP_TO);
            if (!inGap) {
                facts.pointMinute(device, "run_state", bucket, 60).pointMinute(device, "stitch_count", bucket, 60);
                facts.deviceMinute(device, bucket, 120, 0);
            } else if (edgeReportedTheGap) {
                facts.deviceMinute(device, bucket, 0, 120);
            }
        }
    }

    @Test
    void withoutAPlatformGapSixMinutesOffIsADeviceOutage() {
        sewingMachine("edge-01", "SEW-01", false);

        IndicatorReport r = service(inventory("SEW-01")).compute("pilot", T0, T1);
        EquipmentIndicators e = r.equipment().get(0);

        assertThat(e.onlineRatio().value()).isCloseTo(0.90, within(1e-9));
        assertThat(e.completeness().value()).isCloseTo(0.90, within(1e-9));
        assertThat(e.notKnownSeconds()).isZero();
        assertThat(e.dataTrust()).isEmpty();
        assertThat(r.dataTrust().status()).isEqualTo(IndicatorReport.TRUST_COMPLETE);
        assertThat(r.dataTrust().gaps()).isEmpty();
    }

    @Test
    void gatewayDownWithoutFactsIsNotKnownAndLeftOutOfOnlineRatioAndCompleteness() {
        sewingMachine("edge-01", "SEW-01", false);
        facts.gap("gateway_down", null, null, GAP_FROM, GAP_TO, 0);

        IndicatorReport r = service(inventory("SEW-01")).compute("pilot", T0, T1);
        EquipmentIndicators e = r.equipment().get(0);

        assertThat(e.onlineRatio().value()).isCloseTo(1.0, within(1e-9));
        assertThat(e.onlineRatio().numerator().doubleValue()).isCloseTo(3240, within(1e-6));
        assertThat(e.onlineRatio().denominator().doubleValue()).isCloseTo(3240, within(1e-6));
        assertThat(e.onlineRatio().denominatorLabel()).contains("not known");
        assertThat(e.onlineRatio().parameters()).containsEntry("not_known_s", 360.0);
        assertThat(e.completeness().value()).isCloseTo(1.0, within(1e-9));
        assertThat(e.completeness().denominator().doubleValue()).isCloseTo(3240 * 2, within(1e-6));
        assertThat(e.notKnownSeconds()).isCloseTo(360, within(1e-9));
        assertThat(e.dataTrust()).singleElement().satisfies(f -> {
            assertThat(f.cause()).isEqualTo("gateway_down");
            assertThat(f.scope()).isEqualTo("platform");
            assertThat(f.from()).isEqualTo(GAP_FROM);
            assertThat(f.to()).isEqualTo(GAP_TO);
            assertThat(f.notKnownTime()).isTrue();
            assertThat(f.notKnownSeconds()).isCloseTo(360, within(1e-9));
        });
        assertThat(r.dataTrust().status()).isEqualTo(IndicatorReport.TRUST_FLAGGED);
        assertThat(r.dataTrust().summary()).contains("gateway_down").contains("360 s");
        assertThat(r.dataTrust().gaps()).singleElement().satisfies(g -> {
            assertThat(g.equipment()).isEqualTo(1);
            assertThat(g.fromLocal()).isEqualTo("2026-03-02T16:24+08:00");
        });
        assertThat(r.indicators().get("online_ratio").value()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void minutesTheEdgeReportedDuringTheGapAreKnownAndCountAgainstTheDevice() {
        sewingMachine("edge-01", "SEW-01", true);
        facts.gap("gateway_down", null, null, GAP_FROM, GAP_TO, 0);

        EquipmentIndicators e = service(inventory("SEW-01")).equipment("SEW-01", T0, T1);

        assertThat(e.onlineRatio().value()).isCloseTo(0.90, within(1e-9));
        assertThat(e.notKnownSeconds()).isZero();
        assertThat(e.dataTrust()).singleElement().satisfies(f -> {
            assertThat(f.cause()).isEqualTo("gateway_down");
            assertThat(f.notKnownSeconds()).isZero();
        });
    }

    @Test
    void aMinuteTheGapCutsIsNotKnownForItsPartInsideTheGap() {
        // live until 24:00, the gateway dies at 24:30 and is back at 30:00; minute 24 holds the live reads before it
        sewingMachine("edge-01", "SEW-01", false);
        facts.deviceMinute("SEW-01", GAP_FROM, 60, 0);
        facts.gap("gateway_down", null, null, GAP_FROM.plusSeconds(30), GAP_TO, 0);

        EquipmentIndicators e = service(inventory("SEW-01")).equipment("SEW-01", T0, T1);

        assertThat(e.notKnownSeconds()).isCloseTo(330, within(1e-9));
        assertThat(e.onlineRatio().value()).isCloseTo(3240.0 / 3270, within(1e-9));
    }

    @Test
    void anEdgeBufferLossIsNotKnownEvenWhereMinutesHoldWhatWasKept() {
        sewingMachine("edge-01", "SEW-01", true);
        facts.gap("edge_buffer_loss", "edge-01", "SEW-01", GAP_FROM, GAP_TO, 700);

        EquipmentIndicators e = service(inventory("SEW-01")).equipment("SEW-01", T0, T1);

        assertThat(e.notKnownSeconds()).isCloseTo(360, within(1e-9));
        assertThat(e.onlineRatio().value()).isCloseTo(1.0, within(1e-9));
        assertThat(e.dataTrust()).singleElement().satisfies(f -> assertThat(f.events())
                .isEqualTo(700));
    }

    @Test
    void lossRecordsOfConsecutiveReadCyclesAreOneLoss() {
        sewingMachine("edge-01", "SEW-01", false);
        // the buffer dropped one read cycle a second, each loss record spanning the few ms of its cycle
        for (int i = 0; i < 360; i++) {
            Instant cycle = GAP_FROM.plusSeconds(i);
            facts.gap("edge_buffer_loss", "edge-01", "SEW-01", cycle, cycle.plusMillis(3), 2);
        }

        EquipmentIndicators e = service(inventory("SEW-01")).equipment("SEW-01", T0, T1);

        assertThat(e.dataTrust()).singleElement().satisfies(f -> {
            assertThat(f.intervals()).isEqualTo(360);
            assertThat(f.events()).isEqualTo(720);
            assertThat(f.from()).isEqualTo(GAP_FROM);
            assertThat(f.to()).isEqualTo(GAP_FROM.plusSeconds(359).plusMillis(3));
        });
        assertThat(e.notKnownSeconds()).isCloseTo(359.003, within(1e-6));
    }

    @Test
    void informationalGapsFlagTheFiguresWithoutChangingThem() {
        sewingMachine("edge-01", "SEW-01", false);
        facts.gap("store_unreachable", null, null, GAP_FROM, GAP_TO, 0)
                .gap(
                        "decode_errors",
                        "edge-01",
                        null,
                        T0.plus(Duration.ofMinutes(40)),
                        T0.plus(Duration.ofMinutes(41)),
                        7);

        EquipmentIndicators e = service(inventory("SEW-01")).equipment("SEW-01", T0, T1);

        assertThat(e.onlineRatio().value()).isCloseTo(0.90, within(1e-9));
        assertThat(e.notKnownSeconds()).isZero();
        assertThat(e.dataTrust())
                .extracting(EquipmentIndicators.GapFlag::cause, EquipmentIndicators.GapFlag::notKnownTime)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("store_unreachable", false),
                        org.assertj.core.groups.Tuple.tuple("decode_errors", false));
        assertThat(e.dataTrust().get(1).events()).isEqualTo(7);
        assertThat(e.dataTrust().get(1).scope()).isEqualTo("edge_node");
    }

    @Test
    void anEdgeNodeOrDeviceGapConcernsOnlyItsEquipment() {
        sewingMachine("edge-01", "SEW-01", false);
        sewingMachine("edge-02", "SEW-02", false);
        sewingMachine("edge-02", "SEW-03", false);
        facts.gap("edge_buffer_loss", "edge-02", "SEW-02", GAP_FROM, GAP_TO, 4321)
                .gap("decode_errors", "edge-02", null, GAP_FROM, GAP_FROM.plusSeconds(60), 3);

        IndicatorReport r = service(inventory("SEW-01", "SEW-02", "SEW-03")).compute("pilot", T0, T1);

        EquipmentIndicators sew1 = r.equipment().get(0);
        EquipmentIndicators sew2 = r.equipment().get(1);
        EquipmentIndicators sew3 = r.equipment().get(2);
        assertThat(sew1.dataTrust()).isEmpty();
        assertThat(sew1.onlineRatio().value()).isCloseTo(0.90, within(1e-9));
        assertThat(sew2.dataTrust())
                .extracting(EquipmentIndicators.GapFlag::cause)
                .containsExactlyInAnyOrder("edge_buffer_loss", "decode_errors");
        assertThat(sew2.onlineRatio().value()).isCloseTo(1.0, within(1e-9));
        assertThat(sew3.dataTrust())
                .extracting(EquipmentIndicators.GapFlag::cause)
                .containsExactly("decode_errors");
        assertThat(sew3.onlineRatio().value()).isCloseTo(0.90, within(1e-9));
        // scope online ratio: (3240 + 3240 + 3240) online over (3600 + 3240 + 3600) known scheduled seconds
        assertThat(r.indicators().get("online_ratio").value()).isCloseTo(9720.0 / 10440, within(1e-9));
        assertThat(r.dataTrust().gaps())
                .extracting(IndicatorReport.ReportGap::cause, IndicatorReport.ReportGap::equipment)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("decode_errors", 2),
                        org.assertj.core.groups.Tuple.tuple("edge_buffer_loss", 1));
        assertThat(r.dataTrust().notKnownSeconds()).isCloseTo(360, within(1e-9));
    }

    @Test
    void aGapOutsideTheWindowFlagsNothing() {
        sewingMachine("edge-01", "SEW-01", false);
        facts.gap("gateway_down", null, null, T1, T1.plusSeconds(600), 0)
                .gap("gateway_down", null, null, T0.minusSeconds(600), T0, 0);

        IndicatorReport r = service(inventory("SEW-01")).compute("pilot", T0, T1);

        assertThat(r.equipment().get(0).dataTrust()).isEmpty();
        assertThat(r.dataTrust().status()).isEqualTo(IndicatorReport.TRUST_COMPLETE);
    }

    @Test
    void aGapCoveringAllOfSMakesTheOnlineRatioNotKnownInsteadOfZero() {
        facts.gap("gateway_down", null, null, T0.minusSeconds(60), T1.plusSeconds(60), 0);

        EquipmentIndicators e = service(inventory("SEW-01")).equipment("SEW-01", T0, T1);

        assertThat(e.onlineRatio().value()).isNull();
        assertThat(e.onlineRatio().reason()).contains("not known").contains("gateway_down");
        assertThat(e.completeness().value()).isNull();
        assertThat(e.networked().value()).isFalse();
        assertThat(e.notKnownSeconds()).isCloseTo(3600, within(1e-9));
    }

    @Test
    void manyGapsOfOneKindAreMergedAndBoundedWithoutLosingTheirCounts() {
        sewingMachine("edge-01", "SEW-01", false);
        // touching minutes merge into one flag
        for (int m = 0; m < 10; m++) {
            facts.gap("decode_errors", "edge-01", null, T0.plusSeconds(60L * m), T0.plusSeconds(60L * (m + 1)), 2);
        }
        // one every other 20 s: 150 separate gaps from minute 10 on
        for (int i = 0; i < 150; i++) {
            Instant from = T0.plus(Duration.ofMinutes(10)).plusSeconds(20L * i);
            facts.gap("quarantine", null, null, from, from.plusSeconds(10), 1);
        }

        EquipmentIndicators e = service(inventory("SEW-01")).equipment("SEW-01", T0, T1);

        List<EquipmentIndicators.GapFlag> decode = e.dataTrust().stream()
                .filter(f -> f.cause().equals("decode_errors"))
                .toList();
        assertThat(decode).singleElement().satisfies(f -> {
            assertThat(f.intervals()).isEqualTo(10);
            assertThat(f.events()).isEqualTo(20);
            assertThat(f.to()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        });
        List<EquipmentIndicators.GapFlag> quarantine = e.dataTrust().stream()
                .filter(f -> f.cause().equals("quarantine"))
                .toList();
        assertThat(quarantine).hasSize(DataTrust.MAX_FLAGS_PER_KIND);
        assertThat(quarantine.stream()
                        .mapToLong(EquipmentIndicators.GapFlag::events)
                        .sum())
                .isEqualTo(150);
        assertThat(quarantine.stream()
                        .mapToInt(EquipmentIndicators.GapFlag::intervals)
                        .sum())
                .isEqualTo(150);
    }
}
