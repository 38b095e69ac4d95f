package io.floorlink.collector.api;

import io.floorlink.collector.indicators.IndicatorReport;
import io.floorlink.collector.indicators.IndicatorService;
import io.floorlink.collector.inventory.Enterprise;
import io.floorlink.collector.profiles.Evaluation;
import io.floorlink.collector.profiles.Profile;
import io.floorlink.collector.profiles.ProfileEvaluator;
import io.floorlink.collector.reports.ReportLanguage;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/reports}: the acceptance report of a scope, period and profile as a file ({@code format=xlsx},
 * the default, or {@code format=pdf}), in the language of {@code lang} or, without it, of {@code Accept-Language} (zh* gives zh-CN,
 * anything else en). Same parameters, defaults and access as {@code /api/v1/indicators} and
 * {@code /api/v1/evaluations}.
 */
final class ReportEndpoint {
    /** The report formats served; the first is the default. */
    static final List<String> FORMATS = List.of("xlsx", "pdf");

    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");

    private ReportEndpoint() {}

    /**
     * The {@code format} parameter; checked before anything is computed.
     *
     * @throws BadParameterException naming {@code format} when it is not one of {@link #FORMATS}
     */
    static String format(Context ctx) {
        String f = ctx.queryParam("format");
        if (f == null || f.isBlank()) {
            return FORMATS.get(0);
        }
        String wanted = f.trim().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(wanted)) {
            throw new BadParameterException(
                    "format", "format '" + f + "' is not a report format; supported: " + String.join(", ", FORMATS));
        }
        return wanted;
    }

    /**
     * The {@code lang} parameter, or the language of {@code Accept-Language}.
     *
     * @throws BadParameterException naming {@code lang} when it is neither zh-CN nor en
     */
    static ReportLanguage language(Context ctx) {
        String lang = ctx.queryParam("lang");
        if (lang == null || lang.isBlank()) {
            return ReportLanguage.fromAcceptLanguage(ctx.header("Accept-Language"));
        }
        ReportLanguage l = ReportLanguage.parse(lang);
        if (l == null) {
            throw new BadParameterException("lang", "lang '" + lang + "' is not a report language; use zh-CN or en");
        }
        return l;
    }

    /** Computes the figures as the JSON routes do, writes the workbook or PDF in memory and sends it. */
    static void send(
            Context ctx,
            String format,
            IndicatorService service,
            String scope,
            Instant from,
            Instant to,
            Profile profile,
            ReportLanguage language)
            throws IOException {
        IndicatorReport report = service.compute(scope, from, to, profile);
        Evaluation evaluation = new ProfileEvaluator(service).evaluate(profile, scope, from, to);
        Enterprise enterprise = service.inventory().enterprise();
        boolean pdf = format.equals("pdf");
        XlsxReport.Input input = new XlsxReport.Input(
                enterprise,
                report,
                evaluation,
                pdf ? List.of() : EvidenceEndpoint.days(service, scope, from, to, profile, report),
                service.clock().instant(),
                Access.of(ctx).name());
        byte[] file = pdf ? PdfReport.write(input, language) : XlsxReport.write(input, language);
        ctx.header("Content-Disposition", "attachment; filename=\"" + fileName(enterprise, report, format) + "\"");
        ctx.header("Content-Language", language.tag());
        ctx.contentType(pdf ? PdfReport.CONTENT_TYPE : XlsxReport.CONTENT_TYPE).result(file);
    }

    /**
     * {@code floorlink-report-<enterprise>-<from>-<to>.<format>}, the dates of from and to (exclusive) in the
     * enterprise's time zone as yyyyMMdd.
     */
    static String fileName(Enterprise enterprise, IndicatorReport report, String format) {
        ZoneId zone = ZoneId.of(report.window().timezone());
        return "floorlink-report-" + UNSAFE.matcher(enterprise.code()).replaceAll("_") + "-"
                + DateTimeFormatter.BASIC_ISO_DATE.format(
                        report.window().from().atZone(zone).toLocalDate()) + "-"
                + DateTimeFormatter.BASIC_ISO_DATE.format(
                        report.window().to().atZone(zone).toLocalDate()) + "." + format;
    }
}
