package io.floorlink.collector.district;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.floorlink.collector.indicators.FactsCache;
import io.floorlink.collector.indicators.FactsFixture;
import io.floorlink.collector.indicators.Figure;
import io.floorlink.collector.indicators.IndicatorLoadHarness;
import io.floorlink.collector.indicators.IndicatorReport;
import io.floorlink.collector.indicators.IndicatorService;
import io.floorlink.collector.inventory.Equipment;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.PointRequirement;
import io.floorlink.collector.profiles.Evaluation;
import io.floorlink.collector.profiles.ProfileEvaluator;
import io.floorlink.collector.profiles.ProfileLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The golden district ({@code testcases/district-golden}): three enterprises of three industries, with their own
 * calendars and time zones (Asia/Shanghai two shifts with a holiday, Europe/Berlin nights across midnight and the DST
 * change of 29 March 2026, UTC without calendar), whose equipment and edge nodes share ids ({@code SEW-01},
 * {@code IMM-01}, {@code edge-01}). Each enterprise's report and acceptance evaluation over a week are the same with
 * the other enterprises' facts in the store as with its own alone, and its 设备联网率 is the scripted truth.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoldenDistrictTest {
    private static final Path DIR = Path.of("src/test/resources/testcases/district-golden");
    /** Monday 23 to Sunday 29 March 2026 (UTC days): the profile's minimum window of 7 days. */
    private static final Instant FROM = Instant.parse("2026-03-23T00:00:00Z");

    private static final Instant TO = FROM.plus(Duration.ofDays(7));
    private static final Clock CLOCK = Clock.fixed(TO.plus(Duration.ofDays(2)), ZoneOffset.UTC);

    /**
     * Offline spans per enterprise and device, in whole UTC days from {@link #FROM}: {first day, days}. Every other
     * digital device is connected and delivers every required point at its interval all week. ENT-MOLD's SEW-01 is
     * offline on the first day (online ratio 6/7 < θ_online): merged with the other groups' SEW-01 it would look
     * networked.
     */
    private static final Map<String, Map<String, int[]>> OFFLINE =
            Map.of("ENT-MOLD", Map.of("SEW-01", new int[] {0, 1}));

    /** 设备联网率 = networked / production equipment, the truth of the script. */
    private static final Map<String, double[]> NETWORKING = Map.of(
            "ENT-SEW", new double[] {2, 3},
            "ENT-MOLD", new double[] {1, 5},
            "ENT-ASM", new double[] {2, 2});

    /** How long before the end of the week each enterprise's newest data is. */
    private static final Map<String, Integer> LAST_DATA_MINUTES = Map.of("ENT-SEW", 1, "ENT-MOLD", 75, "ENT-ASM", 20);

    private District district;
    private Map<String, Inventory> inventories;
    private FactsFixture together;

    /** A new, empty facts store with the gateway's schema: in-memory H2 here, PostgreSQL in the subclass. */
    FactsFixture newStore() {
        return FactsFixture.h2();
    }

    @BeforeAll
    void load() {
        district = DistrictLoader.load(DIR.resolve("district.yaml"));
        inventories = DistrictLoader.inventories(district, DIR.resolve("enterprises"));
        together = newStore();
        for (String code : inventories.keySet()) {
            write(together.group(code), code);
        }
    }

    /**
     * One enterprise's facts: sessions, declarations, point and read rollups of hours and days only (the window and
     * every shift are whole UTC hours), as a device connected in those hours and read at every point's interval.
     */
    private void write(FactsFixture facts, String code) {
        facts.edgeSession("edge-01", FROM.minus(Duration.ofDays(1)), null)
                .activity(TO.minus(Duration.ofMinutes(LAST_DATA_MINUTES.get(code))));
        for (Equipment e : inventories.get(code).equipment()) {
            if (!e.digital()) {
                continue;
            }
            int[] off = OFFLINE.getOrDefault(code, Map.of()).get(e.id());
            List<Instant[]> online = new ArrayList<>();
            if (off == null) {
                online.add(new Instant[] {FROM.minus(Duration.ofDays(1)), TO.plus(Duration.ofDays(1))});
            } else {
                online.add(new Instant[] {FROM.minus(Duration.ofDays(1)), FROM.plus(Duration.ofDays(off[0]))});
                online.add(new Instant[] {FROM.plus(Duration.ofDays(off[0] + off[1])), TO.plus(Duration.ofDays(1))});
            }
            for (Instant[] span : online) {
                facts.session("edge-01", e.id(), span[0], span[1], false);
            }
            List<FactsFixture.PointRow> hours = new ArrayList<>();
            List<FactsFixture.PointRow> days = new ArrayList<>();
            long readsPerHour = 0;
            for (PointRequirement p : e.points()) {
                readsPerHour += Duration.ofHours(1).dividedBy(p.interval());
                facts.declaration(
                        "edge-01",
                        e.id(),
                        p.id(),
                        p.category().wireName(),
                        p.interval().toMillis(),
                        null,
                        null);
                long perHour = Duration.ofHours(1).dividedBy(p.interval());
                for (int d = 0; d < 7; d++) {
                    Instant day = FROM.plus(Duration.ofDays(d));
                    long good = 0;
                    for (int h = 0; h < 24; h++) {
                        Instant hour = day.plus(Duration.ofHours(h));
                        if (online.stream().anyMatch(s -> !hour.isBefore(s[0]) && hour.isBefore(s[1]))) {
                            hours.add(row(e.id(), p.id(), hour, perHour));
                            good += perHour;
                        }
                    }
                    if (good > 0) {
                        days.add(row(e.id(), p.id(), day, good));
                    }
                }
            }
            facts.insertPoints("point_hour", hours).insertPoints("point_day", days);
            List<Object[]> readHours = new ArrayList<>();
            List<Object[]> readDays = new ArrayList<>();
            for (int d = 0; d < 7; d++) {
                Instant day = FROM.plus(Duration.ofDays(d));
                long ok = 0;
                for (int h = 0; h < 24; h++) {
                    Instant hour = day.plus(Duration.ofHours(h));
                    if (online.stream().anyMatch(s -> !hour.isBefore(s[0]) && hour.isBefore(s[1]))) {
                        readHours.add(new Object[] {e.id(), hour, readsPerHour, 0L});
                        ok += readsPerHour;
                    }
                }
                readDays.add(new Object[] {e.id(), day, ok, 0L});
            }
            facts.insert("device_hour", "device_id, bucket, reads_ok, reads_failed", readHours)
                    .insert("device_day", "device_id, bucket, reads_ok, reads_failed", readDays);
        }
    }

    private static FactsFixture.PointRow row(String device, String point, Instant bucket, long good) {
        long[] lat = new long[16];
        lat[3] = good;
        return new FactsFixture.PointRow(device, point, bucket, good, good, 0, 0, 0, 1.0, 2.0, null, lat);
    }

    private IndicatorService service(FactsFixture facts, String code) {
        return new IndicatorService(facts.dataSource(), inventories.get(code), ProfileLoader.shippedOnly(), CLOCK);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ENT-SEW", "ENT-MOLD", "ENT-ASM"})
    void anEnterpriseGetsTheSameFiguresInTheDistrictAsAlone(String code) {
        FactsFixture alone = newStore().group(code);
        write(alone, code);

        IndicatorReport inDistrict = service(together, code).compute("pilot", FROM, TO);
        IndicatorReport byItself = service(alone, code).compute("pilot", FROM, TO);
        assertThat(IndicatorLoadHarness.rounded(inDistrict)).isEqualTo(IndicatorLoadHarness.rounded(byItself));

        ProfileLoader profiles = ProfileLoader.shippedOnly();
        Evaluation evaluation =
                new ProfileEvaluator(service(together, code)).evaluate(profiles.defaultProfile(), "pilot", FROM, TO);
        Evaluation evaluationAlone =
                new ProfileEvaluator(service(alone, code)).evaluate(profiles.defaultProfile(), "pilot", FROM, TO);
        assertThat(IndicatorLoadHarness.rounded(evaluation)).isEqualTo(IndicatorLoadHarness.rounded(evaluationAlone));

        Figure networking = inDistrict.indicators().get("networking_rate");
        double[] truth = NETWORKING.get(code);
        assertThat(networking.numerator().doubleValue())
                .as(code + " networked production equipment")
                .isEqualTo(truth[0]);
        assertThat(networking.denominator().doubleValue())
                .as(code + " production equipment")
                .isEqualTo(truth[1]);
        assertThat(networking.value()).isCloseTo(truth[0] / truth[1], within(1e-12));
        Evaluation.RuleResult rule = evaluation.rules().stream()
                .filter(r -> r.id().equals("networking_rate"))
                .findFirst()
                .orElseThrow();
        assertThat(rule.outcome())
                .as(code + ": level 2 asks 设备联网率 >= 60 %")
                .isEqualTo(truth[0] / truth[1] >= 0.60 ? Evaluation.PASS : Evaluation.FAIL);
        assertThat(inDistrict.window().timezone())
                .isEqualTo(inventories.get(code).enterprise().timezone());
    }

    @Test
    void theProgrammeViewShowsEachEnterprisesOwnFiguresOverItsLocalDaysAndTotalsThatAddUp() {
        ProfileLoader profiles = ProfileLoader.shippedOnly();
        Enterprises enterprises = Enterprises.of(
                district,
                inventories,
                inventory -> new IndicatorService(together.dataSource(), inventory, profiles, CLOCK));
        LocalDate first = LocalDate.of(2026, 3, 23);
        LocalDate last = LocalDate.of(2026, 3, 29);
        List<ProgrammeView.Row> rows = ProgrammeView.rows(enterprises, profiles.defaultProfile(), first, last);

        for (ProgrammeView.Row row : rows) {
            FactsFixture alone = newStore().group(row.code());
            write(alone, row.code());
            Enterprises.Context own = Enterprises.of(
                            district,
                            inventories,
                            inventory -> new IndicatorService(alone.dataSource(), inventory, profiles, CLOCK))
                    .get(row.code())
                    .orElseThrow();
            ProgrammeView.Row byItself = ProgrammeView.row(district, own, profiles.defaultProfile(), first, last);
            assertThat(IndicatorLoadHarness.rounded(row))
                    .as(row.code() + ": the row is the enterprise's own view")
                    .isEqualTo(IndicatorLoadHarness.rounded(byItself));
            double[] truth = NETWORKING.get(row.code());
            assertThat(row.counts().networked()).isEqualTo((long) truth[0]);
            assertThat(row.lastDataAt())
                    .as(row.code() + ": last data received, its own")
                    .isEqualTo(TO.minus(Duration.ofMinutes(LAST_DATA_MINUTES.get(row.code()))));
            assertThat(row.counts().production()).isEqualTo((long) truth[1]);
            assertThat(row.window().timezone())
                    .isEqualTo(own.inventory().enterprise().timezone());
            assertThat(row.window().from())
                    .as("local midnight of the enterprise's zone")
                    .isEqualTo(first.atStartOfDay(own.inventory().enterprise().zone())
                            .toInstant());
        }
        assertThat(rows.stream()
                        .filter(r -> r.code().equals("ENT-MOLD"))
                        .findFirst()
                        .orElseThrow()
                        .industryName())
                .isEqualTo("新能源汽车零部件注塑");

        ProgrammeView.View all =
                ProgrammeView.of(rows, ProgrammeView.Filter.ALL, ProgrammeView.SortBy.NETWORKING_RATE, false);
        assertThat(all.rows()).extracting(ProgrammeView.Row::code).containsExactly("ENT-MOLD", "ENT-SEW", "ENT-ASM");
        assertThat(all.totals().enterprises()).isEqualTo(3);
        assertThat(all.totals().networkingRate().numerator()).isEqualTo(2 + 1 + 2);
        assertThat(all.totals().networkingRate().denominator()).isEqualTo(3 + 5 + 2);
        assertThat(all.totals().byVerdict().values().stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo(3);
        assertThat(all.totals().byVerdict())
                .isEqualTo(rows.stream()
                        .collect(java.util.stream.Collectors.groupingBy(
                                r -> r.verdict().status(),
                                java.util.TreeMap::new,
                                java.util.stream.Collectors.summingInt(r -> 1))));

        ProgrammeView.View east = ProgrammeView.of(
                rows, new ProgrammeView.Filter(null, null, "CTR-EAST", null), ProgrammeView.SortBy.CODE, true);
        assertThat(east.rows()).extracting(ProgrammeView.Row::code).containsExactly("ENT-SEW", "ENT-ASM");
        assertThat(east.totals().networkingRate().value()).isCloseTo(4.0 / 5, within(1e-12));
        ProgrammeView.View molding = ProgrammeView.of(
                rows,
                new ProgrammeView.Filter(null, "auto-part-molding", null, "active"),
                ProgrammeView.SortBy.CODE,
                false);
        assertThat(molding.rows()).extracting(ProgrammeView.Row::code).containsExactly("ENT-MOLD");
        assertThat(molding.totals().networkingRate().value()).isCloseTo(0.2, within(1e-12));
    }

    /**
     * The background summaries of the golden district are the live programme rows of the default period (30 local
     * days up to yesterday), persisted: a summarizer over the same store after a restart serves them before computing
     * anything; a fact written into a closed day of the period marks only that enterprise stale, and recomputing it
     * gives the live row with that fact.
     */
    @Test
    void summariesAreTheLiveRowsStaleAfterALateFactAndReadBackAfterARestart() {
        FactsFixture store = newStore();
        for (String code : inventories.keySet()) {
            write(store.group(code), code);
        }
        Clock clock = Clock.fixed(Instant.parse("2026-03-30T06:00:00Z"), ZoneOffset.UTC);
        ProfileLoader profiles = ProfileLoader.shippedOnly();
        Enterprises enterprises = Enterprises.of(
                district,
                inventories,
                inventory -> new IndicatorService(store.dataSource(), inventory, profiles, clock));
        Summarizer summarizer =
                new Summarizer(store.dataSource(), enterprises, profiles.defaultProfile(), clock, FactsCache.off());
        Summarizer.Period period = summarizer.defaultPeriod();
        assertThat(period).isEqualTo(new Summarizer.Period(LocalDate.of(2026, 2, 28), LocalDate.of(2026, 3, 29)));
        assertThat(summarizer.check()).as("no summary yet: all queued").isEqualTo(3);
        assertThat(summarizer.staleCount()).isEqualTo(3);
        assertThat(summarizer.summarizeAll()).isEqualTo(3);
        assertThat(summarizer.check()).as("nothing changed").isZero();
        assertThat(summarizer.staleCount()).isZero();
        assertServedAreLive(summarizer, enterprises, profiles, period, false);

        // late data for ENT-MOLD's SEW-01 on its offline day (Monday 23 March), as the gateway writes and revises it
        FactsFixture mold = store.group("ENT-MOLD");
        List<FactsFixture.PointRow> late = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            late.add(row("SEW-01", "run_state", FROM.plus(Duration.ofHours(h)), 60));
        }
        mold.insertPoints("point_hour", late).revise("SEW-01", FROM, FROM.plus(Duration.ofDays(1)));
        assertThat(summarizer.check()).as("only ENT-MOLD's facts changed").isEqualTo(1);
        for (Enterprises.Context c : enterprises.all()) {
            assertThat(summarizer
                            .served(c, period, null)
                            .orElseThrow()
                            .summary()
                            .stale())
                    .as(c.code())
                    .isEqualTo(c.code().equals("ENT-MOLD"));
        }
        assertThat(summarizer.summarize("ENT-MOLD")).isTrue();
        assertThat(summarizer.check()).isZero();
        assertServedAreLive(summarizer, enterprises, profiles, period, false);

        // a restarted collector: fresh enterprises, services and summarizer over the same store
        Enterprises again = Enterprises.of(
                district,
                inventories,
                inventory -> new IndicatorService(store.dataSource(), inventory, profiles, clock));
        Summarizer restarted =
                new Summarizer(store.dataSource(), again, profiles.defaultProfile(), clock, FactsCache.off());
        for (Enterprises.Context c : again.all()) {
            assertThat(restarted.served(c, period, null))
                    .as(c.code() + " before loading")
                    .isEmpty();
        }
        restarted.load();
        assertServedAreLive(restarted, again, profiles, period, false);
        assertThat(restarted.check())
                .as("persisted summaries are fresh: nothing to recompute")
                .isZero();

        // a row another version wrote and this one cannot read does not stop a start: it is computed again
        try (java.sql.Connection c = store.dataSource().getConnection();
                java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE enterprise_summary SET row_json = '{\"counts\": [' WHERE group_id = 'ENT-ASM'");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        Summarizer upgraded =
                new Summarizer(store.dataSource(), again, profiles.defaultProfile(), clock, FactsCache.off());
        upgraded.load();
        assertThat(upgraded.served(again.get("ENT-ASM").orElseThrow(), period, null))
                .isEmpty();
        assertThat(upgraded.served(again.get("ENT-SEW").orElseThrow(), period, null))
                .isPresent();
        assertThat(upgraded.check()).isEqualTo(1);
    }

    private void assertServedAreLive(
            Summarizer summarizer,
            Enterprises enterprises,
            ProfileLoader profiles,
            Summarizer.Period period,
            boolean stale) {
        for (Enterprises.Context c : enterprises.all()) {
            ProgrammeView.Row live =
                    ProgrammeView.row(district, c, profiles.defaultProfile(), period.from(), period.to());
            ProgrammeView.Row served =
                    summarizer.served(c, period, live.lastDataAt()).orElseThrow();
            assertThat(served.summary().stale()).as(c.code()).isEqualTo(stale);
            assertThat(served.summary().computedAt()).as(c.code()).isNotNull();
            assertThat(json(served.with(district, c.entry(), served.lastDataAt(), null)))
                    .as(c.code() + ": the summary is the live row")
                    .isEqualTo(json(live));
        }
    }

    private static String json(Object o) {
        try {
            return IndicatorLoadHarness.rounded(
                    io.floorlink.collector.api.Json.mapper().writeValueAsString(o));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
