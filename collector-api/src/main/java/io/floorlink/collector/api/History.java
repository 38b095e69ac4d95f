package io.floorlink.collector.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.audit.AuditLog;
import io.floorlink.collector.district.Enterprises;
import io.floorlink.collector.indicators.Figure;
import io.floorlink.collector.profiles.Evaluation;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * 一企一档: an enterprise's file of evaluations recorded, evidence bundles handed out and inventory imports, kept in
 * the hash-chained audit log (so an entry edited or removed later is found) and read back as a timeline.
 * {@code POST /api/v1/evaluations} records an evaluation; {@code GET /api/v1/enterprises/{code}/history} reads the
 * file.
 */
final class History {
    /** Most entries one history answer holds (the newest); {@code limit} may ask for fewer. */
    static final int MAX_ENTRIES = 1_000;
    /** Entries of a history answer when {@code limit} is not given. */
    static final int DEFAULT_ENTRIES = 200;

    private static final Map<String, String> KINDS =
            Map.of("evaluation.recorded", "evaluation", "bundle.generated", "bundle", "inventory.import", "inventory");

    private History() {}

    /** The audit log target of an enterprise's evaluations and bundles. */
    static String target(String code) {
        return "enterprise:" + code;
    }

    /**
     * Records an evaluation as the caller computed it: who, which profile, scope and period, the verdict, the
     * official figures and the SHA-256 of the evaluation as answered. Reviewers, contractors and the admin may;
     * enterprise users and anonymous callers may not (they cannot write evidence).
     *
     * @return the answer's body: the evaluation and where it stands in the chain
     */
    static Map<String, Object> record(
            Access.Principal who, AuditLog audit, Evaluation ev, Map<String, Figure> scopeFigures) throws IOException {
        String evaluationJson = Json.mapper().writeValueAsString(ev);
        String sha = AuditLog.sha256(evaluationJson);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("enterprise", ev.enterprise().code());
        details.put("scope", ev.scope().expression());
        details.put("from", ev.window().from().toString());
        details.put("to", ev.window().to().toString());
        details.put("profile", ev.profile().id() + "@" + ev.profile().version());
        details.put("networking_rate", value(scopeFigures.get("networking_rate")));
        details.put("digitalization_rate", value(scopeFigures.get("digitalization_rate")));
        details.put("data_trust", ev.dataTrust().status());
        details.put("result_sha256", sha);
        AuditLog.Appended at = audit.append(
                who.name(), "evaluation.recorded", target(ev.enterprise().code()), ev.status(), details);
        Map<String, Object> recorded = new LinkedHashMap<>();
        recorded.put("seq", at.seq());
        recorded.put("hash", at.hash());
        recorded.put("result_sha256", sha);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("recorded", recorded);
        body.put("evaluation", Json.mapper().readTree(evaluationJson));
        return body;
    }

    private static String value(Figure f) {
        return f == null || f.value() == null ? null : String.valueOf(f.value());
    }

    /** The timeline of one enterprise, newest first, with the state of the whole chain. */
    static void get(Context ctx, Enterprises.Context enterprise, boolean single, AuditLog audit) throws IOException {
        String kind = ctx.queryParam("kind");
        if (kind != null && !kind.isBlank() && !KINDS.containsValue(kind.trim())) {
            throw new BadParameterException(
                    "kind", "kind must be evaluation, bundle or inventory but was '" + kind + "'");
        }
        int limit = DEFAULT_ENTRIES;
        String l = ctx.queryParam("limit");
        if (l != null && !l.isBlank()) {
            try {
                limit = Integer.parseInt(l.trim());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_ENTRIES) {
                throw new BadParameterException("limit", "limit must be 1.." + MAX_ENTRIES + " but was '" + l + "'");
            }
        }
        String code = enterprise.code();
        Set<String> targets = single
                ? Set.of(target(code), "inventory:" + code, "inventory")
                : Set.of(target(code), "inventory:" + code);
        List<JsonNode> all = AuditLog.entries(audit.file(), targets, MAX_ENTRIES);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) {
            JsonNode e = all.get(i);
            String k = KINDS.get(e.path("action").asText());
            if (k == null || (kind != null && !kind.isBlank() && !k.equals(kind.trim()))) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("seq", e.path("seq").asLong());
            row.put("time", e.path("time").asText());
            row.put("kind", k);
            row.put("actor", e.path("actor").asText());
            row.put("result", e.path("result").asText());
            row.put("details", e.path("details"));
            row.put("hash", e.path("hash").asText());
            out.add(row);
        }
        AuditLog.Verification v = AuditLog.verify(audit.file());
        Map<String, Object> chain = new LinkedHashMap<>();
        chain.put("intact", v.intact());
        chain.put("entries", v.entries());
        chain.put("problem", v.problem());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("enterprise", code);
        body.put("chain", chain);
        body.put("count", out.size());
        body.put("entries", out);
        ctx.json(body);
    }
}
