package io.floorlink.collector.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.floorlink.sparkplug.config.ConfigException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each field of a YAML document starts ({@code equipment[3].line -> 12:11}), so that errors found after
 * parsing (duplicate ids, unknown references) can still name the line.
 */
public final class YamlLocations {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private final Map<String, String> places;

    private YamlLocations(Map<String, String> places) {
        this.places = places;
    }

    /** Indexes a document; a document that does not parse yields an empty index (the parser reports it). */
    public static YamlLocations of(String text) {
        Map<String, String> places = new HashMap<>();
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    continue;
                }
                JsonLocation loc = p.currentTokenLocation();
                places.putIfAbsent(path(p.getParsingContext(), t), loc.getLineNr() + ":" + loc.getColumnNr());
            }
        } catch (IOException | RuntimeException e) {
            // Partial index: the YAML error itself is reported by the loader.
        }
        return new YamlLocations(places);
    }

    private static final java.util.regex.Pattern PLACED = java.util.regex.Pattern.compile(
            "(\\d+):(\\d+): ([A-Za-z0-9_.\\[\\]]+):(.*)", java.util.regex.Pattern.DOTALL);

    /**
     * The parser reports a record that rejects itself (or holds an unknown key) where the record ends, often
     * the next item or the end of the file; returns the same error placed where the named field starts, which
     * is where the user has to look. Other errors are returned unchanged.
     */
    public static ConfigException relocate(String source, String text, ConfigException e) {
        String msg = e.getMessage();
        if (msg == null || !msg.startsWith(source + ":")) {
            return e;
        }
        java.util.regex.Matcher m = PLACED.matcher(msg.substring(source.length() + 1));
        if (!m.matches()) {
            return e;
        }
        String start = of(text).exact(m.group(3));
        if (start == null || start.equals(m.group(1) + ":" + m.group(2))) {
            return e;
        }
        return new ConfigException(source + ":" + start + ": " + m.group(3) + ":" + m.group(4), e);
    }

    /** {@code line:column} where exactly this path starts, or null. */
    public String exact(String path) {
        return places.get(path);
    }

    /** {@code line:column} of the path or of its nearest enclosing element, or null if unknown. */
    public String place(String path) {
        String p = path;
        while (true) {
            String found = places.get(p);
            if (found != null) {
                return found;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            if (cut <= 0) {
                return null;
            }
            p = p.substring(0, cut);
        }
    }

    private static String path(JsonStreamContext ctx, JsonToken token) {
        Deque<String> parts = new ArrayDeque<>();
        JsonStreamContext c = ctx;
        boolean startToken = token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY;
        if (startToken && c != null) {
            c = c.getParent();
        }
        for (; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + c.getCurrentIndex() + "]");
            } else if (c.getCurrentName() != null) {
                parts.push((c.getParent() != null && !c.getParent().inRoot() ? "." : "") + c.getCurrentName());
            }
        }
        return String.join("", parts);
    }
}
