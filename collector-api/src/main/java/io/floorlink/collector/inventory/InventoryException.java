package io.floorlink.collector.inventory;

/**
 * An inventory whose parts contradict each other (duplicate id, unknown line). {@link #path()} names the field,
 * e.g. {@code equipment[3].line}; {@link InventoryLoader} turns it into {@code file:line:column: path: message}.
 */
public class InventoryException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final String problem;

    public InventoryException(String path, String problem) {
        super(path + ": " + problem);
        this.path = path;
        this.problem = problem;
    }

    /** The field, e.g. {@code equipment[3].line}. */
    public String path() {
        return path;
    }

    /** What is wrong, without the path. */
    public String problem() {
        return problem;
    }
}
