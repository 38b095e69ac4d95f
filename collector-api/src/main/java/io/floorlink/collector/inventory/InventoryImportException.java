package io.floorlink.collector.inventory;

import java.util.List;
import java.util.stream.Collectors;

/** An import that was refused; {@link #errors()} lists every problem found, in file order. */
public class InventoryImportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<ImportError> errors;

    /** @param errors the problems, at least one */
    public InventoryImportException(List<ImportError> errors) {
        super(errors.size() + " error(s) in the inventory import:\n"
                + errors.stream().map(ImportError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    /** Every problem found, never empty. */
    public List<ImportError> errors() {
        return errors;
    }
}
