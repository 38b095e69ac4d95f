package io.floorlink.collector.indicators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.floorlink.collector.inventory.Enterprise;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.profiles.ProfileLoader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two enterprises (Sparkplug groups) in one facts store with the same equipment ids and the same edge node id: each
 * enterprise's report equals the report of its facts alone, through one shared {@link FactsCache}, and the other
 * enterprise's sessions, rollups, declarations, static runs, uplink and gaps never reach it (facts keyed by group,
 * migration V8).
 */
class TwoEnterprisesOneStoreTest {
    private static final GoldenMonth MONTH = new GoldenMonth();
    private static final String OTHER = "ENT002";
    private static final Instant FROM = GoldenMonth.START;
    private static final Instant TO = GoldenMonth.START.plus(Duration.ofDays(30));
    private static final Clock CLOCK = Clock.fixed(GoldenMonth.END.plus(Duration.ofDays(1)), ZoneOffset.UTC);

    private static FactsFixture alone;
    private static FactsFixture together;

    @BeforeAll
    static void write() {
        alone = FactsFixture.h2();
        MONTH.write(alone);
        together = FactsFixture.h2();
        MONTH.write(together);
        writeOther(together.group(OTHER));
    }

    /**
     * Facts of ENT002 for the same devices and node: always connected, reads failing, a narrow eng range, a state
     * value and a static run the golden month has not, and gaps of its node and device. Merged into ENT001 they would
     * change every one of its figures.
     */
    private static void writeOther(FactsFixture other) {
        other.edgeSession("edge-01", FROM, null)
                .session("edge-01", GoldenMonth.SEW, FROM, null, false)
                .session("edge-01", GoldenMonth.IMM, FROM, null, false)
                .declaration("edge-01", GoldenMonth.SEW, "ok_count", "counter", 1000, 0.0, 1.0)
                .staticRun(GoldenMonth.IMM, "mold_temp", FROM, FROM.plus(Duration.ofDays(10)), 1.0)
                .gap("decode_errors", "edge-01", null, FROM.plus(Duration.ofDays(1)), FROM.plus(Duration.ofDays(2)), 5)
                .gap(
                        "quarantine",
                        null,
                        GoldenMonth.SEW,
                        FROM.plus(Duration.ofDays(3)),
                        FROM.plus(Duration.ofDays(4)),
                        1);
        List<FactsFixture.PointRow> rows = new ArrayList<>();
        for (int m = 0; m < 600; m++) {
            Instant bucket = FROM.plus(Duration.ofMinutes(m));
            rows.add(new FactsFixture.PointRow(
                    GoldenMonth.SEW, "ok_count", bucket, 60, 60, 0, 0, 0, 50.0, 90.0, 7.0, new long[16]));
            other.deviceMinute(GoldenMonth.SEW, bucket, 0, 100);
            other.stateMinute(GoldenMonth.SEW, "run_state", bucket, 9.0, 60_000);
        }
        other.points(rows);
    }

    private static IndicatorService service(FactsFixture facts, Inventory inventory, FactsCache cache) {
        return new IndicatorService(facts.dataSource(), inventory, ProfileLoader.shippedOnly(), CLOCK).withCache(cache);
    }

    private static Inventory otherInventory() {
        return Inventory.of(
                new Enterprise(OTHER, "Second enterprise", null), MONTH.inventory.sites(), MONTH.inventory.equipment());
    }

    @Test
    void eachEnterpriseGetsTheFiguresOfItsFactsAloneThroughOneSharedCache() {
        FactsCache shared = new FactsCache(FactsCache.DEFAULT_ENTRIES);
        IndicatorReport second = service(together, otherInventory(), shared).compute("pilot", FROM, TO);
        IndicatorReport first = service(together, MONTH.inventory, shared).compute("pilot", FROM, TO);
        IndicatorReport firstAgainCached =
                service(together, MONTH.inventory, shared).compute("pilot", FROM, TO);
        IndicatorReport firstAlone = service(alone, MONTH.inventory, new FactsCache(FactsCache.DEFAULT_ENTRIES))
                .compute("pilot", FROM, TO);

        assertThat(IndicatorLoadHarness.rounded(first)).isEqualTo(IndicatorLoadHarness.rounded(firstAlone));
        assertThat(IndicatorLoadHarness.rounded(firstAgainCached)).isEqualTo(IndicatorLoadHarness.rounded(firstAlone));
        MONTH.verify(service(together, MONTH.inventory, shared), FROM, TO, ScheduledTime.wholeWindow(FROM, TO));

        EquipmentIndicators sew = second.equipment().stream()
                .filter(e -> e.id().equals(GoldenMonth.SEW))
                .findFirst()
                .orElseThrow();
        assertThat(sew.onlineRatio().value()).as("ENT002's own sessions").isCloseTo(1.0, within(1e-9));
        assertThat(second.uplinks()).singleElement().satisfies(u -> {
            assertThat(u.groupId()).isEqualTo(OTHER);
            assertThat(u.edgeNodeId()).isEqualTo("edge-01");
            assertThat(u.uplinkAvailability().value()).isCloseTo(1.0, within(1e-9));
        });
        assertThat(second.dataTrust().gaps())
                .extracting(IndicatorReport.ReportGap::cause)
                .contains("decode_errors", "quarantine");
        assertThat(first.dataTrust().gaps())
                .as("ENT002's gaps stay out of ENT001's evidence")
                .noneMatch(g -> OTHER.equals(g.groupId()) || g.cause().equals("decode_errors"));
    }
}
