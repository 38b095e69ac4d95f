package io.floorlink.collector.inventory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * Reads an XLSX workbook (Apache POI) into one {@link Table} per sheet, sheet names lowercased. Cells are read as
 * text: booleans as {@code true}/{@code false}, whole numbers without a decimal point, date-formatted cells as
 * ISO dates ({@code 2026-10-01}) or local times ({@code 08:00}), formula cells by their cached value.
 */
final class XlsxFormat {
    /** An inventory has ten kinds of sheet; far more means the wrong workbook was sent. POI guards zip bombs. */
    private static final int MAX_SHEETS = 32;

    private XlsxFormat() {}

    static Map<String, Table> read(String file, byte[] bytes) {
        Map<String, Table> out = new LinkedHashMap<>();
        try (Workbook wb = new XSSFWorkbook(new ByteArrayInputStream(bytes))) {
            if (wb.getNumberOfSheets() > MAX_SHEETS) {
                throw fail(file, "has " + wb.getNumberOfSheets() + " sheets; at most " + MAX_SHEETS + " are read");
            }
            DataFormatter formatter = new DataFormatter(Locale.ROOT);
            for (Sheet sheet : wb) {
                String name = sheet.getSheetName().trim().toLowerCase(Locale.ROOT);
                List<String> header = null;
                List<Table.Row> rows = new ArrayList<>();
                for (Row row : sheet) {
                    List<String> cells = new ArrayList<>();
                    int last = row.getLastCellNum();
                    for (int c = 0; c < last; c++) {
                        cells.add(text(row.getCell(c), formatter));
                    }
                    if (cells.stream().allMatch(String::isEmpty)) {
                        continue;
                    }
                    if (header == null) {
                        header = cells;
                    } else {
                        rows.add(new Table.Row(row.getRowNum() + 1, cells));
                    }
                }
                if (header != null) {
                    out.put(name, new Table(file, name, header, rows));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InventoryImportException i) {
                throw i;
            }
            throw fail(file, "is not a readable XLSX workbook (" + e.getMessage() + ")");
        }
        return out;
    }

    private static String text(Cell cell, DataFormatter formatter) {
        if (cell == null) {
            return "";
        }
        CellType type = cell.getCellType() == CellType.FORMULA ? cell.getCachedFormulaResultType() : cell.getCellType();
        return switch (type) {
            case BOOLEAN -> Boolean.toString(cell.getBooleanCellValue());
            case NUMERIC -> {
                if (DateUtil.isCellDateFormatted(cell)) {
                    double v = cell.getNumericCellValue();
                    LocalDateTime t = cell.getLocalDateTimeCellValue();
                    if (v < 1) {
                        yield t.toLocalTime().format(DateTimeFormatter.ofPattern("HH:mm"));
                    }
                    yield t.toLocalTime().equals(LocalTime.MIDNIGHT)
                            ? t.toLocalDate().toString()
                            : t.toString();
                }
                yield BigDecimal.valueOf(cell.getNumericCellValue())
                        .stripTrailingZeros()
                        .toPlainString();
            }
            case STRING -> cell.getStringCellValue().trim();
            default -> formatter.formatCellValue(cell).trim();
        };
    }

    private static InventoryImportException fail(String file, String message) {
        return new InventoryImportException(List.of(new ImportError(file, null, 0, null, message)));
    }
}
