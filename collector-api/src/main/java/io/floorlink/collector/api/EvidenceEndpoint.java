package io.floorlink.collector.api;

import io.floorlink.collector.audit.AuditLog;
import io.floorlink.collector.evidence.EvidenceBundle;
import io.floorlink.collector.evidence.PlatformKey;
import io.floorlink.collector.indicators.EquipmentIndicators;
import io.floorlink.collector.indicators.IndicatorReport;
import io.floorlink.collector.indicators.IndicatorService;
import io.floorlink.collector.inventory.InventoryDocument;
import io.floorlink.collector.profiles.Evaluation;
import io.floorlink.collector.profiles.Profile;
import io.floorlink.collector.profiles.ProfileEvaluator;
import io.floorlink.collector.reports.ReportLanguage;
import io.floorlink.sparkplug.config.YamlConfig;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/keys} (the platform's public signing key) and {@code GET /api/v1/bundles} (a signed evidence
 * bundle of one scope, period and profile). Both answer 503 while no platform key is attached.
 */
final class EvidenceEndpoint {
    /** The acceptance report in the bundle: the XLSX of {@code GET /api/v1/reports}, in zh-CN. */
    static final String REPORT = "report.xlsx";
    /** The acceptance report in the bundle: the PDF of {@code GET /api/v1/reports?format=pdf}, in zh-CN. */
    static final String REPORT_PDF = "report.pdf";

    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");

    private volatile PlatformKey key;
    private volatile AuditLog audit;

    void attach(PlatformKey platformKey, AuditLog auditLog) {
        this.key = platformKey;
        this.audit = auditLog;
    }

    void keys(Context ctx) {
        PlatformKey k = key;
        if (k == null) {
            unavailable(ctx);
            return;
        }
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("id", k.id());
        one.put("algorithm", PlatformKey.ALGORITHM);
        one.put("use", "evidence bundle signatures (manifest.sig)");
        one.put("created", k.created());
        one.put("public_key_pem", k.publicKeyPem());
        ctx.json(Map.of("keys", List.of(one)));
    }

    /** Builds the bundle in memory (bounded by {@link EvidenceBundle#MAX_BYTES}) and sends it as a zip. */
    void bundle(Context ctx, IndicatorService service, String scope, Instant from, Instant to, Profile profile)
            throws IOException {
        PlatformKey k = key;
        if (k == null) {
            unavailable(ctx);
            return;
        }
        IndicatorReport report = service.compute(scope, from, to, profile);
        Evaluation evaluation = new ProfileEvaluator(service).evaluate(profile, scope, from, to);
        List<EvidenceBundle.Entry> files = new ArrayList<>();
        files.add(json("indicators.json", report));
        files.add(text("indicators.csv", CsvViews.report(report).render()));
        files.add(json("evaluation.json", evaluation));
        files.add(text("evaluation.csv", CsvViews.evaluation(evaluation).render()));
        files.add(json("profile.json", profile));
        files.add(text(
                "inventory.yaml", YamlConfig.mapper().writeValueAsString(InventoryDocument.of(service.inventory()))));
        for (EquipmentIndicators e : report.equipment()) {
            files.add(text(
                    "equipment/" + safe(e.id()) + ".csv", CsvViews.equipment(e).render()));
        }
        List<Map.Entry<LocalDate, IndicatorReport>> days = days(service, scope, from, to, profile, report);
        Map<String, CsvTable> daily = CsvViews.equipmentDays(days);
        for (Map.Entry<String, CsvTable> d : daily.entrySet()) {
            files.add(text("daily/" + safe(d.getKey()) + ".csv", d.getValue().render()));
        }
        String who = Access.of(ctx).name();
        Instant generatedAt = service.clock().instant();
        XlsxReport.Input reportInput =
                new XlsxReport.Input(service.inventory().enterprise(), report, evaluation, days, generatedAt, who);
        files.add(new EvidenceBundle.Entry(REPORT, XlsxReport.write(reportInput, ReportLanguage.ZH_CN)));
        files.add(new EvidenceBundle.Entry(REPORT_PDF, PdfReport.write(reportInput, ReportLanguage.ZH_CN)));
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("enterprise", service.inventory().enterprise().code());
        about.put("scope", report.scope());
        about.put("from", from);
        about.put("to", to);
        about.put("profile", Map.of("id", profile.id(), "version", profile.version()));
        about.put("evaluation_status", evaluation.status());
        about.put("generated_at", generatedAt);
        about.put("generated_by", who);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EvidenceBundle.write(out, files, Json.mapper().convertValue(about, Map.class), k);
        byte[] zip = out.toByteArray();
        AuditLog a = audit;
        if (a != null) {
            a.append(
                    who,
                    "bundle.generated",
                    History.target(service.inventory().enterprise().code()),
                    evaluation.status(),
                    Map.of(
                            "enterprise", service.inventory().enterprise().code(),
                            "scope", report.scope().name(),
                            "from", from.toString(),
                            "to", to.toString(),
                            "profile", profile.id() + "@" + profile.version(),
                            "sha256", AuditLog.sha256(zip),
                            "key_id", k.id()));
        }
        String name =
                "floorlink-evidence-" + safe(service.inventory().enterprise().code()) + "-"
                        + DateTimeFormatter.BASIC_ISO_DATE.format(from.atOffset(java.time.ZoneOffset.UTC)) + "-"
                        + DateTimeFormatter.BASIC_ISO_DATE.format(to.atOffset(java.time.ZoneOffset.UTC)) + ".zip";
        ctx.header("Content-Disposition", "attachment; filename=\"" + name + "\"");
        ctx.contentType("application/zip").result(zip);
    }

    /** The report of each enterprise-local calendar day the period touches, cut to the period. */
    static List<Map.Entry<LocalDate, IndicatorReport>> days(
            IndicatorService service, String scope, Instant from, Instant to, Profile profile, IndicatorReport whole) {
        ZoneId zone = ZoneId.of(whole.window().timezone());
        List<Map.Entry<LocalDate, IndicatorReport>> out = new ArrayList<>();
        for (LocalDate d = from.atZone(zone).toLocalDate();
                d.atStartOfDay(zone).toInstant().isBefore(to);
                d = d.plusDays(1)) {
            Instant start = max(from, d.atStartOfDay(zone).toInstant());
            Instant end = min(to, d.plusDays(1).atStartOfDay(zone).toInstant());
            if (start.isBefore(end)) {
                out.add(Map.entry(d, service.compute(scope, start, end, profile)));
            }
        }
        return out;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static EvidenceBundle.Entry json(String name, Object value) throws IOException {
        return new EvidenceBundle.Entry(
                name, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
    }

    private static EvidenceBundle.Entry text(String name, String value) {
        return new EvidenceBundle.Entry(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String safe(String id) {
        return UNSAFE.matcher(id).replaceAll("_");
    }

    private static void unavailable(Context ctx) {
        ctx.status(503).json(new ApiError("evidence_unavailable", null, "no platform signing key is attached"));
    }
}
