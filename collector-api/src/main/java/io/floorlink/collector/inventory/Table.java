package io.floorlink.collector.inventory;

import java.util.List;
import java.util.Locale;

/**
 * One sheet or CSV file of a tabular inventory: a header row and data rows of text cells.
 *
 * @param file file name for messages
 * @param sheet XLSX sheet name; null for CSV
 * @param header column names as written (trimmed)
 * @param rows data rows without blank ones
 */
record Table(String file, String sheet, List<String> header, List<Row> rows) {

    /**
     * @param number 1-based row number in the file (header = 1)
     * @param cells trimmed cell texts, "" for empty
     */
    record Row(int number, List<String> cells) {}

    /** Index of a column by name (case-insensitive), or -1. */
    int column(String name) {
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).toLowerCase(Locale.ROOT).equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
