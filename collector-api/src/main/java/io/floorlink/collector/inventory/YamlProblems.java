package io.floorlink.collector.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.config.YamlConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The problems found in one YAML document, by place in the file, and which parts failed to read: a loader binds
 * each part on its own, checks across parts, and reports every problem at once ({@link #throwIfAny}). Not
 * thread-safe; one per load.
 */
public final class YamlProblems {
    private final TreeMap<Long, List<String>> byPlace = new TreeMap<>();
    private final List<String> failedParts = new ArrayList<>();
    private long order;

    public void add(ConfigException e) {
        byPlace.computeIfAbsent(place(e.getMessage()) * 1_000_000L + order++, k -> new ArrayList<>())
                .add(e.getMessage());
    }

    public <T> T bind(YamlConfig.Tree tree, String path, JsonNode node, Class<T> type) {
        try {
            return tree.bind(path, node, type);
        } catch (ConfigException e) {
            add(e);
            failedParts.add(path);
            return null;
        }
    }

    /** Every element of a list section, null where one failed (its place kept). */
    public <T> List<T> list(YamlConfig.Tree tree, JsonNode root, String key, Class<T> type) {
        JsonNode node = root.get(key);
        List<T> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            add(tree.at(key, "expected a list"));
            failedParts.add(key);
            return out;
        }
        for (int i = 0; i < node.size(); i++) {
            out.add(bind(tree, key + "[" + i + "]", node.get(i), type));
        }
        return out;
    }

    public boolean failedIn(String section) {
        return failedParts.stream().anyMatch(p -> p.equals(section) || p.startsWith(section + "["));
    }

    /** Whether the problem is about a part that already failed to read (it would be reported twice). */
    public boolean failed(String path) {
        return failedParts.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "."));
    }

    public void throwIfAny() {
        if (!byPlace.isEmpty()) {
            List<String> all = new ArrayList<>();
            byPlace.values().forEach(all::addAll);
            throw new ConfigException(String.join("\n", all));
        }
    }

    /** The line of a {@code source:line:column: ...} message, 0 when it has none. */
    private static long place(String message) {
        String[] parts = message.split(":", 4);
        try {
            return parts.length >= 3 ? Long.parseLong(parts[1]) * 10_000 + Long.parseLong(parts[2]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
