package io.floorlink.collector.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Chinese text of the collector's reason sentences, from {@code /web/reasons.zh-CN.json}: the same table the web
 * page reads, so page and reports say the same. Loaded once; thread-safe.
 */
final class Reasons {
    /** Classpath resource of the table. */
    static final String RESOURCE = "/web/reasons.zh-CN.json";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(ind:)?(\\d+)}");
    private static final Pattern RULE = Pattern.compile("^rule (\\S+): (.*)$");
    private static final Pattern NOT_MEASURABLE = Pattern.compile("^not measurable: (.*)$");

    /** One sentence pattern and its text; {@code example} is a sentence it must translate. */
    record Entry(Pattern en, String zh, String example) {}

    private static final List<Entry> ENTRIES = load();

    private Reasons() {}

    static List<Entry> entries() {
        return ENTRIES;
    }

    /**
     * The sentence in Chinese; null when no pattern knows it.
     *
     * @param indicatorName the name of an indicator id, for {@code {ind:n}} placeholders
     */
    static String chinese(String text, UnaryOperator<String> indicatorName) {
        for (Entry e : ENTRIES) {
            Matcher m = e.en().matcher(text);
            if (m.find()) {
                return fill(e.zh(), m, indicatorName);
            }
        }
        // Composite sentences: "rule id: tail", "not measurable: tail", "head: tail".
        Matcher rule = RULE.matcher(text);
        if (rule.matches()) {
            String inner = chinese(rule.group(2), indicatorName);
            return inner == null ? null : "规则 " + rule.group(1) + "：" + inner;
        }
        Matcher nm = NOT_MEASURABLE.matcher(text);
        if (nm.matches()) {
            String rest = chinese(nm.group(1), indicatorName);
            return rest == null ? null : "无法计算：" + rest;
        }
        int cut = text.indexOf(": ");
        if (cut > 0) {
            String head = chinese(text.substring(0, cut), indicatorName);
            String tail = chinese(text.substring(cut + 2), indicatorName);
            if (head != null && tail != null) {
                return head + "：" + tail;
            }
        }
        return null;
    }

    private static String fill(String template, Matcher m, UnaryOperator<String> indicatorName) {
        Matcher p = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (p.find()) {
            int n = Integer.parseInt(p.group(2));
            String v = n <= m.groupCount() && m.group(n) != null ? m.group(n) : "";
            p.appendReplacement(out, Matcher.quoteReplacement(p.group(1) != null ? indicatorName.apply(v) : v));
        }
        p.appendTail(out);
        return out.toString().trim();
    }

    private static List<Entry> load() {
        try (InputStream in = Reasons.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            JsonNode doc = new ObjectMapper().readTree(in);
            List<Entry> out = new ArrayList<>();
            for (JsonNode p : doc.path("patterns")) {
                out.add(new Entry(
                        Pattern.compile(p.path("en").asText()),
                        p.path("zh").asText(),
                        p.path("example").asText()));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
