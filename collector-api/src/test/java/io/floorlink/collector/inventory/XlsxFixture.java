package io.floorlink.collector.inventory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * Builds real XLSX workbooks with POI the way a person fills them in Excel: booleans as TRUE/FALSE cells, shift
 * times as time-formatted numbers, single dates as date cells, everything else as text.
 */
final class XlsxFixture {
    private XlsxFixture() {}

    /** One sheet per entry (sheet name -> rows, the first the header). */
    static byte[] workbook(Map<String, List<List<String>>> sheets) {
        try (Workbook wb = new XSSFWorkbook();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            CellStyle time = wb.createCellStyle();
            time.setDataFormat(wb.getCreationHelper().createDataFormat().getFormat("hh:mm"));
            CellStyle date = wb.createCellStyle();
            date.setDataFormat(wb.getCreationHelper().createDataFormat().getFormat("yyyy-mm-dd"));
            for (Map.Entry<String, List<List<String>>> s : sheets.entrySet()) {
                Sheet sheet = wb.createSheet(s.getKey());
                List<List<String>> rows = s.getValue();
                for (int r = 0; r < rows.size(); r++) {
                    Row row = sheet.createRow(r);
                    List<String> cells = rows.get(r);
                    for (int c = 0; c < cells.size(); c++) {
                        Cell cell = row.createCell(c);
                        String v = cells.get(c);
                        String column = rows.get(0).get(c);
                        if (r > 0 && (v.equals("true") || v.equals("false"))) {
                            cell.setCellValue(Boolean.parseBoolean(v));
                        } else if (r > 0
                                && (column.equals("start") || column.equals("end"))
                                && v.matches("\\d\\d:\\d\\d")
                                && !v.equals("24:00")) {
                            LocalTime t = LocalTime.parse(v);
                            cell.setCellValue(t.toSecondOfDay() / 86_400.0);
                            cell.setCellStyle(time);
                        } else if (r > 0 && column.equals("date") && v.matches("\\d{4}-\\d\\d-\\d\\d")) {
                            cell.setCellValue(LocalDate.parse(v));
                            cell.setCellStyle(date);
                        } else if (!v.isEmpty()) {
                            cell.setCellValue(v);
                        }
                    }
                }
            }
            wb.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Splits simple CSV text (quotes allowed, no embedded newlines) into rows. */
    static List<List<String>> rows(byte[] csv) {
        String text = new String(csv, StandardCharsets.UTF_8).replace("\uFEFF", "");
        return text.lines().filter(l -> !l.isBlank()).map(XlsxFixture::split).toList();
    }

    private static List<String> split(String line) {
        List<String> out = new java.util.ArrayList<>();
        StringBuilder b = new StringBuilder();
        boolean q = false;
        for (char ch : line.toCharArray()) {
            if (ch == '"') {
                q = !q;
            } else if (ch == ',' && !q) {
                out.add(b.toString());
                b.setLength(0);
            } else {
                b.append(ch);
            }
        }
        out.add(b.toString());
        return out;
    }
}
