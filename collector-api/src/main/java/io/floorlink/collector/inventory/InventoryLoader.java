package io.floorlink.collector.inventory;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.floorlink.collector.calendar.ShiftCalendar;
import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.config.ConfigFieldException;
import io.floorlink.sparkplug.config.YamlConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads the inventory YAML ({@code enterprise}, {@code calendars}, {@code sites}, {@code equipment}; see the module
 * README). Every error is a {@link ConfigException} starting with {@code file:line:column: field.path:}; YAML
 * stops at the first error (CSV and XLSX imports, {@link TabularInventoryReader}, report all of them).
 */
public final class InventoryLoader {

    /**
     * The file: each record validates itself, {@link Inventory#of} checks the whole (duplicate ids, unknown
     * lines) while the document is being read, so the parser places its {@link InventoryException} at the field.
     */
    record Document(Inventory inventory) {
        @JsonCreator
        static Document read(
                @JsonProperty("enterprise") Enterprise enterprise,
                @JsonProperty("calendars") List<CalendarSpec> calendars,
                @JsonProperty("sites") List<Site> sites,
                @JsonProperty("equipment") List<Equipment> equipment) {
            if (enterprise == null) {
                throw new ConfigFieldException("enterprise", "required ({code, name, timezone})");
            }
            List<ShiftCalendar> built = new ArrayList<>();
            for (CalendarSpec c : calendars == null ? List.<CalendarSpec>of() : calendars) {
                built.add(c.toCalendar(enterprise.zone()));
            }
            return new Document(Inventory.of(enterprise, sites, equipment, built));
        }
    }

    private InventoryLoader() {}

    /**
     * Reads and validates an inventory file. Blocks on file I/O.
     *
     * @throws ConfigException naming file, line, column and field
     */
    public static Inventory load(Path file) {
        if (Files.notExists(file)) {
            // Said apart from a missing collector.yaml: the path comes from the collector's own configuration.
            throw new ConfigException(file + ": inventory file not found");
        }
        return YamlConfig.load(file, Document.class).inventory();
    }

    /**
     * Parses and validates inventory text.
     *
     * @param source name used in messages (the file name)
     * @param env lookup for {@code ${NAME}} references
     * @throws ConfigException naming source, line, column and field
     */
    public static Inventory parse(String source, String text, Function<String, String> env) {
        return YamlConfig.parse(source, text, env, Document.class).inventory();
    }
}
