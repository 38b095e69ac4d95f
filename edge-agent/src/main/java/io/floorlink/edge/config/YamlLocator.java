package io.floorlink.edge.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.Optional;

/** Finds where a field is written in YAML text, for errors found after the whole document was read. */
final class YamlLocator {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private YamlLocator() {}

    /** Line and column (1-based) of the value at {@code pointer}, or empty when the text has no such field. */
    static Optional<int[]> find(String text, String pointer) {
        JsonPointer target = JsonPointer.compile(pointer);
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME || t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    continue;
                }
                if (target.equals(p.getParsingContext().pathAsPointer())) {
                    JsonLocation loc = p.currentTokenLocation();
                    return Optional.of(new int[] {loc.getLineNr(), loc.getColumnNr()});
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
