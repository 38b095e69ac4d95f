package io.floorlink.collector.inventory;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** RFC 4180 CSV reading for inventory imports: UTF-8 with or without BOM, quoted fields, CRLF or LF. */
final class CsvFormat {
    private CsvFormat() {}

    /**
     * Parses a CSV file into a table.
     *
     * @throws InventoryImportException if the bytes are not UTF-8, a quote is not closed, or the file is empty
     */
    static Table read(String file, byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw fail(file, 0, "is not UTF-8 text; save it as CSV UTF-8");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<List<String>> records = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean fieldStarted = false;
        int line = 1;
        int recordLine = 1;
        int quoteLine = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
            } else if (c == '"' && field.toString().isBlank()) {
                quoted = true;
                fieldStarted = true;
                quoteLine = line;
                field.setLength(0);
            } else if (c == ',') {
                record.add(field.toString().trim());
                field.setLength(0);
                fieldStarted = true;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                record.add(field.toString().trim());
                records.add(record);
                lines.add(recordLine);
                record = new ArrayList<>();
                field.setLength(0);
                fieldStarted = false;
                line++;
                recordLine = line;
            } else {
                field.append(c);
                fieldStarted = true;
            }
        }
        if (quoted) {
            throw fail(file, quoteLine, "a quoted field opened on this line is never closed");
        }
        if (fieldStarted || field.length() > 0) {
            record.add(field.toString().trim());
            records.add(record);
            lines.add(recordLine);
        }
        int headerIndex = -1;
        for (int i = 0; i < records.size(); i++) {
            if (!blank(records.get(i))) {
                headerIndex = i;
                break;
            }
        }
        if (headerIndex < 0) {
            throw fail(file, 0, "is empty; the first line must name the columns");
        }
        List<Table.Row> rows = new ArrayList<>();
        for (int i = headerIndex + 1; i < records.size(); i++) {
            if (!blank(records.get(i))) {
                rows.add(new Table.Row(lines.get(i), records.get(i)));
            }
        }
        return new Table(file, null, records.get(headerIndex), rows);
    }

    private static boolean blank(List<String> record) {
        return record.stream().allMatch(String::isEmpty);
    }

    private static InventoryImportException fail(String file, int row, String message) {
        return new InventoryImportException(List.of(new ImportError(file, null, row, null, message)));
    }
}
