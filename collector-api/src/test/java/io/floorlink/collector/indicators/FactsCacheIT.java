package io.floorlink.collector.indicators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.profiles.ProfileLoader;
import io.floorlink.gateway.facts.DeviceAgg;
import io.floorlink.gateway.facts.FactsBatch;
import io.floorlink.gateway.facts.FactsStore;
import io.floorlink.gateway.facts.Keys;
import io.floorlink.gateway.facts.PointAgg;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The closed-day cache against the gateway's real writer on H2: a repeated report is answered from the cache with
 * the same figures, and a late or historical write into a closed day (which raises its fact_revision) is seen by
 * the next report, as it is for a day not over yet.
 */
class FactsCacheIT {
    private static final Instant D0 = Instant.parse("2026-05-04T00:00:00Z");
    private static final String IMM = "IMM-0000";
    /** The harness's injection molding machine: five points read every second, energy every 10 s. */
    private static final Inventory INVENTORY = IndicatorLoadHarness.inventory(1);

    private FactsStore store;

    @BeforeEach
    void open() {
        store = FactsStore.open(
                "jdbc:h2:mem:cache-" + UUID.randomUUID()
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                "sa",
                null);
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** One minute of the machine at {@code minute}: every point sampled 60 times, {@code readsOk} reads. */
    private void writeMinute(Instant minute, long readsOk, boolean historical) throws Exception {
        Map<Keys.PointKey, PointAgg> points = new HashMap<>();
        for (String p : new String[] {"production_status", "shot_count", "reject_count", "mold_temp", "energy_kwh"}) {
            PointAgg a = new PointAgg();
            for (int i = 0; i < 60; i++) {
                a.addSample(0, historical);
                a.addValue(200.0, minute.toEpochMilli() + i * 1000L);
            }
            points.put(new Keys.PointKey(FactsFixture.DEFAULT_GROUP, IMM, p, minute.toEpochMilli()), a);
        }
        DeviceAgg d = new DeviceAgg();
        d.addReadsOk(readsOk);
        Map<Keys.DeviceKey, DeviceAgg> devices =
                Map.of(new Keys.DeviceKey(FactsFixture.DEFAULT_GROUP, IMM, minute.toEpochMilli()), d);
        store.write(new FactsBatch(List.of(), List.of(), points, devices), "cache-it", System.currentTimeMillis());
    }

    /** The minute 10:00 of each of the first {@code days} days from D0, 60 reads ok each. */
    private void writeTenOClockOfDays(int days) throws Exception {
        for (int day = 0; day < days; day++) {
            writeMinute(D0.plus(Duration.ofDays(day)).plus(Duration.ofHours(10)), 60, false);
        }
    }

    private IndicatorService service(Instant now, FactsCache cache) {
        return new IndicatorService(
                        store.dataSource(), INVENTORY, ProfileLoader.shippedOnly(), Clock.fixed(now, ZoneOffset.UTC))
                .withCache(cache);
    }

    /** The machine's figures in the pilot report over {@code [from, to)}. */
    private static EquipmentIndicators pilot(IndicatorService service, Instant from, Instant to) {
        return service.compute("pilot", from, to).equipment().get(0);
    }

    private static double readsOk(EquipmentIndicators e) {
        return e.completeness().value() * e.scheduledSeconds() * 41 / 10;
    }

    @Test
    void aRepeatedReportComesFromTheCacheAndAHistoricalWriteIntoAClosedDayIsSeen() throws Exception {
        writeTenOClockOfDays(3);
        Instant from = D0;
        Instant to = D0.plus(Duration.ofDays(3));
        FactsCache cache = new FactsCache(1000);
        IndicatorService cached = service(to.plus(Duration.ofHours(2)), cache);

        EquipmentIndicators first = pilot(cached, from, to);
        assertThat(cache.misses()).as("three closed days read once").isEqualTo(3);
        assertThat(cache.size()).isEqualTo(3);
        // 41 reads expected per 10 s (four 1 s points and the 10 s energy counter)
        assertThat(readsOk(first)).isCloseTo(180, within(1e-6));
        assertThat(first.pointCoverage().value()).isEqualTo(1.0);

        EquipmentIndicators again = pilot(cached, from, to);
        assertThat(cache.hits()).isEqualTo(3);
        assertThat(again).isEqualTo(first);

        // The edge agent replays an outage of the second day after the fact.
        writeMinute(D0.plus(Duration.ofDays(1)).plus(Duration.ofHours(11)), 60, true);
        EquipmentIndicators afterReplay = pilot(cached, from, to);
        assertThat(readsOk(afterReplay)).isCloseTo(240, within(1e-6));
        assertThat(cache.hits()).as("days one and three still valid").isEqualTo(5);
        assertThat(afterReplay).isEqualTo(pilot(service(to.plus(Duration.ofHours(2)), FactsCache.off()), from, to));
    }

    @Test
    void aReportMissingManyClosedDaysAnswersFromOneReadAndTheFillerCachesTheDaysBehindIt() throws Exception {
        writeTenOClockOfDays(3);
        Instant from = D0;
        Instant to = D0.plus(Duration.ofDays(3));
        Instant now = to.plus(Duration.ofHours(2));
        // no inline fill: every missed day goes to the filler
        FactsCache cache = new FactsCache(1000, 0);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        cache.bindTo(registry);
        IndicatorService cached = service(now, cache);

        EquipmentIndicators first = pilot(cached, from, to);
        assertThat(readsOk(first)).isCloseTo(180, within(1e-6));
        assertThat(first).isEqualTo(pilot(service(now, FactsCache.off()), from, to));
        assertThat(cache.awaitFills(Duration.ofSeconds(30))).isTrue();
        assertThat(cache.size()).as("the filler cached the three closed days").isEqualTo(3);
        assertThat(registry.get("floorlink.collector.indicators.cache.fills")
                        .tag("result", "done")
                        .functionCounter()
                        .count())
                .isEqualTo(1);

        long hits = cache.hits();
        assertThat(pilot(cached, from, to)).isEqualTo(first);
        assertThat(cache.hits() - hits).isEqualTo(3);

        // A write into a closed day while a fill may be reading: the fill keeps what it read under the revision read
        // before the report, so the next report reads that day again whichever came first.
        FactsCache racing = new FactsCache(1000, 0);
        IndicatorService another = service(now, racing);
        another.compute("pilot", from, to);
        writeMinute(D0.plus(Duration.ofDays(1)).plus(Duration.ofHours(11)), 60, true);
        assertThat(racing.awaitFills(Duration.ofSeconds(30))).isTrue();
        EquipmentIndicators afterWrite = pilot(another, from, to);
        assertThat(readsOk(afterWrite)).isCloseTo(240, within(1e-6));
        assertThat(afterWrite).isEqualTo(pilot(service(now, FactsCache.off()), from, to));
    }

    @Test
    void theWarmerFillsOnItsOwnThreadWhateverTheReportMisses() {
        FactsCache cache = new FactsCache(1000, 0);
        Instant now = D0.plus(Duration.ofDays(40)).plus(Duration.ofHours(3));
        new CacheWarmer(() -> List.of(service(now, cache))).runOnce();
        assertThat(cache.size()).as("filled before runOnce returned").isEqualTo(30);
    }

    @Test
    void aDayNotOverYetIsReadEveryTimeAndPartialMinutesStayOutsideTheCache() throws Exception {
        writeMinute(D0.plus(Duration.ofHours(10)), 60, false);
        writeMinute(D0.plus(Duration.ofDays(1)).plus(Duration.ofHours(1)), 60, false);
        FactsCache cache = new FactsCache(1000);
        // "now" is 02:00 on the second day; the window starts and ends inside a minute.
        Instant now = D0.plus(Duration.ofDays(1)).plus(Duration.ofHours(2));
        IndicatorService cached = service(now, cache);
        Instant from = D0.plus(Duration.ofSeconds(30));
        Instant to = now.minus(Duration.ofSeconds(30));

        assertThat(readsOk(pilot(cached, from, to))).isCloseTo(120, within(1e-6));
        assertThat(cache.size()).as("only the first day is closed").isEqualTo(1);

        writeMinute(D0.plus(Duration.ofDays(1)).plus(Duration.ofHours(1)).plus(Duration.ofMinutes(5)), 60, false);
        EquipmentIndicators later = pilot(cached, from, to);
        assertThat(readsOk(later)).isCloseTo(180, within(1e-6));
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(later).isEqualTo(pilot(service(now, FactsCache.off()), from, to));
    }

    @Test
    void theWarmerCachesTheLastThirtyClosedDaysSoTheFirstReportOfAReviewerHitsThem() throws Exception {
        writeTenOClockOfDays(40);
        FactsCache cache = new FactsCache(1000);
        Instant now = D0.plus(Duration.ofDays(40)).plus(Duration.ofHours(3));
        IndicatorService service = service(now, cache);

        CacheWarmer.Window w = new CacheWarmer(() -> List.of(service)).runOnce();
        assertThat(w.to()).isEqualTo(D0.plus(Duration.ofDays(40)));
        assertThat(w.from()).isEqualTo(D0.plus(Duration.ofDays(10)));
        assertThat(cache.size()).isEqualTo(30);

        // A reviewer's 7-day window in local days (Asia/Shanghai midnight = 16:00 UTC) inside the warmed month.
        long hits = cache.hits();
        Instant from = D0.plus(Duration.ofDays(20)).minus(Duration.ofHours(8));
        EquipmentIndicators e = service.compute("pilot", from, from.plus(Duration.ofDays(7)))
                .equipment()
                .get(0);
        assertThat(cache.hits() - hits)
                .as("six whole days from the cache, the edge slices read")
                .isEqualTo(6);
        assertThat(readsOk(e)).isCloseTo(420, within(1e-6));

        assertThat(new CacheWarmer(() -> List.of(service(now, FactsCache.off()))).runOnce())
                .as("nothing to warm without a cache")
                .isNull();
    }

    @Test
    void theWarmerWarmsOnlyTheEnterprisesWhoseDaysFitInTheCache() {
        Instant now = D0.plus(Duration.ofDays(40)).plus(Duration.ofHours(5));
        // one machine, 30 days: estimated 60 entries an enterprise; 120 entries take two of the three
        FactsCache cache = new FactsCache(120);
        List<IndicatorService> services = new java.util.ArrayList<>();
        for (String code : List.of("ENT-A", "ENT-B", "ENT-C")) {
            services.add(new IndicatorService(
                            store.dataSource(),
                            IndicatorLoadHarness.inventory(
                                    new io.floorlink.collector.inventory.Enterprise(code, null, null), 1, 1, i -> IMM),
                            ProfileLoader.shippedOnly(),
                            Clock.fixed(now, ZoneOffset.UTC))
                    .withCache(cache));
        }
        new CacheWarmer(() -> services).runOnce();
        assertThat(cache.size()).as("the days of two enterprises, 30 each").isEqualTo(60);

        long misses = cache.misses();
        services.get(0).compute("pilot", D0.plus(Duration.ofDays(10)), D0.plus(Duration.ofDays(40)));
        assertThat(cache.misses() - misses)
                .as("the first enterprise was warmed")
                .isZero();
        services.get(2).compute("pilot", D0.plus(Duration.ofDays(10)), D0.plus(Duration.ofDays(40)));
        assertThat(cache.misses() - misses).as("the third was left out").isPositive();
    }

    @Test
    void aCacheOfNoEntriesReadsEverything() throws Exception {
        writeMinute(D0.plus(Duration.ofHours(10)), 60, false);
        FactsCache off = FactsCache.off();
        IndicatorService service = service(D0.plus(Duration.ofDays(2)), off);
        service.compute("pilot", D0, D0.plus(Duration.ofDays(1)));
        service.compute("pilot", D0, D0.plus(Duration.ofDays(1)));
        assertThat(off.size()).isZero();
        assertThat(off.hits()).isZero();
    }
}
