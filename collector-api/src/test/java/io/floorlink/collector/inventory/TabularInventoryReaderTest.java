package io.floorlink.collector.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.floorlink.collector.calendar.ShiftCalendar;
import io.floorlink.collector.calendar.ShiftCalendar.Span;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.config.YamlConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TabularInventoryReaderTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    static Path resource(String name) {
        try {
            return Path.of(
                    TabularInventoryReaderTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CSV files of a folder, name to bytes. */
    static Map<String, byte[]> csvFiles(Path dir) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p :
                    list.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    static byte[] zip(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                z.putNextEntry(new ZipEntry("inventory/" + f.getKey()));
                z.write(f.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static byte[] xlsxOf(Map<String, byte[]> csv) {
        Map<String, List<List<String>>> sheets = new LinkedHashMap<>();
        csv.forEach((name, bytes) -> sheets.put(name.replace(".csv", ""), XlsxFixture.rows(bytes)));
        return XlsxFixture.workbook(sheets);
    }

    private static Instant sh(String local) {
        return LocalDateTime.parse(local).atZone(SHANGHAI).toInstant();
    }

    @Test
    void shippedCsvSampleLoadsWithHierarchyCalendarsAndChineseNames() throws IOException {
        Inventory inv = TabularInventoryReader.csv(csvFiles(resource("inventory-samples/csv")), null);

        assertThat(inv.enterprise().code()).isEqualTo("ENT001");
        assertThat(inv.enterprise().name()).isEqualTo("示范服装有限公司");
        assertThat(inv.equipment()).extracting(Equipment::id).containsExactly("SEW-01", "SEW-02", "IMM-01", "AIR-01");
        Equipment air = inv.equipment("AIR-01").orElseThrow();
        assertThat(air.name()).isEqualTo("空压机, 螺杆式");
        assertThat(air.production()).isFalse();
        assertThat(inv.workshopOf(air).name()).isEqualTo("注塑车间");
        Equipment imm = inv.equipment("IMM-01").orElseThrow();
        assertThat(imm.idealCycleTime()).isEqualTo(Duration.ofSeconds(12));
        assertThat(imm.points())
                .extracting(PointRequirement::id, PointRequirement::category, PointRequirement::interval)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("production_status", Category.STATE, Duration.ofSeconds(1)),
                        org.assertj.core.groups.Tuple.tuple("shot_count", Category.COUNTER, Duration.ofSeconds(1)),
                        org.assertj.core.groups.Tuple.tuple("energy_kwh", Category.ENERGY, Duration.ofSeconds(10)));
        assertThat(inv.equipment("SEW-02").orElseThrow().points()).isEmpty();

        // Nearest calendar wins: enterprise (two-shift) < workshop W-MOLD (molding-24x6) < equipment AIR-01.
        assertThat(inv.calendarFor("SEW-01")).map(ShiftCalendar::id).contains("two-shift");
        assertThat(inv.calendarFor("IMM-01")).map(ShiftCalendar::id).contains("molding-24x6");
        assertThat(inv.calendarFor("AIR-01")).map(ShiftCalendar::id).contains("two-shift");
        assertThat(inv.calendarFor("NOPE")).isEmpty();

        ShiftCalendar twoShift = inv.calendar("two-shift").orElseThrow();
        // Sunday 2026-09-27 is a make-up day worked like a Monday: day shift with lunch, night shift with breaks.
        assertThat(twoShift.scheduled(sh("2026-09-27T00:00"), sh("2026-09-28T00:00")))
                .containsExactly(
                        new Span(sh("2026-09-27T08:00"), sh("2026-09-27T12:00")),
                        new Span(sh("2026-09-27T13:00"), sh("2026-09-27T17:30")),
                        new Span(sh("2026-09-27T20:00"), sh("2026-09-28T00:00")));
        // National day holidays: nothing on 2 October.
        assertThat(twoShift.scheduled(sh("2026-10-02T00:00"), sh("2026-10-03T00:00")))
                .isEmpty();
        // molding-24x6 has no timezone column value: the enterprise's applies.
        assertThat(inv.calendar("molding-24x6").orElseThrow().zone()).isEqualTo(SHANGHAI);
    }

    @Test
    void zipOfTheCsvSetAndXlsxWorkbookGiveTheSameInventory() throws IOException {
        Map<String, byte[]> files = csvFiles(resource("inventory-samples/csv"));
        Map<String, Object> fromCsv = InventoryDocument.of(TabularInventoryReader.csv(files, null));

        Inventory fromZip = TabularInventoryReader.zip("inventory.zip", zip(files), null);
        Inventory fromXlsx = TabularInventoryReader.xlsx("inventory.xlsx", xlsxOf(files), null);

        assertThat(InventoryDocument.of(fromZip)).isEqualTo(fromCsv);
        assertThat(InventoryDocument.of(fromXlsx)).isEqualTo(fromCsv);
    }

    @Test
    void shippedXlsxSampleMatchesTheCsvSample() throws IOException {
        Map<String, byte[]> files = csvFiles(resource("inventory-samples/csv"));
        byte[] xlsx = Files.readAllBytes(resource("inventory-samples/inventory.xlsx"));

        assertThat(InventoryDocument.of(TabularInventoryReader.xlsx("inventory.xlsx", xlsx, null)))
                .isEqualTo(InventoryDocument.of(TabularInventoryReader.csv(files, null)));
    }

    @Test
    void documentWrittenAsYamlLoadsBackToTheSameInventory() throws IOException {
        Inventory inv = TabularInventoryReader.csv(csvFiles(resource("inventory-samples/csv")), null);
        String yaml = YamlConfig.mapper().writeValueAsString(InventoryDocument.of(inv));

        Inventory back = InventoryLoader.parse("inventory.yaml", yaml, n -> null);

        assertThat(InventoryDocument.of(back)).isEqualTo(InventoryDocument.of(inv));
        assertThat(back.calendarFor("IMM-01")).map(ShiftCalendar::id).contains("molding-24x6");
    }

    @Test
    void singleEquipmentCsvKeepsEnterpriseAndCalendarsAndPlacesLinesFromItsColumns() throws IOException {
        Inventory base = TabularInventoryReader.csv(csvFiles(resource("inventory-samples/csv")), null);
        String csv = "\uFEFFid,name,line,workshop,site,production,digital,key,calendar\r\n"
                + "P-01,冲床 1,L-P,W-P,S2,true,true,true,molding-24x6\r\n"
                + "P-02,\"冲床 \"\"2\"\"\",L-P,W-P,S2,是,否,,\r\n";

        Inventory inv =
                TabularInventoryReader.equipmentCsv("equipment.csv", csv.getBytes(StandardCharsets.UTF_8), base);

        assertThat(inv.enterprise()).isEqualTo(base.enterprise());
        assertThat(inv.calendars()).extracting(ShiftCalendar::id).containsExactly("two-shift", "molding-24x6");
        assertThat(inv.sites()).extracting(Site::id).containsExactly("S2");
        Equipment p2 = inv.equipment("P-02").orElseThrow();
        assertThat(p2.name()).isEqualTo("冲床 \"2\"");
        assertThat(p2.production()).isTrue();
        assertThat(p2.digital()).isFalse();
        assertThat(inv.calendarFor("P-01")).map(ShiftCalendar::id).contains("molding-24x6");
        assertThat(inv.calendarFor("P-02")).map(ShiftCalendar::id).contains("two-shift");
    }

    @Test
    void singleEquipmentCsvWithoutPlacementOrFlagsNamesTheMissingColumns() {
        String csv = "id,line\nE1,L1\n";
        InventoryImportException e = catchThrowableOfType(
                InventoryImportException.class,
                () -> TabularInventoryReader.equipmentCsv(
                        "machines.csv", csv.getBytes(StandardCharsets.UTF_8), Inventory.empty("ENT")));

        assertThat(e.errors())
                .extracting(ImportError::toString)
                .containsExactly(
                        "machines.csv:1: production: required column is missing",
                        "machines.csv:1: digital: required column is missing",
                        "machines.csv:1: workshop: required column is missing (there is no lines table to place the"
                                + " lines)",
                        "machines.csv:1: site: required column is missing (there is no lines table to place the lines)");
    }

    static Stream<Path> badImports() throws IOException {
        try (Stream<Path> cases = Files.list(resource("testcases"))) {
            return cases.filter(p -> p.getFileName().toString().startsWith("import-")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badImports")
    void badCsvImportReportsEveryErrorWithFileRowAndColumn(Path testcase) throws IOException {
        List<String> expected = Files.readAllLines(testcase.resolve("expected-errors.txt")).stream()
                .filter(l -> !l.isBlank())
                .toList();

        InventoryImportException e = catchThrowableOfType(
                InventoryImportException.class, () -> TabularInventoryReader.csv(csvFiles(testcase), null));

        assertThat(e).as("the import must be refused").isNotNull();
        assertThat(e.errors()).extracting(ImportError::toString).containsExactlyElementsOf(expected);
    }

    @Test
    void badXlsxImportNamesSheetRowAndColumn() throws IOException {
        Map<String, byte[]> files = csvFiles(resource("testcases/import-equipment-errors"));

        InventoryImportException e = catchThrowableOfType(
                InventoryImportException.class, () -> TabularInventoryReader.xlsx("plant.xlsx", xlsxOf(files), null));

        List<String> csvErrors =
                Files.readAllLines(resource("testcases/import-equipment-errors").resolve("expected-errors.txt"))
                        .stream()
                        .filter(l -> !l.isBlank())
                        .toList();
        List<String> expected = new ArrayList<>();
        for (String line : csvErrors) {
            int dot = line.indexOf(".csv:");
            expected.add("plant.xlsx[" + line.substring(0, dot) + "]:" + line.substring(dot + 5));
        }
        assertThat(e.errors()).extracting(ImportError::toString).containsExactlyElementsOf(expected);
        assertThat(e.errors().get(1))
                .isEqualTo(new ImportError("plant.xlsx", "equipment", 4, "line", "unknown line 'L9' (known: L1)"));
    }

    @Test
    void unknownFilesSheetsAndBrokenContainersAreNamed() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>(csvFiles(resource("inventory-samples/csv")));
        files.put("machines.csv", "id\n".getBytes(StandardCharsets.UTF_8));
        files.put("notes.txt", "hello".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> TabularInventoryReader.zip("upload.zip", zip(files), null))
                .isInstanceOf(InventoryImportException.class)
                .hasMessageContaining("inventory/machines.csv: unknown file; expected CSV files named enterprise.csv,")
                .hasMessageContaining("inventory/notes.txt: unknown file");

        assertThatThrownBy(() -> TabularInventoryReader.zip("upload.zip", "not a zip".getBytes(), null))
                .isInstanceOf(InventoryImportException.class)
                .hasMessageContaining("upload.zip: holds no CSV files");
        assertThatThrownBy(() -> TabularInventoryReader.xlsx("upload.xlsx", "not a workbook".getBytes(), null))
                .isInstanceOf(InventoryImportException.class)
                .hasMessageContaining("upload.xlsx: is not a readable XLSX workbook");

        Map<String, List<List<String>>> sheets = new LinkedHashMap<>();
        sheets.put("Notes", List.of(List.of("anything")));
        sheets.put("Enterprise", List.of(List.of("code"), List.of("ENT")));
        InventoryImportException e = catchThrowableOfType(
                InventoryImportException.class,
                () -> TabularInventoryReader.xlsx("upload.xlsx", XlsxFixture.workbook(sheets), null));
        assertThat(e.errors()).hasSize(1);
        assertThat(e.errors().get(0).sheet()).isEqualTo("notes");
        assertThat(e.errors().get(0).message()).startsWith("unknown sheet; expected sheets named enterprise,");

        assertThatThrownBy(
                        () -> TabularInventoryReader.equipmentCsv("e.csv", new byte[] {(byte) 0xC3, (byte) 0x28}, null))
                .hasMessageContaining("e.csv: is not UTF-8 text");
        assertThatThrownBy(() -> TabularInventoryReader.equipmentCsv(
                        "e.csv", "id,name\n\"E1,x\n".getBytes(StandardCharsets.UTF_8), null))
                .hasMessageContaining("e.csv:2: a quoted field opened on this line is never closed");
    }

    @Test
    void anImportWithoutEnterpriseAndWithoutActiveInventoryIsRefused() {
        assertThatThrownBy(() -> TabularInventoryReader.csv(
                        Map.of("sites.csv", "id\nS1\n".getBytes(StandardCharsets.UTF_8)), null))
                .isInstanceOf(InventoryImportException.class)
                .hasMessageContaining("the enterprise is missing (enterprise table)");
    }
}
