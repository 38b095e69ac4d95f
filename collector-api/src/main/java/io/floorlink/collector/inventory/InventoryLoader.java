package io.floorlink.collector.inventory;

import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.config.YamlConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern PLACED = Pattern.compile("(\\d+):(\\d+): ([A-Za-z0-9_.\\[\\]]+):(.*)", Pattern.DOTALL);

    private InventoryLoader() {}

    /**
     * A record that rejects itself is reported by the parser where the record ends (often the next item or the
     * end of the file); point at the record's first line instead, which is where the user has to look.
     */
    private static ConfigException atObjectStart(String source, String text, ConfigException e) {
        String msg = e.getMessage();
        if (msg == null || !msg.startsWith(source + ":")) {
            return e;
        }
        Matcher m = PLACED.matcher(msg.substring(source.length() + 1));
        if (!m.matches()) {
            return e;
        }
        String start = YamlLocations.of(text).exact(m.group(3));
        if (start == null || start.equals(m.group(1) + ":" + m.group(2))) {
            return e;
        }
        return new ConfigException(source + ":" + start + ": " + m.group(3) + ":" + m.group(4), e);
    }

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
            throw atObjectStart(source, text, e);
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
