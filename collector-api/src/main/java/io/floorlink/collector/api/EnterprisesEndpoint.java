package io.floorlink.collector.api;

import io.floorlink.collector.district.District;
import io.floorlink.collector.district.Enterprises;
import io.floorlink.collector.district.ProgrammeView;
import io.floorlink.collector.district.Summarizer;
import io.floorlink.collector.indicators.Figure;
import io.floorlink.collector.profiles.Profile;
import io.floorlink.sparkplug.config.Durations;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/v1/enterprises}: the programme view, one row per enterprise the caller sees (registry entry, 设备联网率,
 * 数字化率, 关键设备联网率, the profile's verdict, data trust, last data), each over the same local days of its own
 * time zone (or, with {@code window=1h}, over the same instants ending now, for watching a district live),
 * filtered, sorted, with totals pooled over the rows shown.
 *
 * <p>Over the default period with the default profile, and when the collector runs a {@link Summarizer}, the rows
 * are the enterprises' background summaries (each row's {@code summary} says when it was computed and whether its
 * inputs changed since); an enterprise without a summary yet is computed on the request when at most {@link
 * #LIVE_ROWS} are (a district of a few enterprises answers as before), otherwise listed pending. Any other period,
 * window or profile is computed on request, one report per enterprise from the shared closed-day cache: bounded by
 * {@link #MAX_DAYS} and by the enterprises the caller sees.
 */
final class EnterprisesEndpoint {
    /** Default period: the last 30 closed days. */
    static final int DEFAULT_DAYS = Summarizer.DEFAULT_DAYS;
    /** Longest period a request may ask for, in days. */
    static final int MAX_DAYS = 400;
    /** Enterprises without a summary computed on one request at most; the others are listed pending. */
    static final int LIVE_ROWS = 10;

    private EnterprisesEndpoint() {}

    static void get(Context ctx, Tenancy tenancy, Profile profile, Summarizer summaries) {
        boolean csv = CsvTable.wanted(ctx);
        String status = ctx.queryParam("status");
        boolean all = status != null && status.trim().equalsIgnoreCase("all");
        if (status != null && !all && !status.isBlank()) {
            String s = status.trim().toLowerCase(Locale.ROOT);
            if (!s.equals("active") && !s.equals("retired")) {
                throw new BadParameterException(
                        "status", "status must be active, retired or all but was '" + status + "'");
            }
        }
        ProgrammeView.Filter filter = new ProgrammeView.Filter(
                blankToNull(ctx.queryParam("programme")),
                blankToNull(ctx.queryParam("industry")),
                blankToNull(ctx.queryParam("contractor")),
                all ? null : status == null || status.isBlank() ? "active" : status.trim());
        ProgrammeView.SortBy sort;
        try {
            String by = ctx.queryParam("sort");
            sort = by == null || by.isBlank() ? ProgrammeView.SortBy.CODE : ProgrammeView.SortBy.parse(by);
        } catch (IllegalArgumentException e) {
            throw new BadParameterException("sort", e.getMessage());
        }
        String order = ctx.queryParam("order");
        if (order != null && !order.isBlank() && !order.equals("asc") && !order.equals("desc")) {
            throw new BadParameterException("order", "order must be asc or desc but was '" + order + "'");
        }
        String window = ctx.queryParam("window");
        Map<String, Object> period = new LinkedHashMap<>();
        List<ProgrammeView.Row> rows;
        if (window != null && !window.isBlank()) {
            if (ctx.queryParam("from") != null || ctx.queryParam("to") != null) {
                throw new BadParameterException("window", "give from and to (days), or window (ending now), not both");
            }
            Duration length;
            try {
                length = Durations.parse(window.trim());
            } catch (IllegalArgumentException e) {
                throw new BadParameterException("window", e.getMessage());
            }
            if (length.isNegative() || length.isZero() || length.compareTo(Duration.ofDays(MAX_DAYS)) > 0) {
                throw new BadParameterException(
                        "window", "window must be positive and at most " + MAX_DAYS + "d but was " + window);
            }
            Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Instant start = end.minus(length);
            period.put("from", start);
            period.put("to", end);
            period.put("window", Durations.format(length));
            rows = ProgrammeView.rows(
                    tenancy.enterprises().district(), tenancy.visible(ctx, true), profile, start, end);
        } else {
            Summarizer.Period defaults = Summarizer.defaultPeriod(Clock.systemUTC());
            LocalDate to = date(ctx, "to", defaults.to());
            LocalDate from = date(ctx, "from", to.minusDays(DEFAULT_DAYS - 1));
            if (from.isAfter(to)) {
                throw new BadParameterException("from", "from " + from + " is after to " + to);
            }
            if (ChronoUnit.DAYS.between(from, to) + 1 > MAX_DAYS) {
                throw new BadParameterException(
                        "from", "the period " + from + " .. " + to + " is longer than " + MAX_DAYS + " days");
            }
            period.put("from", from);
            period.put("to", to);
            District district = tenancy.enterprises().district();
            List<Enterprises.Context> visible = tenancy.visible(ctx, true);
            if (summaries != null
                    && profile.equals(summaries.profile())
                    && from.equals(defaults.from())
                    && to.equals(defaults.to())) {
                rows = summarized(district, visible, profile, defaults, summaries);
            } else {
                rows = ProgrammeView.rows(district, visible, profile, from, to);
            }
        }
        ProgrammeView.View view = ProgrammeView.of(rows, filter, sort, "desc".equals(order));
        if (csv) {
            table(view).send(ctx, "enterprises");
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.putAll(period);
        body.put("profile", Map.of("id", profile.id(), "version", profile.version()));
        body.put("count", view.rows().size());
        body.put("enterprises", view.rows());
        body.put("totals", view.totals());
        ctx.json(body);
    }

    private static List<ProgrammeView.Row> summarized(
            District district,
            List<Enterprises.Context> visible,
            Profile profile,
            Summarizer.Period period,
            Summarizer summaries) {
        Map<String, Instant> lastData = summaries.lastDataAt();
        List<ProgrammeView.Row> rows = new ArrayList<>(visible.size());
        List<Enterprises.Context> missing = new ArrayList<>();
        for (Enterprises.Context c : visible) {
            summaries.served(c, period, lastData.get(c.code())).ifPresentOrElse(rows::add, () -> missing.add(c));
        }
        for (Enterprises.Context c : missing) {
            rows.add(
                    missing.size() <= LIVE_ROWS
                            ? ProgrammeView.row(district, c, profile, period.from(), period.to())
                            : ProgrammeView.pending(district, c.entry(), lastData.get(c.code())));
        }
        return rows;
    }

    private static CsvTable table(ProgrammeView.View view) {
        CsvTable t = new CsvTable(
                "code",
                "name",
                "industry",
                "contractor",
                "programme",
                "status",
                "production",
                "digital",
                "networked",
                "key",
                "networking_rate",
                "digitalization_rate",
                "key_networking_rate",
                "verdict",
                "profile",
                "data_trust",
                "last_data_at",
                "summary_computed_at",
                "summary_stale");
        for (ProgrammeView.Row r : view.rows()) {
            t.row(
                    r.code(),
                    r.name(),
                    r.industry(),
                    r.contractor(),
                    r.programme(),
                    r.status(),
                    r.counts() == null ? null : r.counts().production(),
                    r.counts() == null ? null : r.counts().digital(),
                    r.counts() == null ? null : r.counts().networked(),
                    r.counts() == null ? null : r.counts().key(),
                    value(r.networkingRate()),
                    value(r.digitalizationRate()),
                    value(r.keyNetworkingRate()),
                    r.verdict() == null ? "pending" : r.verdict().status(),
                    r.verdict() == null
                            ? null
                            : r.verdict().profileId() + "@" + r.verdict().profileVersion(),
                    r.dataTrust(),
                    r.lastDataAt(),
                    r.summary() == null ? null : r.summary().computedAt(),
                    r.summary() == null ? null : r.summary().stale());
        }
        return t;
    }

    private static Double value(Figure f) {
        return f == null ? null : f.value();
    }

    private static LocalDate date(Context ctx, String name, LocalDate otherwise) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        try {
            return LocalDate.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new BadParameterException(
                    name, "'" + text + "' is not a local date; write e.g. 2026-03-01 (each enterprise's own days)");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
