package io.floorlink.sparkplug.config;

/**
 * A record's validation failure that knows which field it is about. Thrown from a compact constructor during
 * {@link YamlConfig#parse}, it is reported at the place where {@link #path()} starts in the file (or, when the
 * document does not write that field, where its nearest enclosing element starts), as {@code
 * file:line:column: path: problem}. Thrown anywhere else it is a plain {@link IllegalArgumentException} whose
 * message is {@code path: problem}.
 */
public class ConfigFieldException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final String problem;

    /**
     * @param path the field in dotted form relative to the document root, e.g. {@code connectors[1].devices[0].id};
     *     empty for the document as a whole; never null
     * @param problem what is wrong and, when possible, how to fix it; never null
     */
    public ConfigFieldException(String path, String problem) {
        super(path.isEmpty() ? problem : path + ": " + problem);
        this.path = path;
        this.problem = problem;
    }

    /** The field in dotted form relative to the document root, e.g. {@code equipment[3].line}; may be empty. */
    public String path() {
        return path;
    }

    /** What is wrong, without the path. */
    public String problem() {
        return problem;
    }
}
