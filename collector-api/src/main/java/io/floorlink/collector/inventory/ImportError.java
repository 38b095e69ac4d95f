package io.floorlink.collector.inventory;

/**
 * One problem of an inventory import, placed as exactly as the format allows.
 *
 * @param file the file name as uploaded or inside the zip, never null
 * @param sheet the XLSX sheet; null for CSV and YAML
 * @param row 1-based row (the header is row 1; for YAML the line); 0 when the problem is the whole file
 * @param column the column name (for YAML the field path); null when the problem is the whole row or file
 * @param message what is wrong, for a person, never null
 */
public record ImportError(String file, String sheet, int row, String column, String message) {

    /** {@code file[sheet]:row: column: message}, the parts that are known. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(file);
        if (sheet != null) {
            b.append('[').append(sheet).append(']');
        }
        if (row > 0) {
            b.append(':').append(row);
        }
        b.append(": ");
        if (column != null) {
            b.append(column).append(": ");
        }
        return b.append(message).toString();
    }
}
