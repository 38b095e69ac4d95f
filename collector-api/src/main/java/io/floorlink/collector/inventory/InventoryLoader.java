package io.floorlink.collector.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.calendar.ShiftCalendar;
import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.config.YamlConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads the inventory YAML ({@code enterprise}, {@code calendars}, {@code sites}, {@code equipment}; see the module
 * README). Every part is read on its own and the whole is checked across parts (duplicate ids, unknown lines and
 * calendars), so one import reports every problem: a {@link ConfigException} whose message has one line
 * {@code file:line:column: field.path: problem} per problem, in file order. Nothing is returned when there is one.
 */
public final class InventoryLoader {
    private static final Set<String> KEYS = Set.of("enterprise", "calendars", "sites", "equipment");

    private InventoryLoader() {}

    /**
     * Reads and validates an inventory file. Blocks on file I/O.
     *
     * @throws ConfigException naming file, line, column and field of every problem
     */
    public static Inventory load(Path file) {
        if (Files.notExists(file)) {
            // Said apart from a missing collector.yaml: the path comes from the collector's own configuration.
            throw new ConfigException(file + ": inventory file not found");
        }
        return read(YamlConfig.tree(file));
    }

    /**
     * Parses and validates inventory text.
     *
     * @param source name used in messages (the file name)
     * @param env lookup for {@code ${NAME}} references
     * @throws ConfigException naming source, line, column and field of every problem
     */
    public static Inventory parse(String source, String text, Function<String, String> env) {
        return read(YamlConfig.tree(source, text, env));
    }

    private static Inventory read(YamlConfig.Tree tree) {
        Problems problems = new Problems();
        JsonNode root = tree.root();
        if (!root.isObject()) {
            throw tree.at("", "expected a map with enterprise, calendars, sites and equipment");
        }
        for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!KEYS.contains(key)) {
                problems.add(tree.at(
                        key, "unknown key '" + key + "' (known keys: calendars, enterprise, equipment, sites)"));
            }
        }
        Enterprise enterprise = null;
        if (root.get("enterprise") == null || root.get("enterprise").isNull()) {
            problems.add(tree.at("enterprise", "required ({code, name, timezone})"));
        } else {
            enterprise = problems.bind(tree, "enterprise", root.get("enterprise"), Enterprise.class);
        }
        List<CalendarSpec> specs = problems.list(tree, root, "calendars", CalendarSpec.class);
        List<Site> sites = problems.list(tree, root, "sites", Site.class);
        List<Equipment> equipment = problems.list(tree, root, "equipment", Equipment.class);
        List<ShiftCalendar> calendars = new ArrayList<>();
        if (enterprise != null) {
            for (int c = 0; c < specs.size(); c++) {
                CalendarSpec spec = specs.get(c);
                try {
                    calendars.add(spec == null ? null : spec.toCalendar(enterprise.zone()));
                } catch (IllegalArgumentException e) {
                    problems.add(tree.at("calendars[" + c + "]", e.getMessage()));
                    calendars.add(null);
                }
            }
            // Across parts only when the parts they refer to were read: no "unknown line" for a line of a bad site.
            if (!problems.failedIn("calendars") && !problems.failedIn("sites")) {
                for (InventoryException p : Inventory.problems(enterprise, sites, equipment, calendars)) {
                    if (!problems.failed(p.path())) {
                        problems.add(tree.at(p.path(), p.problem()));
                    }
                }
            }
        }
        problems.throwIfAny();
        return Inventory.of(enterprise, sites, equipment, calendars);
    }

    /** The problems of one import, by place in the file, and which parts failed to read. */
    private static final class Problems {
        private final TreeMap<Long, List<String>> byPlace = new TreeMap<>();
        private final List<String> failedParts = new ArrayList<>();
        private long order;

        void add(ConfigException e) {
            byPlace.computeIfAbsent(place(e.getMessage()) * 1_000_000L + order++, k -> new ArrayList<>())
                    .add(e.getMessage());
        }

        <T> T bind(YamlConfig.Tree tree, String path, JsonNode node, Class<T> type) {
            try {
                return tree.bind(path, node, type);
            } catch (ConfigException e) {
                add(e);
                failedParts.add(path);
                return null;
            }
        }

        /** Every element of a list section, null where one failed (its place kept). */
        <T> List<T> list(YamlConfig.Tree tree, JsonNode root, String key, Class<T> type) {
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

        boolean failedIn(String section) {
            return failedParts.stream().anyMatch(p -> p.equals(section) || p.startsWith(section + "["));
        }

        /** Whether the problem is about a part that already failed to read (it would be reported twice). */
        boolean failed(String path) {
            return failedParts.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "."));
        }

        void throwIfAny() {
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
}
