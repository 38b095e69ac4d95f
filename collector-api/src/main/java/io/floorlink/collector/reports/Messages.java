package io.floorlink.collector.reports;

import io.floorlink.collector.indicators.Figure;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The texts of the reports in one language, from the UTF-8 resources {@code /i18n/reports_zh_CN.properties} and
 * {@code /i18n/reports_en.properties} (same keys in both). Loaded once; thread-safe.
 */
public final class Messages {
    /** Classpath folder of the message files. */
    public static final String RESOURCE_FOLDER = "/i18n/";

    private static final Map<ReportLanguage, Messages> LOADED = load();

    private final ReportLanguage language;
    private final Properties texts;

    private Messages(ReportLanguage language, Properties texts) {
        this.language = language;
        this.texts = texts;
    }

    /** The texts of a language. */
    public static Messages of(ReportLanguage language) {
        return LOADED.get(language);
    }

    /** The language these texts are in. */
    public ReportLanguage language() {
        return language;
    }

    /**
     * The text of a key.
     *
     * @throws IllegalArgumentException when the key is in no message file (a programming error)
     */
    public String get(String key) {
        String v = texts.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("no report text '" + key + "' for " + language.tag());
        }
        return v;
    }

    /** The text of a key, or {@code fallback} when there is none (e.g. an indicator a newer engine added). */
    public String get(String key, String fallback) {
        return texts.getProperty(key, fallback);
    }

    /** Whether a key has a text. */
    public boolean has(String key) {
        return texts.containsKey(key);
    }

    /**
     * The text of a key with {@code {name}} placeholders replaced by the values given (by {@code toString()});
     * placeholders without a value stay as they are.
     */
    public String format(String key, Map<String, ?> values) {
        return fill(get(key), values);
    }

    /** Replaces {@code {name}} placeholders of {@code text} with the values given. */
    public static String fill(String text, Map<String, ?> values) {
        String out = text;
        for (Map.Entry<String, ?> v : values.entrySet()) {
            out = out.replace("{" + v.getKey() + "}", String.valueOf(v.getValue()));
        }
        return out;
    }

    /** The name of an indicator ({@code networking_rate} -> 设备联网率); the id where the file has none. */
    public String indicatorName(String id) {
        return get("indicator." + id + ".name", id);
    }

    /** An indicator's formula in words with its parameters filled in; the formula id where the file has none. */
    public String formulaWords(String id, Figure f) {
        String key = "indicator." + id + ".formula";
        return has(key) ? format(key, f.parameters()) : f.formula();
    }

    /** Whether a figure is official (MIIT), a variant of one, or a FloorLink definition, in words. */
    public String kind(String id, Figure f) {
        if (f.official()) {
            return get("kind.official");
        }
        return get(id.endsWith("_digital") ? "kind.variant" : "kind.definition");
    }

    /**
     * A reason sentence of the collector in this language: in Chinese by the table the web page uses too, else the
     * original marked as such ({@code reason.untranslated}); unchanged in English. Null stays null.
     */
    public String reason(String text) {
        if (text == null || text.isEmpty() || language != ReportLanguage.ZH_CN) {
            return text;
        }
        String zh = Reasons.chinese(text, this::indicatorLabel);
        return zh != null ? zh : get("reason.untranslated", "") + text;
    }

    /** Reason sentences in this language, joined by {@code "; "}. */
    public String reasons(java.util.List<String> texts) {
        return String.join("; ", texts.stream().map(this::reason).toList());
    }

    /** 设备联网率（networking_rate）: the name with the id, as the page writes it; the id alone when unnamed. */
    private String indicatorLabel(String id) {
        String name = get("indicator." + id + ".name", null);
        return name == null ? id : name + "（" + id + "）";
    }

    /** Every key of this language's file, sorted. */
    public Set<String> keys() {
        return new TreeSet<>(texts.stringPropertyNames());
    }

    private static Map<ReportLanguage, Messages> load() {
        Map<ReportLanguage, Messages> out = new EnumMap<>(ReportLanguage.class);
        for (ReportLanguage l : ReportLanguage.values()) {
            String name = RESOURCE_FOLDER + "reports_" + l.suffix() + ".properties";
            Properties p = new Properties();
            try (InputStream in = Messages.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + name);
                }
                p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + name, e);
            }
            out.put(l, new Messages(l, p));
        }
        return out;
    }
}
