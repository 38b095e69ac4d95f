package io.floorlink.collector.inventory;

import io.floorlink.sparkplug.config.ConfigFieldException;

/**
 * An inventory whose parts contradict each other (duplicate id, unknown line). {@link #path()} names the field,
 * e.g. {@code equipment[3].line}; read by {@link InventoryLoader}, it is reported as {@code file:line:column:
 * path: problem}.
 */
public class InventoryException extends ConfigFieldException {
    private static final long serialVersionUID = 1L;

    /**
     * @param path the field from the inventory document root, e.g. {@code equipment[3].line}; never null
     * @param problem what is wrong; never null
     */
    public InventoryException(String path, String problem) {
        super(path, problem);
    }
}
