package io.floorlink.collector.district;

import io.floorlink.collector.district.District.EnterpriseEntry;
import io.floorlink.collector.indicators.Figure;
import io.floorlink.collector.indicators.IndicatorReport;
import io.floorlink.collector.profiles.Evaluation;
import io.floorlink.collector.profiles.Profile;
import io.floorlink.collector.profiles.ProfileEvaluator;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The programme view: one row per enterprise with its official indicators (设备联网率, 数字化率, 关键设备联网率),
 * the verdict of an acceptance profile and its data-trust status over a period of local days of <em>its</em> time
 * zone, filtered and sorted, with totals over the rows. Every row is the enterprise's own report: the figures are
 * those the enterprise view shows for the same period. Computing a row blocks on the facts store.
 */
public final class ProgrammeView {
    private ProgrammeView() {}

    /** Production, digital, networked and key equipment of the enterprise's whole inventory. */
    public record Counts(long production, long digital, long networked, long key) {}

    /**
     * The profile verdict of the row.
     *
     * @param status {@code pass}, {@code fail} or {@code cannot_evaluate}
     */
    public record Verdict(String status, String profileId, String profileVersion) {}

    /**
     * One enterprise.
     *
     * @param industry industry code; {@code industryName} its name (细分行业)
     * @param contractor contractor id, null when none; {@code contractorName} its name
     * @param window the period as evaluated (UTC instants and local texts of the enterprise's zone)
     * @param dataTrust {@code complete} or {@code flagged}
     * @param lastDataAt source time of the enterprise's newest stored data, whatever the period; null when none
     * @param summary where the figures come from: null when computed for this request, else the background summary
     *     they were read from; the figures, counts, verdict and window are null while that summary is pending
     */
    public record Row(
            String code,
            String name,
            String industry,
            String industryName,
            String contractor,
            String contractorName,
            String programme,
            LocalDate enrolledOn,
            District.Acceptance acceptance,
            String status,
            Counts counts,
            Figure networkingRate,
            Figure digitalizationRate,
            Figure keyNetworkingRate,
            Verdict verdict,
            String dataTrust,
            Instant lastDataAt,
            IndicatorReport.WindowRef window,
            Summary summary) {

        /** This row with the registry fields of {@code entry}, {@code lastDataAt} and {@code summary}. */
        public Row with(District district, EnterpriseEntry entry, Instant lastDataAt, Summary summary) {
            return of(
                    district,
                    entry,
                    counts,
                    networkingRate,
                    digitalizationRate,
                    keyNetworkingRate,
                    verdict,
                    dataTrust,
                    lastDataAt,
                    window,
                    summary);
        }
    }

    /**
     * The background summary a row was read from.
     *
     * @param computedAt when it was computed; null when the enterprise has none yet (pending)
     * @param stale true when its inputs changed since (facts of its period, inventory, profile) or its period is
     *     not the one asked for (the default period rolled): it is being recomputed
     */
    public record Summary(Instant computedAt, boolean stale) {}

    /**
     * The row of an enterprise whose summary is not computed yet: registry fields and last data only.
     *
     * @param lastDataAt nullable
     */
    public static Row pending(District district, EnterpriseEntry entry, Instant lastDataAt) {
        return of(district, entry, null, null, null, null, null, null, lastDataAt, null, new Summary(null, true));
    }

    private static Row of(
            District district,
            EnterpriseEntry e,
            Counts counts,
            Figure net,
            Figure dig,
            Figure key,
            Verdict verdict,
            String dataTrust,
            Instant lastDataAt,
            IndicatorReport.WindowRef window,
            Summary summary) {
        return new Row(
                e.code(),
                e.name(),
                e.industry(),
                district.industry(e.industry()).map(District.Industry::name).orElse(null),
                e.contractor(),
                e.contractor() == null
                        ? null
                        : district.contractor(e.contractor())
                                .map(District.Contractor::name)
                                .orElse(null),
                e.programme(),
                e.enrolledOn(),
                e.acceptance(),
                e.status().name().toLowerCase(Locale.ROOT),
                counts,
                net,
                dig,
                key,
                verdict,
                dataTrust,
                lastDataAt,
                window,
                summary);
    }

    /**
     * A ratio pooled over the rows: sum of numerators over sum of denominators (a FloorLink aggregate, not an
     * official MIIT figure).
     *
     * @param value null when the denominator is 0
     */
    public record Pooled(Double value, long numerator, long denominator) {
        static Pooled of(long numerator, long denominator) {
            return new Pooled(denominator == 0 ? null : (double) numerator / denominator, numerator, denominator);
        }
    }

    /**
     * Totals over the rows shown.
     *
     * @param byVerdict number of enterprises per verdict status ({@code pending}: rows whose summary is not computed yet,
     *     left out of the pooled rates)
     */
    public record Totals(
            int enterprises, Map<String, Integer> byVerdict, Pooled networkingRate, Pooled digitalizationRate) {}

    /** Rows and their totals. */
    public record View(List<Row> rows, Totals totals) {}

    /**
     * Which rows: null fields match everything; {@code status} is {@code active} or {@code retired}.
     */
    public record Filter(String programme, String industry, String contractor, String status) {
        public static final Filter ALL = new Filter(null, null, null, null);

