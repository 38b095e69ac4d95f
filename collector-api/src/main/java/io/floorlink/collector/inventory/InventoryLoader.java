package io.floorlink.collector.inventory;

import io.floorlink.collector.config.YamlLocations;
import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.config.YamlConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Reads the inventory YAML ({@code enterprise}, {@code sites}, {@code equipment}; see the module README). Every
 * error is a {@link ConfigException} starting with {@code file:line:column: field.path:}.
 */
public final class InventoryLoader {

    /** The file's shape, validated per record by the parser and as a whole by {@link Inventory#of}. */
    record Document(Enterprise enterprise, List<Site> sites, List<Equipment> equipment) {
        Document {
            if (enterprise == null) {
                throw new IllegalArgumentException("enterprise is required ({code, name, timezone})");
            }
        }
    }

    private InventoryLoader() {}

    /**
     * Reads and validates an inventory file. Blocks on file I/O.
     *
     * @throws ConfigException naming file, line, column and field
     */
    public static Inventory load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": inventory file not found");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(file.toString(), text, System::getenv);
    }

    /**
     * Parses and validates inventory text.
     *
     * @param source name used in messages (the file name)
     * @param env lookup for {@code ${NAME}} references
     * @throws ConfigException naming source, line, column and field
     */
    public static Inventory parse(String source, String text, Function<String, String> env) {
        Document doc;
        try {
            doc = YamlConfig.parse(source, text, env, Document.class);
        } catch (ConfigException e) {
            throw YamlLocations.relocate(source, text, e);
        }
        try {
            return Inventory.of(doc.enterprise(), doc.sites(), doc.equipment());
        } catch (InventoryException e) {
            String place = YamlLocations.of(text).place(e.path());
            throw new ConfigException(
                    source + ":" + (place == null ? "" : place + ":") + " " + e.path() + ": " + e.problem(), e);
        }
    }
}
