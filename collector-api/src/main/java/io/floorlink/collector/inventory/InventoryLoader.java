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
        YamlProblems problems = new YamlProblems();
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
}
