package io.floorlink.sparkplug.config;

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
 * Where each element of a YAML document starts, by dotted path ({@code equipment[3].line -> 12:5}). A field
 * starts at its key, a list item at its first character, the document at its first node ({@code ""}).
 *
 * <p>Needed because the parser only knows where it is when a record rejects itself: at the end of that record,
 * which in YAML is the next item or the end of the file.
 */
final class YamlPlaces {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private final Map<String, JsonLocation> starts;

    private YamlPlaces(Map<String, JsonLocation> starts) {
        this.starts = starts;
    }

    /** Indexes a document; the part after a syntax error is left out (the parser reports that error itself). */
    static YamlPlaces of(String text) {
        Map<String, JsonLocation> starts = new HashMap<>();
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
                    starts.putIfAbsent(path(p.getParsingContext(), t), p.currentTokenLocation());
                }
            }
        } catch (IOException | RuntimeException e) {
            // Keep the partial index: the places before the syntax error are still right.
        }
        return new YamlPlaces(starts);
    }

    /** Where exactly this path starts, or null when the document does not write it. */
    JsonLocation exact(String path) {
        return starts.get(path);
    }

    /** Where the path starts, else where its nearest enclosing element starts; null only for an empty document. */
    JsonLocation nearest(String path) {
        String p = path;
        while (true) {
            JsonLocation found = starts.get(p);
            if (found != null || p.isEmpty()) {
                return found;
            }
            p = p.substring(0, Math.max(0, Math.max(p.lastIndexOf('.'), p.lastIndexOf('['))));
        }
    }

    private static String path(JsonStreamContext ctx, JsonToken token) {
        Deque<String> parts = new ArrayDeque<>();
        JsonStreamContext c = ctx;
        // A START token has already opened its own context; it belongs to the element named by the parent.
        if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) && c != null) {
            c = c.getParent();
        }
        for (; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + c.getCurrentIndex() + "]");
            } else if (c.getCurrentName() != null) {
                boolean nested = c.getParent() != null && !c.getParent().inRoot();
                parts.push((nested ? "." : "") + c.getCurrentName());
            }
        }
        return String.join("", parts);
    }
}