        boolean matches(Row r) {
            return (programme == null || programme.equals(r.programme()))
                    && (industry == null || industry.equals(r.industry()))
                    && (contractor == null || contractor.equals(r.contractor()))
                    && (status == null || status.equalsIgnoreCase(r.status()));
        }
    }

    /** Fields rows can be sorted by. */
    public enum SortBy {
        CODE(Comparator.comparing(Row::code)),
        NAME(Comparator.comparing(Row::name)),
        INDUSTRY(Comparator.comparing(Row::industry)),
        CONTRACTOR(Comparator.comparing(r -> r.contractor() == null ? "" : r.contractor())),
        NETWORKING_RATE(Comparator.comparing(r -> value(r.networkingRate()))),
        DIGITALIZATION_RATE(Comparator.comparing(r -> value(r.digitalizationRate()))),
        VERDICT(Comparator.comparing(r -> r.verdict() == null ? "" : r.verdict().status()));

        private final Comparator<Row> order;

        SortBy(Comparator<Row> order) {
            this.order = order.thenComparing(Row::code);
        }

        /**
         * The sort field of its wire name ({@code networking_rate} ...).
         *
         * @throws IllegalArgumentException naming the known fields
         */
        public static SortBy parse(String wire) {
            try {
                return valueOf(wire.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown sort field '" + wire + "' (known: "
                        + String.join(
                                ", ",
                                java.util.Arrays.stream(values())
                                        .map(v -> v.name().toLowerCase(Locale.ROOT))
                                        .toList())
                        + ")");
            }
        }

        private static double value(Figure f) {
            return f == null || f.value() == null ? -1 : f.value();
        }
    }

    /**
     * The row of one enterprise over the local days {@code [from, to]} of its zone: its report and the profile's
     * evaluation of it (one fact read).
     */
    public static Row row(District district, Enterprises.Context c, Profile profile, LocalDate from, LocalDate to) {
        ZoneId zone = c.inventory().enterprise().zone();
        return row(
                district,
                c,
                profile,
                from.atStartOfDay(zone).toInstant(),
                to.plusDays(1).atStartOfDay(zone).toInstant());
    }

    /**
     * The row of one enterprise over the instants {@code [start, end)}, the same for every enterprise whatever its
     * zone (a live window such as the last hour).
     */
    public static Row row(District district, Enterprises.Context c, Profile profile, Instant start, Instant end) {
        IndicatorReport report = c.service().compute("pilot", start, end, profile);
        Evaluation evaluation = new ProfileEvaluator(c.service()).evaluate(profile, report);
        EnterpriseEntry e = c.entry();
        Map<String, Figure> f = report.indicators();
        Figure net = f.get("networking_rate");
        Figure dig = f.get("digitalization_rate");
        Figure key = f.get("key_networking_rate");
        Counts counts = new Counts(
                count(net.denominator()), count(dig.numerator()), count(net.numerator()), count(key.denominator()));
        return of(
                district,
                e,
                counts,
                net,
                dig,
                key,
                new Verdict(evaluation.status(), profile.id(), profile.version()),
                report.dataTrust().status(),
                c.service().lastDataAt(),
                report.window(),
                null);
    }

    /**
     * The view over rows already computed: those the filter keeps, sorted, and their totals.
     *
     * @param descending sort order
     */
    public static View of(List<Row> rows, Filter filter, SortBy sort, boolean descending) {
        List<Row> kept = new ArrayList<>(rows.stream().filter(filter::matches).toList());
        kept.sort(descending ? sort.order.reversed() : sort.order);
        Map<String, Integer> byVerdict = new TreeMap<>();
        long net = 0;
        long dig = 0;
        long production = 0;
        for (Row r : kept) {
            if (r.verdict() == null) {
                byVerdict.merge("pending", 1, Integer::sum);
                continue;
            }
            byVerdict.merge(r.verdict().status(), 1, Integer::sum);
            net += r.counts().networked();
            dig += r.counts().digital();
            production += r.counts().production();
        }
        return new View(
                List.copyOf(kept),
                new Totals(kept.size(), byVerdict, Pooled.of(net, production), Pooled.of(dig, production)));
    }

    /** Rows of every enterprise of {@code enterprises} (registry order), each over its own local days. */
    public static List<Row> rows(Enterprises enterprises, Profile profile, LocalDate from, LocalDate to) {
        return rows(enterprises.district(), enterprises.all(), profile, from, to);
    }

    /** Rows of these enterprises of {@code district} (e.g. those a caller sees), in the order given. */
    public static List<Row> rows(
            District district, List<Enterprises.Context> enterprises, Profile profile, LocalDate from, LocalDate to) {
        return enterprises.stream()
                .map(c -> row(district, c, profile, from, to))
                .toList();
    }

    /** Rows of these enterprises over the instants {@code [start, end)}, in the order given. */
    public static List<Row> rows(
            District district, List<Enterprises.Context> enterprises, Profile profile, Instant start, Instant end) {
        return enterprises.stream()
                .map(c -> row(district, c, profile, start, end))
                .toList();
    }

    private static long count(Number n) {
        return n == null ? 0 : Math.round(n.doubleValue());
    }
}
