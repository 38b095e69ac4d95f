package io.floorlink.collector.inventory;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each field of a YAML document starts ({@code equipment[3].line -> 12:11}), so that errors found after
 * parsing (duplicate ids, unknown references) can still name the line.
 */
final class YamlLocations {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private final Map<String, String> places;

    private YamlLocations(Map<String, String> places) {
        this.places = places;
    }

    /** Indexes a document; a document that does not parse yields an empty index (the parser reports it). */
    static YamlLocations of(String text) {
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

    /** {@code line:column} where exactly this path starts, or null. */
    String exact(String path) {
        return places.get(path);
    }

    /** {@code line:column} of the path or of its nearest enclosing element, or null if unknown. */
    String place(String path) {
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
