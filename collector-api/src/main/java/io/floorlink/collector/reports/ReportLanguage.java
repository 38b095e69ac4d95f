package io.floorlink.collector.reports;

import java.util.List;
import java.util.Locale;

/** The languages reports are written in: {@code zh-CN} (the default for a Chinese reader) and {@code en}. */
public enum ReportLanguage {
    ZH_CN("zh-CN", "zh_CN"),
    EN("en", "en");

    private final String tag;
    private final String suffix;

    ReportLanguage(String tag, String suffix) {
        this.tag = tag;
        this.suffix = suffix;
    }

    /** The BCP 47 tag, as the {@code lang} parameter takes it: {@code zh-CN} or {@code en}. */
    public String tag() {
        return tag;
    }

    /** The resource bundle suffix, e.g. {@code zh_CN} for {@code reports_zh_CN.properties}. */
    String suffix() {
        return suffix;
    }

    /**
     * The language a {@code lang} parameter names: {@code zh-CN} (also {@code zh}, {@code zh-Hans}, any case or
     * {@code _}) or {@code en} (also {@code en-US}...).
     *
     * @return null when the tag names neither
     */
    public static ReportLanguage parse(String tag) {
        if (tag == null) {
            return null;
        }
        String t = tag.trim().replace('_', '-').toLowerCase(Locale.ROOT);
        if (t.equals("zh") || t.equals("zh-cn") || t.equals("zh-hans") || t.equals("zh-hans-cn")) {
            return ZH_CN;
        }
        if (t.equals("en") || t.startsWith("en-")) {
            return EN;
        }
        return null;
    }

    /**
     * The language for an {@code Accept-Language} header: zh-CN when the caller's most preferred language is any
     * Chinese ({@code zh*}), otherwise (also when absent or unreadable) en.
     */
    public static ReportLanguage fromAcceptLanguage(String header) {
        if (header == null || header.isBlank()) {
            return EN;
        }
        List<Locale.LanguageRange> ranges;
        try {
            ranges = Locale.LanguageRange.parse(header);
        } catch (IllegalArgumentException e) {
            return EN;
        }
        for (Locale.LanguageRange r : ranges) {
            if (r.getWeight() <= 0) {
                continue;
            }
            return r.getRange().toLowerCase(Locale.ROOT).startsWith("zh") ? ZH_CN : EN;
        }
        return EN;
    }
}
