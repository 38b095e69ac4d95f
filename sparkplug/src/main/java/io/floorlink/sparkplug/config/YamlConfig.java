package io.floorlink.sparkplug.config;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.ext.NioPathDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.floorlink.sparkplug.Category;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Loads FloorLink YAML configuration into records: snake_case keys, unknown keys rejected, durations with
 * units ({@link Durations}), sizes ({@link DataSize}), categories, and {@code ${ENV}} / {@code
 * ${ENV:-default}} references replaced from the environment before parsing, {@code ${file:PATH}} by the content
 * of a secret file (trailing line breaks removed; a relative PATH is resolved against the configuration file's
 * folder; systemd credentials, Kubernetes and Docker secrets). Every failure is a {@link
 * ConfigException} whose message starts with {@code file:line:column: field.path:}.
 *
 * <p>Records validate themselves in their compact constructors by throwing {@link IllegalArgumentException};
 * the message is reported where the object being built starts in the file (its key, or its first character as
 * a list item). A {@link ConfigFieldException} is reported where the field it names (a path from the document
 * root) starts instead, so the root record can check across the document (duplicate ids across lists, unknown
 * references) and still point at the offending field. Loaders that validate after parsing use {@link #at}.
 */
public final class YamlConfig {
    /** Jackson's list of the type ids it knows, in an unknown-type error: {@code known type ids = [a, b]}. */
    private static final Pattern KNOWN_TYPE_IDS = Pattern.compile("known type ids = \\[?([^\\]\\n]*)");

    private static final Pattern ENV_REF =
            Pattern.compile("\\$\\{(?:file:([^}]+)|([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?)}");

    /**
     * Largest configuration document, in characters (code points) after {@code ${...}} substitution. A
     * 100,000-point edge configuration is about 10 MB; SnakeYAML's own default (3 MB) refused about 30,000.
     */
    public static final int MAX_DOCUMENT_CODE_POINTS = 64 * 1024 * 1024;

    /** Largest secret file {@code ${file:...}} reads; a password or token, never a document. */
    public static final int MAX_SECRET_FILE_BYTES = 64 * 1024;

    /** Deserialization attribute: the folder a relative {@link Path} value is resolved against, when set. */
    private static final Object BASE_DIR = new Object();

    private static final ObjectMapper MAPPER = createMapper();

    private YamlConfig() {}

    /** The shared, thread-safe mapper; also usable for JSON-shaped config from other sources. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Reads and parses a file. Blocks on file I/O.
     *
     * @throws ConfigException naming the file (and line, column and field where the content is wrong)
     */
    public static <T> T load(Path file, Class<T> type) {
        return parse(file.toString(), read(file), System::getenv, type);
    }

    /**
     * Reads a file and parses it to a tree ({@link #tree(String, String, Function)}), {@code ${NAME}} from the
     * environment. Blocks on file I/O.
     *
     * @throws ConfigException naming the file (and line and column where it is not valid YAML)
     */
    public static Tree tree(Path file) {
        return tree(file.toString(), read(file), System::getenv);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": file not found");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Parses configuration text.
     *
     * @param source name used in error messages (a file name)
     * @param env environment lookup for {@code ${NAME}} references; returns null for unset variables
     * @throws ConfigException naming source, line, column and field
     */
    public static <T> T parse(String source, String text, Function<String, String> env, Class<T> type) {
        String resolved = substituteEnv(source, text, env);
        checkSize(source, resolved);
        if (resolved.isBlank()) {
            throw new ConfigException(source + ": file is empty");
        }
        try {
            T value = MAPPER.readValue(resolved, type);
            if (value == null) {
                throw new ConfigException(source + ": file is empty");
            }
            return value;
        } catch (JsonMappingException e) {
            throw new ConfigException(describe(source, resolved, "", e), e);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new ConfigException(source + place(loc) + " not valid YAML: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * A document parsed to a tree, for loaders that bind its parts one by one and so can report every bad part,
     * not only the first. Thread-safe.
     *
     * @param source name used in error messages (a file name)
     * @param text the text after {@code ${NAME}} substitution (same lines as the file)
     * @param root the document's root node, never null
     */
    public record Tree(String source, String text, JsonNode root) {
        /**
         * Binds one part of the document, e.g. {@code equipment[3]}, as {@link #parse} would.
         *
         * @param path where {@code node} is in the document, in dotted form
         * @return the bound value; null for a YAML null
         * @throws ConfigException placed at the field that is wrong, its path starting with {@code path}
         */
        public <T> T bind(String path, JsonNode node, Class<T> type) {
            try {
                return MAPPER.treeToValue(node, type);
            } catch (JsonMappingException e) {
                throw new ConfigException(describe(source, text, path, e), e);
            } catch (JsonProcessingException e) {
                throw new ConfigException(placed(source, YamlPlaces.of(text).nearest(path), path, e.getMessage()), e);
            }
        }

        /**
         * {@link #bind}, with every relative {@link Path} value resolved against {@code base} (an absolute one is
         * kept): for a configuration file whose paths mean "next to this file", whatever the working directory.
         *
         * @param base folder relative paths are resolved against, typically the configuration file's folder
         */
        public <T> T bindRelativeTo(Path base, String path, JsonNode node, Class<T> type) {
            try {
                return MAPPER.reader().withAttribute(BASE_DIR, base).treeToValue(node, type);
            } catch (JsonMappingException e) {
                throw new ConfigException(describe(source, text, path, e), e);
            } catch (JsonProcessingException e) {
                throw new ConfigException(placed(source, YamlPlaces.of(text).nearest(path), path, e.getMessage()), e);
            }
        }

        /** An error about {@code path}, placed where it starts (see {@link YamlConfig#at}). */
        public ConfigException at(String path, String problem) {
            return YamlConfig.at(source, text, path, problem);
        }
    }

    /**
     * Parses configuration text to a tree, without binding it.
     *
     * @throws ConfigException for a file that is empty or not valid YAML, naming source, line and column
     */
    public static Tree tree(String source, String text, Function<String, String> env) {
        String resolved = substituteEnv(source, text, env);
        checkSize(source, resolved);
        if (resolved.isBlank()) {
            throw new ConfigException(source + ": file is empty");
        }
        try {
            JsonNode root = MAPPER.readTree(resolved);
            if (root == null || root.isNull() || root.isMissingNode()) {
                throw new ConfigException(source + ": file is empty");
            }
            return new Tree(source, resolved, root);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new ConfigException(source + place(loc) + " not valid YAML: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * An error found after parsing, placed where {@code path} starts in {@code text} (or where its nearest
     * enclosing element starts, when the document does not write that field).
     *
     * @param source name used in the message (a file name)
     * @param text the configuration text that was parsed; {@code ${NAME}} references may be resolved or not,
     *     the lines are the same
     * @param path the field in dotted form relative to the document root, e.g. {@code equipment[3].line}; empty
     *     for the document as a whole
     * @param problem what is wrong
     * @return an exception (not thrown) whose message is {@code source:line:column: path: problem}
     */
    public static ConfigException at(String source, String text, String path, String problem) {
        return new ConfigException(placed(source, YamlPlaces.of(text).nearest(path), path, problem));
    }

    private static String placed(String source, JsonLocation loc, String path, String problem) {
        return source + place(loc) + " " + (path.isEmpty() ? "" : path + ": ") + problem;
    }

    /** Replaces {@code ${NAME}} and {@code ${NAME:-default}}, line by line so line numbers stay right. */
    static String substituteEnv(String source, String text, Function<String, String> env) {
        String[] lines = text.split("\n", -1);
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int comment = commentStart(line);
            String body = comment < 0 ? line : line.substring(0, comment);
            Matcher m = ENV_REF.matcher(body);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String place = source + ":" + (i + 1) + ":" + (m.start() + 1) + ": ";
                String value;
                if (m.group(1) != null) {
                    value = secretFile(source, m.group(1).strip(), place);
                } else {
                    value = env.apply(m.group(2));
                    if (value == null) {
                        value = m.group(3);
                    }
                    if (value == null) {
                        throw new ConfigException(place + "environment variable " + m.group(2) + " is not set");
                    }
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(value));
            }
            m.appendTail(sb);
            out.append(sb);
            if (comment >= 0) {
                out.append(line, comment, line.length());
            }
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** The content of a {@code ${file:...}} secret; errors name the place and the file, never the content. */
    private static String secretFile(String source, String path, String place) {
        return readSecretFile(Path.of(source).toAbsolutePath().getParent(), path, place);
    }

    /**
     * Reads a secret file the way a {@code ${file:PATH}} reference does: at most {@link #MAX_SECRET_FILE_BYTES},
     * one line, trailing line breaks removed (other white space is kept). Blocks on file I/O.
     *
     * @param base folder a relative {@code path} is resolved against (the configuration file's folder); null
     *     means the working directory
     * @param path the file as the reference writes it
     * @param place start of every error message, e.g. {@code edge.yaml:3:11: } or {@code gateway.store.password: }
     * @return the secret, never null
     * @throws ConfigException starting with {@code place} and naming the file; never containing its content
     */
    public static String readSecretFile(Path base, String path, String place) {
        Path file = Path.of(path);
        if (!file.isAbsolute() && base != null) {
            file = base.resolve(file);
        }
        try {
            if (Files.size(file) > MAX_SECRET_FILE_BYTES) {
                throw new ConfigException(
                        place + "secret file " + file + " is larger than " + MAX_SECRET_FILE_BYTES + " bytes");
            }
            String value = Files.readString(file).replaceAll("[\\r\\n]+$", "");
            if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                throw new ConfigException(place + "secret file " + file + " must hold one line");
            }
            return value;
        } catch (NoSuchFileException e) {
            throw new ConfigException(place + "secret file " + file + " not found");
        } catch (IOException e) {
            throw new ConfigException(place + "cannot read secret file " + file + ": "
                    + e.getClass().getSimpleName());
        }
    }

    private static int commentStart(String line) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single) {
                dbl = !dbl;
            } else if (c == '#' && !single && !dbl && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return i;
            }
        }
        return -1;
    }

    /** @param prefix where the bound value is in the document ("" for the root); paths of e are relative to it */
    private static String describe(String source, String text, String prefix, JsonMappingException e) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof MarkedYAMLException y) {
                return source + place(e.getLocation()) + " not valid YAML: " + firstLine(y.getProblem());
            }
        }
        YamlPlaces places = YamlPlaces.of(text);
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof ConfigFieldException f) {
                String fieldPath = join(prefix, f.path());
                return placed(source, places.nearest(fieldPath), fieldPath, f.problem());
            }
        }
        String path = join(prefix, path(e));
        // The parser's own location is where it stopped: for a record that rejects itself that is the end of
        // the record (the next item or the end of the file); the start of the element is where users look.
        JsonLocation start = path.isEmpty() && !(e instanceof ValueInstantiationException)
                ? null
                : prefix.isEmpty() ? places.exact(path) : places.nearest(path);
        String where =
                source + place(start != null ? start : e.getLocation()) + (path.isEmpty() ? "" : " " + path + ":");
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null
                    ? ""
                    : u.getKnownPropertyIds().stream()
                            .map(Object::toString)
                            .sorted()
                            .collect(Collectors.joining(", ", " (known keys: ", ")"));
            return where + " unknown key '" + u.getPropertyName() + "'" + known;
        }
        if (e instanceof InvalidTypeIdException t) {
            Matcher known = KNOWN_TYPE_IDS.matcher(String.valueOf(t.getOriginalMessage()));
            return where + " unknown type '" + t.getTypeId() + "'"
                    + (known.find() ? " (known types: " + known.group(1).trim() + ")" : "");
        }
        if (e instanceof ValueInstantiationException v) {
            String unknown = unknownKey(source, text, places, path, v);
            if (unknown != null) {
                return unknown;
            }
            Throwable cause = v.getCause();
            while (cause != null && cause.getCause() != null && cause.getMessage() == null) {
                cause = cause.getCause();
            }
            String msg = cause != null && cause.getMessage() != null ? cause.getMessage() : v.getOriginalMessage();
            return where + " " + msg;
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
                return where + " " + cause.getMessage();
            }
            return where + " expected " + describeType(m.getTargetType()) + " (" + firstLine(e.getOriginalMessage())
                    + ")";
        }
        Throwable cause = e.getCause();
        if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
            return where + " " + cause.getMessage();
        }
        return where + " " + firstLine(e.getOriginalMessage());
    }

    private static String describeType(Class<?> type) {
        if (type == Duration.class) {
            return "a duration such as 500ms or 10s";
        }
        if (type == DataSize.class) {
            return "a size such as 512MB or 2GB";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (java.util.List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type == String.class) {
            return "a text value";
        }
        return "a " + type.getSimpleName();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String place(JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 1) {
            return ":";
        }
        return ":" + loc.getLineNr() + ":" + loc.getColumnNr() + ":";
    }

    /**
     * Jackson builds a record before it reports the unknown keys of its element, so a misspelt key shows as the
     * record's complaint about the missing one ("interval: required"); the unknown key is the real mistake.
     *
     * @return the unknown-key message for the element at {@code path}, or null when all its keys are known
     */
    private static String unknownKey(
            String source, String text, YamlPlaces places, String path, ValueInstantiationException v) {
        try {
            JsonNode node = MAPPER.readTree(text);
            for (String part : path.isEmpty() ? new String[0] : path.split("\\.")) {
                Matcher m = Pattern.compile("([^\\[]*)((?:\\[\\d+])*)").matcher(part);
                if (!m.matches() || node == null) {
                    return null;
                }
                if (!m.group(1).isEmpty()) {
                    node = node.get(m.group(1));
                }
                Matcher idx = Pattern.compile("\\[(\\d+)]").matcher(m.group(2));
                while (idx.find() && node != null) {
                    node = node.get(Integer.parseInt(idx.group(1)));
                }
            }
            if (node == null || !node.isObject() || v.getType() == null) {
                return null;
            }
            java.util.Set<String> known = new java.util.TreeSet<>();
            MAPPER.getDeserializationConfig()
                    .introspect(v.getType())
                    .findProperties()
                    .forEach(d -> known.add(d.getName()));
            JsonTypeInfo typeInfo = findTypeInfo(v.getType().getRawClass());
            if (typeInfo != null && !typeInfo.property().isEmpty()) {
                known.add(typeInfo.property());
            }
            if (known.isEmpty()) {
                return null;
            }
            for (java.util.Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!known.contains(key)) {
                    String keyPath = join(path, key);
                    JsonLocation at = places.exact(keyPath);
                    return placed(source, at != null ? at : places.nearest(path), path, "unknown key '" + key + "'")
                            + known.stream().collect(Collectors.joining(", ", " (known keys: ", ")"));
                }
            }
            return null;
        } catch (JsonProcessingException | RuntimeException ignored) {
            // The record's own message is reported instead.
            return null;
        }
    }

    private static JsonTypeInfo findTypeInfo(Class<?> type) {
        if (type == null) {
            return null;
        }
        JsonTypeInfo info = type.getAnnotation(JsonTypeInfo.class);
        if (info != null) {
            return info;
        }
        for (Class<?> i : type.getInterfaces()) {
            info = findTypeInfo(i);
            if (info != null) {
                return info;
            }
        }
        return findTypeInfo(type.getSuperclass());
    }

    private static String join(String prefix, String path) {
        if (prefix.isEmpty() || path.isEmpty()) {
            return prefix + path;
        }
        return path.startsWith("[") ? prefix + path : prefix + "." + path;
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static void checkSize(String source, String text) {
        if (text.length() > MAX_DOCUMENT_CODE_POINTS
                && text.codePointCount(0, text.length()) > MAX_DOCUMENT_CODE_POINTS) {
            throw new ConfigException(source + ": file is larger than the limit of " + MAX_DOCUMENT_CODE_POINTS
                    + " characters (YamlConfig.MAX_DOCUMENT_CODE_POINTS)");
        }
    }

    /** Jackson's own Path binding, then a relative result resolved against {@link #BASE_DIR} when that is set. */
    private static final class RelativePathDeserializer extends StdScalarDeserializer<Path> {
        private static final long serialVersionUID = 1L;
        private final NioPathDeserializer plain = new NioPathDeserializer();

        RelativePathDeserializer() {
            super(Path.class);
        }

        @Override
        public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            Path path = plain.deserialize(p, ctxt);
            return path != null && !path.isAbsolute() && ctxt.getAttribute(BASE_DIR) instanceof Path base
                    ? base.resolve(path)
                    : path;
        }
    }

    private static ObjectMapper createMapper() {
        SimpleModule module = new SimpleModule("floorlink-config");
        module.addDeserializer(Duration.class, new TextDeserializer<>(Duration.class, Durations::parse));
        module.addDeserializer(DataSize.class, new TextDeserializer<>(DataSize.class, DataSize::parse));
        module.addDeserializer(Category.class, new TextDeserializer<>(Category.class, Category::parse));
        module.addDeserializer(URI.class, new TextDeserializer<>(URI.class, URI::create));
        module.addDeserializer(Path.class, new RelativePathDeserializer());
        LoaderOptions loader = new LoaderOptions();
        // checkSize reports an oversized file by name first; this only keeps SnakeYAML's 3 MB default away.
        loader.setCodePointLimit(MAX_DOCUMENT_CODE_POINTS);
        // rebuild(), not builder(): builder() starts without the default parser features (empty value = null).
        YAMLMapper yaml = YAMLMapper.builder(
                        new YAMLFactory().rebuild().loaderOptions(loader).build())
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .addModule(module)
                .build();
        return yaml;
    }

    private static final class TextDeserializer<T> extends JsonDeserializer<T> {
        private final Function<String, T> parse;
        private final Class<T> type;

        TextDeserializer(Class<T> type, Function<String, T> parse) {
            this.type = type;
            this.parse = parse;
        }

        @Override
        public Class<?> handledType() {
            return type;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (!p.currentToken().isScalarValue()) {
                throw MismatchedInputException.from(p, handledType(), "expected a text value");
            }
            String text = p.getValueAsString();
            try {
                return parse.apply(text);
            } catch (IllegalArgumentException e) {
                throw JsonMappingException.from(p, e.getMessage(), e);
            }
        }
    }

    /** Unmodifiable view helper for records holding maps. */
    public static <K, V> Map<K, V> copyOf(Map<K, V> map) {
        return map == null ? Map.of() : Map.copyOf(map);
    }
}
