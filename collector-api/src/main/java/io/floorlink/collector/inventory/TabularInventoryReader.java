package io.floorlink.collector.inventory;

import io.floorlink.collector.calendar.ShiftCalendar;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.config.Durations;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads an inventory from tables: a set of CSV files (loose or in a zip), one XLSX workbook with one sheet per
 * kind, or a single equipment CSV. The kinds and their columns are listed in the module README ({@code
 * enterprise, sites, workshops, lines, equipment, points, calendars, shifts, holidays, make_up_days}). Every
 * problem of the whole import is collected and thrown together as an {@link InventoryImportException}; nothing is
 * returned unless the import is clean. Pure computation on the given bytes.
 */
public final class TabularInventoryReader {
    /** Columns of each kind, in documented order; required ones are listed in {@link #REQUIRED}. */
    static final Map<String, List<String>> COLUMNS = new LinkedHashMap<>();

    private static final Map<String, Set<String>> REQUIRED = new HashMap<>();
    private static final long MAX_ZIP_ENTRY_BYTES = 16L * 1024 * 1024;

    static {
        kind("enterprise", "code!", "name", "timezone", "calendar");
        kind("calendars", "id!", "timezone");
        kind("shifts", "calendar!", "name", "days!", "start!", "end!", "breaks");
        kind("holidays", "calendar!", "date!");
        kind("make_up_days", "calendar!", "date!", "as!");
        kind("sites", "id!", "name", "calendar");
        kind("workshops", "id!", "name", "site!", "calendar");
        kind("lines", "id!", "name", "workshop!", "calendar");
        kind(
                "equipment",
                "id!",
                "name",
                "type",
                "line!",
                "workshop",
                "site",
                "production!",
                "digital!",
                "key",
                "ideal_cycle_time",
                "calendar");
        kind("points", "equipment!", "point!", "category!", "interval!");
    }

    private static void kind(String name, String... columns) {
        List<String> all = new ArrayList<>();
        Set<String> required = new HashSet<>();
        for (String c : columns) {
            String col = c.endsWith("!") ? c.substring(0, c.length() - 1) : c;
            all.add(col);
            if (c.endsWith("!")) {
                required.add(col);
            }
        }
        COLUMNS.put(name, List.copyOf(all));
        REQUIRED.put(name, Set.copyOf(required));
    }

    private TabularInventoryReader() {}

    /**
     * Reads CSV files named by kind ({@code equipment.csv}, {@code points.csv}, ...).
     *
     * @param files file name (a path is allowed; its last part names the kind) to content
     * @param base the active inventory: its enterprise and calendars are kept when the files carry none; nullable
     * @throws InventoryImportException listing every problem
     */
    public static Inventory csv(Map<String, byte[]> files, Inventory base) {
        return csv(files, base, "import");
    }

    /**
     * Reads a single equipment CSV (columns of {@code equipment.csv}; the {@code workshop} and {@code site}
     * columns place the lines). Enterprise and calendars are kept from {@code base}.
     *
     * @param base the active inventory, nullable (then the import fails: it has no enterprise)
     * @throws InventoryImportException listing every problem
     */
    public static Inventory equipmentCsv(String file, byte[] bytes, Inventory base) {
        Map<String, Table> tables = new LinkedHashMap<>();
        tables.put("equipment", CsvFormat.read(file, bytes));
        return read(tables, base, new ArrayList<>(), file);
    }

    private static Inventory csv(Map<String, byte[]> files, Inventory base, String what) {
        Map<String, Table> tables = new LinkedHashMap<>();
        List<ImportError> errors = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            String name = f.getKey();
            String base0 = name.substring(name.lastIndexOf('/') + 1);
            String kind = base0.toLowerCase(Locale.ROOT).replaceFirst("\\.csv$", "");
            if (!base0.toLowerCase(Locale.ROOT).endsWith(".csv") || !COLUMNS.containsKey(kind)) {
                errors.add(new ImportError(
                        name, null, 0, null, "unknown file; expected CSV files named " + kindsList(".csv")));
                continue;
            }
            if (tables.containsKey(kind)) {
                errors.add(new ImportError(name, null, 0, null, "a second " + kind + ".csv; give each kind once"));
                continue;
            }
            try {
                tables.put(kind, CsvFormat.read(name, f.getValue()));
            } catch (InventoryImportException e) {
                errors.addAll(e.errors());
            }
        }
        return read(tables, base, errors, what);
    }

    /**
     * Reads a zip of CSV files named by kind; folders inside the zip are ignored.
     *
     * @throws InventoryImportException listing every problem
     */
    public static Inventory zip(String file, byte[] zip, Inventory base) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                String name = entry.getName();
                String last = name.substring(name.lastIndexOf('/') + 1);
                if (entry.isDirectory() || last.startsWith(".") || name.startsWith("__MACOSX/")) {
                    continue;
                }
                files.put(name, readBounded(in, name));
            }
        } catch (IOException e) {
            throw new InventoryImportException(
                    List.of(new ImportError(file, null, 0, null, "is not a readable zip (" + e.getMessage() + ")")));
        }
        if (files.isEmpty()) {
            throw new InventoryImportException(
                    List.of(new ImportError(file, null, 0, null, "holds no CSV files; expected " + kindsList(".csv"))));
        }
        return csv(files, base, file);
    }

    /**
     * Reads one XLSX workbook with one sheet per kind (sheet names as the kinds, any case).
     *
     * @throws InventoryImportException listing every problem
     */
    public static Inventory xlsx(String file, byte[] bytes, Inventory base) {
        Map<String, Table> tables = new LinkedHashMap<>();
        List<ImportError> errors = new ArrayList<>();
        for (Map.Entry<String, Table> t : XlsxFormat.read(file, bytes).entrySet()) {
            if (COLUMNS.containsKey(t.getKey())) {
                tables.put(t.getKey(), t.getValue());
            } else {
                errors.add(new ImportError(
                        file, t.getKey(), 0, null, "unknown sheet; expected sheets named " + kindsList("")));
            }
        }
        return read(tables, base, errors, file);
    }

    private static byte[] readBounded(ZipInputStream in, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            if (out.size() > MAX_ZIP_ENTRY_BYTES) {
                throw new IOException(name + " is larger than " + MAX_ZIP_ENTRY_BYTES / (1024 * 1024) + " MiB");
            }
        }
        return out.toByteArray();
    }

    private static String kindsList(String suffix) {
        return String.join(", ", COLUMNS.keySet().stream().map(k -> k + suffix).toList());
    }

    private static Inventory read(Map<String, Table> given, Inventory base, List<ImportError> errors, String what) {
        Map<String, Table> tables = new LinkedHashMap<>();
        for (String kind : COLUMNS.keySet()) {
            if (given.containsKey(kind)) {
                tables.put(kind, given.get(kind));
            }
        }
        List<ImportError> found = new ArrayList<>();
        Inventory inv = new Reader(tables, base, found, what).read();
        // Reported in the documented order of the kinds, then by row, whatever order the checks ran in.
        List<String> files = new ArrayList<>();
        tables.values().forEach(t -> files.add(t.file() + "\u0000" + t.sheet()));
        found.sort(java.util.Comparator.comparingInt((ImportError e) -> files.indexOf(e.file() + "\u0000" + e.sheet()))
                .thenComparingInt(ImportError::row));
        errors.addAll(found);
        if (!errors.isEmpty()) {
            throw new InventoryImportException(errors);
        }
        return inv;
    }

    /** One import: the tables, the errors found so far and the ids seen. */
    private static final class Reader {
        private final Map<String, Table> tables;
        private final Inventory base;
        private final List<ImportError> errors;
        private final String what;

        Reader(Map<String, Table> tables, Inventory base, List<ImportError> errors, String what) {
            this.tables = tables;
            this.base = base;
            this.errors = errors;
            this.what = what;
        }

        Inventory read() {
            tables.forEach(this::checkHeader);
            Enterprise enterprise = enterprise();
            List<ShiftCalendar> calendars = calendars(enterprise);
            Set<String> calendarIds = new HashSet<>();
            calendars.forEach(c -> calendarIds.add(c.id()));
            Hierarchy h = tables.containsKey("lines") ? declaredHierarchy(calendarIds) : derivedHierarchy();
            if (enterprise != null && enterprise.calendar() != null && !calendarIds.contains(enterprise.calendar())) {
                Table t = tables.get("enterprise");
                add(t, t == null ? 0 : t.rows().get(0).number(), "calendar", unknownCalendar(enterprise.calendar()));
            }
            List<Equipment> equipment = equipment(h, calendarIds);
            if (!errors.isEmpty() || enterprise == null) {
                return null;
            }
            try {
                return Inventory.of(enterprise, h.sites(), equipment, calendars);
            } catch (IllegalArgumentException e) {
                // Every cross-check above runs first; this only catches what they missed, without a row.
                errors.add(new ImportError(what, null, 0, null, e.getMessage()));
                return null;
            }
        }

        private void checkHeader(String kind, Table t) {
            List<String> known = COLUMNS.get(kind);
            Set<String> seen = new HashSet<>();
            for (String h : t.header()) {
                String col = h.toLowerCase(Locale.ROOT);
                if (col.isEmpty()) {
                    continue;
                }
                if (!known.contains(col)) {
                    add(t, 1, h, "unknown column; " + kind + " has columns " + String.join(", ", known));
                } else if (!seen.add(col)) {
                    add(t, 1, h, "column given twice");
                }
            }
            for (String req : known) {
                if (REQUIRED.get(kind).contains(req) && t.column(req) < 0) {
                    add(t, 1, req, "required column is missing");
                }
            }
        }

        private Enterprise enterprise() {
            Table t = tables.get("enterprise");
            if (t == null) {
                if (base == null) {
                    errors.add(new ImportError(what, null, 0, null, "the enterprise is missing (enterprise table)"));
                    return null;
                }
                return base.enterprise();
            }
            if (t.rows().size() != 1) {
                add(
                        t,
                        0,
                        null,
                        "must hold exactly one enterprise row but holds "
                                + t.rows().size());
                return null;
            }
            Table.Row row = t.rows().get(0);
            String code = id(t, row, "code");
            String tz = cell(t, row, "timezone");
            if (!tz.isEmpty()) {
                try {
                    io.floorlink.collector.calendar.CalendarSyntax.zone(tz);
                } catch (IllegalArgumentException e) {
                    add(t, row.number(), "timezone", e.getMessage());
                    return null;
                }
            }
            if (code == null) {
                return null;
            }
            return build(t, row, null, () -> new Enterprise(code, cell(t, row, "name"), tz, cell(t, row, "calendar")));
        }

        private List<ShiftCalendar> calendars(Enterprise enterprise) {
            boolean any = tables.containsKey("calendars")
                    || tables.containsKey("shifts")
                    || tables.containsKey("holidays")
                    || tables.containsKey("make_up_days");
            if (!any) {
                return base == null ? List.of() : base.calendars();
            }
            Table cals = tables.get("calendars");
            if (cals == null) {
                errors.add(new ImportError(
                        what, null, 0, null, "shifts, holidays or make_up_days are given without the calendars table"));
                return List.of();
            }
            Map<String, Table.Row> rowOf = new LinkedHashMap<>();
            Map<String, String> zoneOf = new HashMap<>();
            Set<String> broken = new HashSet<>();
            for (Table.Row row : cals.rows()) {
                String id = id(cals, row, "id");
                if (id == null) {
                    continue;
                }
                if (rowOf.putIfAbsent(id, row) != null) {
                    add(
                            cals,
                            row.number(),
                            "id",
                            "duplicate calendar id '" + id + "' (first in row "
                                    + rowOf.get(id).number() + ")");
                    continue;
                }
                String tz = cell(cals, row, "timezone");
                if (!tz.isEmpty()) {
                    try {
                        io.floorlink.collector.calendar.CalendarSyntax.zone(tz);
                    } catch (IllegalArgumentException e) {
                        add(cals, row.number(), "timezone", e.getMessage());
                        broken.add(id);
                    }
                }
                zoneOf.put(id, tz.isEmpty() ? null : tz);
            }
            Map<String, List<CalendarSpec.ShiftSpec>> shifts = new HashMap<>();
            Map<String, List<String>> holidays = new HashMap<>();
            Map<String, List<CalendarSpec.MakeUpDaySpec>> makeUp = new HashMap<>();
            forRows("shifts", (t, row) -> {
                String cal = calendarRef(t, row, rowOf.keySet());
                String days = required(t, row, "days");
                String start = time(t, row, "start");
                String end = time(t, row, "end");
                List<String> breaks = new ArrayList<>();
                for (String b : cell(t, row, "breaks").split("[;,]")) {
                    if (!b.isBlank()) {
                        breaks.add(b.trim());
                    }
                }
                if (days != null) {
                    try {
                        io.floorlink.collector.calendar.CalendarSyntax.days(days);
                    } catch (IllegalArgumentException e) {
                        add(t, row.number(), "days", e.getMessage());
                        days = null;
                    }
                }
                for (String b : breaks) {
                    try {
                        io.floorlink.collector.calendar.Break.parse(b);
                    } catch (IllegalArgumentException e) {
                        add(t, row.number(), "breaks", e.getMessage());
                        days = null;
                    }
                }
                if (cal != null && days != null && start != null && end != null) {
                    String d = days;
                    CalendarSpec.ShiftSpec s = build(
                            t,
                            row,
                            "breaks",
                            () -> new CalendarSpec.ShiftSpec(cell(t, row, "name"), d, start, end, breaks));
                    if (s != null) {
                        shifts.computeIfAbsent(cal, k -> new ArrayList<>()).add(s);
                    }
                }
            });
            forRows("holidays", (t, row) -> {
                String cal = calendarRef(t, row, rowOf.keySet());
                String date = required(t, row, "date");
                if (date != null) {
                    try {
                        io.floorlink.collector.calendar.CalendarSyntax.dates(date);
                    } catch (IllegalArgumentException e) {
                        add(t, row.number(), "date", e.getMessage());
                        return;
                    }
                    if (cal != null) {
                        holidays.computeIfAbsent(cal, k -> new ArrayList<>()).add(date);
                    }
                }
            });
            forRows("make_up_days", (t, row) -> {
                String cal = calendarRef(t, row, rowOf.keySet());
                String date = required(t, row, "date");
                String as = required(t, row, "as");
                if (date == null || as == null) {
                    return;
                }
                CalendarSpec.MakeUpDaySpec m = build(t, row, null, () -> new CalendarSpec.MakeUpDaySpec(date, as));
                if (m != null && cal != null) {
                    makeUp.computeIfAbsent(cal, k -> new ArrayList<>()).add(m);
                }
            });
            List<ShiftCalendar> out = new ArrayList<>();
            for (Map.Entry<String, Table.Row> c : rowOf.entrySet()) {
                String id = c.getKey();
                if (broken.contains(id)) {
                    continue;
                }
                CalendarSpec spec = build(
                        cals,
                        c.getValue(),
                        null,
                        () -> new CalendarSpec(
                                id,
                                zoneOf.get(id),
                                shifts.getOrDefault(id, List.of()),
                                holidays.getOrDefault(id, List.of()),
                                makeUp.getOrDefault(id, List.of())));
                if (spec != null) {
                    out.add(spec.toCalendar(enterprise == null ? java.time.ZoneOffset.UTC : enterprise.zone()));
                }
            }
            return out;
        }

        /** sites, workshops and lines from their own tables. */
        private Hierarchy declaredHierarchy(Set<String> calendars) {
            Hierarchy h = new Hierarchy();
            Table sites = tables.get("sites");
            Table workshops = tables.get("workshops");
            Table lines = tables.get("lines");
            if (sites == null || workshops == null) {
                add(lines, 0, null, "lines need the sites and workshops tables too");
                return h;
            }
            Map<String, Integer> siteRows = new HashMap<>();
            for (Table.Row row : sites.rows()) {
                String id = id(sites, row, "id");
                if (id != null && unique(sites, row, "id", "site", id, siteRows)) {
                    String cal = optionalCalendar(sites, row, calendars);
                    h.sites.put(id, new SiteDraft(id, cell(sites, row, "name"), cal));
                }
            }
            Map<String, Integer> workshopRows = new HashMap<>();
            for (Table.Row row : workshops.rows()) {
                String id = id(workshops, row, "id");
                String site = reference(workshops, row, "site", "site", h.sites.keySet());
                String cal = optionalCalendar(workshops, row, calendars);
                if (id != null && unique(workshops, row, "id", "workshop", id, workshopRows) && site != null) {
                    h.workshops.put(id, new WorkshopDraft(id, cell(workshops, row, "name"), site, cal));
                }
            }
            Map<String, Integer> lineRows = new HashMap<>();
            for (Table.Row row : lines.rows()) {
                String id = id(lines, row, "id");
                String ws = reference(lines, row, "workshop", "workshop", h.workshops.keySet());
                String cal = optionalCalendar(lines, row, calendars);
                if (id != null && unique(lines, row, "id", "line", id, lineRows) && ws != null) {
                    h.lines.put(id, new LineDraft(id, cell(lines, row, "name"), ws, cal));
                }
            }
            return h;
        }

        /** sites, workshops and lines from the line, workshop and site columns of the equipment. */
        private Hierarchy derivedHierarchy() {
            Hierarchy h = new Hierarchy();
            Table t = tables.get("equipment");
            if (t == null) {
                return h;
            }
            if (tables.containsKey("sites") || tables.containsKey("workshops")) {
                errors.add(
                        new ImportError(what, null, 0, null, "sites and workshops are given without the lines table"));
            }
            for (String col : List.of("workshop", "site")) {
                if (t.column(col) < 0) {
                    add(t, 1, col, "required column is missing (there is no lines table to place the lines)");
                }
            }
            if (t.column("workshop") < 0 || t.column("site") < 0) {
                h.unplaced = true;
                return h;
            }
            for (Table.Row row : t.rows()) {
                String line = cell(t, row, "line");
                String ws = id(t, row, "workshop");
                String site = id(t, row, "site");
                if (line.isEmpty() || ws == null || site == null) {
                    continue;
                }
                h.sites.putIfAbsent(site, new SiteDraft(site, null, null));
                WorkshopDraft w = h.workshops.putIfAbsent(ws, new WorkshopDraft(ws, null, site, null));
                if (w != null && !w.site().equals(site)) {
                    add(
                            t,
                            row.number(),
                            "site",
                            "workshop '" + ws + "' is in site '" + w.site() + "' in an earlier row, not '" + site
                                    + "'");
                }
                LineDraft l = h.lines.putIfAbsent(line, new LineDraft(line, null, ws, null));
                if (l != null && !l.workshop().equals(ws)) {
                    add(
                            t,
                            row.number(),
                            "workshop",
                            "line '" + line + "' is in workshop '" + l.workshop() + "' in an earlier row, not '" + ws
                                    + "'");
                }
            }
            h.derived = true;
            return h;
        }

        private List<Equipment> equipment(Hierarchy h, Set<String> calendars) {
            Table t = tables.get("equipment");
            List<Equipment> out = new ArrayList<>();
            if (t == null) {
                if (tables.containsKey("points")) {
                    add(tables.get("points"), 0, null, "points are given without the equipment table");
                }
                return out;
            }
            Map<String, List<PointRequirement>> points = points(t);
            Map<String, Integer> rows = new HashMap<>();
            for (Table.Row row : t.rows()) {
                String id = id(t, row, "id");
                boolean unique = id != null && unique(t, row, "id", "equipment", id, rows);
                String line = h.unplaced ? null : reference(t, row, "line", "line", h.lines.keySet());
                if (line != null && !h.derived) {
                    LineDraft l = h.lines.get(line);
                    String ws = cell(t, row, "workshop");
                    if (!ws.isEmpty() && !ws.equals(l.workshop())) {
                        add(
                                t,
                                row.number(),
                                "workshop",
                                "line '" + line + "' is in workshop '" + l.workshop() + "', not '" + ws + "'");
                    }
                    String site = cell(t, row, "site");
                    WorkshopDraft w = h.workshops.get(l.workshop());
                    if (!site.isEmpty() && w != null && !site.equals(w.site())) {
                        add(
                                t,
                                row.number(),
                                "site",
                                "line '" + line + "' is in site '" + w.site() + "', not '" + site + "'");
                    }
                }
                Boolean production = flag(t, row, "production", true, "is it production equipment (生产设备)");
                Boolean digital = flag(t, row, "digital", true, "does it have a digital interface (数字化设备)");
                Boolean key = flag(t, row, "key", false, "is it key equipment (关键设备)");
                Duration ict = duration(t, row, "ideal_cycle_time", false);
                String cal = optionalCalendar(t, row, calendars);
                if (unique && line != null && production != null && digital != null) {
                    Equipment e = build(
                            t,
                            row,
                            null,
                            () -> new Equipment(
                                    id,
                                    cell(t, row, "name"),
                                    blankToNull(cell(t, row, "type")),
                                    line,
                                    production,
                                    digital,
                                    key,
                                    ict,
                                    points.getOrDefault(id, List.of()),
                                    cal));
                    if (e != null) {
                        out.add(e);
                    }
                }
            }
            Table p = tables.get("points");
            if (p != null) {
                for (Table.Row row : p.rows()) {
                    String eq = cell(p, row, "equipment");
                    if (!eq.isEmpty() && !rows.containsKey(eq)) {
                        add(p, row.number(), "equipment", "unknown equipment '" + eq + "'");
                    }
                }
            }
            return out;
        }

        private Map<String, List<PointRequirement>> points(Table equipment) {
            Map<String, List<PointRequirement>> out = new HashMap<>();
            Map<String, Integer> seen = new HashMap<>();
            forRows("points", (t, row) -> {
                String eq = required(t, row, "equipment");
                String point = required(t, row, "point");
                String categoryText = required(t, row, "category");
                Category category = null;
                if (categoryText != null) {
                    try {
                        category = Category.parse(categoryText);
                    } catch (IllegalArgumentException e) {
                        add(t, row.number(), "category", e.getMessage());
                    }
                }
                Duration interval = duration(t, row, "interval", true);
                if (eq == null || point == null) {
                    return;
                }
                String key = eq + "\u0000" + point;
                if (seen.putIfAbsent(key, row.number()) != null) {
                    add(
                            t,
                            row.number(),
                            "point",
                            "duplicate point '" + point + "' of equipment '" + eq + "' (first in row " + seen.get(key)
                                    + ")");
                    return;
                }
                if (category != null && interval != null) {
                    Category c = category;
                    PointRequirement pr = build(t, row, null, () -> new PointRequirement(point, c, interval));
                    if (pr != null) {
                        out.computeIfAbsent(eq, k -> new ArrayList<>()).add(pr);
                    }
                }
            });
            return out;
        }

        // ---- cells

        private interface RowHandler {
            void handle(Table t, Table.Row row);
        }

        private void forRows(String kind, RowHandler handler) {
            Table t = tables.get(kind);
            if (t != null) {
                for (Table.Row row : t.rows()) {
                    handler.handle(t, row);
                }
            }
        }

        private String cell(Table t, Table.Row row, String column) {
            int i = t.column(column);
            return i < 0 || i >= row.cells().size() ? "" : row.cells().get(i).trim();
        }

        private String required(Table t, Table.Row row, String column) {
            String v = cell(t, row, column);
            if (v.isEmpty()) {
                if (t.column(column) >= 0) {
                    add(t, row.number(), column, "is required");
                }
                return null;
            }
            return v;
        }

        private String id(Table t, Table.Row row, String column) {
            String v = required(t, row, column);
            if (v == null) {
                return null;
            }
            try {
                return Ids.require(column, v);
            } catch (IllegalArgumentException e) {
                add(t, row.number(), column, e.getMessage());
                return null;
            }
        }

        private boolean unique(
                Table t, Table.Row row, String column, String what, String id, Map<String, Integer> rows) {
            Integer first = rows.putIfAbsent(id, row.number());
            if (first != null) {
                add(t, row.number(), column, "duplicate " + what + " id '" + id + "' (first in row " + first + ")");
                return false;
            }
            return true;
        }

        private String reference(Table t, Table.Row row, String column, String what, Set<String> known) {
            String v = required(t, row, column);
            if (v != null && !known.contains(v)) {
                add(t, row.number(), column, "unknown " + what + " '" + v + "' (known: " + sample(known) + ")");
                return null;
            }
            return v;
        }

        private String calendarRef(Table t, Table.Row row, Set<String> known) {
            String v = required(t, row, "calendar");
            if (v != null && !known.contains(v)) {
                add(t, row.number(), "calendar", unknownCalendar(v) + " (known: " + sample(known) + ")");
                return null;
            }
            return v;
        }

        private String optionalCalendar(Table t, Table.Row row, Set<String> known) {
            String v = cell(t, row, "calendar");
            if (v.isEmpty()) {
                return null;
            }
            if (!known.contains(v)) {
                add(t, row.number(), "calendar", unknownCalendar(v) + " (known: " + sample(known) + ")");
                return null;
            }
            return v;
        }

        private static String unknownCalendar(String id) {
            return "unknown calendar '" + id + "'";
        }

        private Boolean flag(Table t, Table.Row row, String column, boolean required, String question) {
            String v = cell(t, row, column).toLowerCase(Locale.ROOT);
            if (v.isEmpty()) {
                if (required && t.column(column) >= 0) {
                    add(t, row.number(), column, column + " is required (true or false: " + question + ")");
                }
                return null;
            }
            return switch (v) {
                case "true", "yes", "y", "1", "是" -> true;
                case "false", "no", "n", "0", "否" -> false;
                default -> {
                    add(
                            t,
                            row.number(),
                            column,
                            "'" + cell(t, row, column) + "' is not true or false (" + question + ")");
                    yield null;
                }
            };
        }

        private Duration duration(Table t, Table.Row row, String column, boolean required) {
            String v = required ? required(t, row, column) : blankToNull(cell(t, row, column));
            if (v == null) {
                return null;
            }
            if (v.chars().anyMatch(Character::isWhitespace)) {
                add(
                        t,
                        row.number(),
                        column,
                        "'" + v + "' is not a duration; write the number and unit without a"
                                + " space, e.g. 1s or 500ms");
                return null;
            }
            try {
                Duration d = Durations.parse(v);
                if (d.isNegative() || d.isZero()) {
                    add(t, row.number(), column, "'" + v + "' must be positive, e.g. 1s");
                    return null;
                }
                return d;
            } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
                add(
                        t,
                        row.number(),
                        column,
                        "'" + v + "' is not a duration; write a number with a unit (ms, s, m, h,"
                                + " d), e.g. 500ms or 10s");
                return null;
            }
        }

        private String time(Table t, Table.Row row, String column) {
            String v = required(t, row, column);
            if (v == null) {
                return null;
            }
            try {
                io.floorlink.collector.calendar.CalendarSyntax.time(column, v);
                return v;
            } catch (IllegalArgumentException e) {
                add(t, row.number(), column, e.getMessage());
                return null;
            }
        }

        private <T> T build(Table t, Table.Row row, String column, java.util.function.Supplier<T> factory) {
            try {
                return factory.get();
            } catch (IllegalArgumentException | NullPointerException e) {
                add(t, row.number(), column, e.getMessage());
                return null;
            }
        }

        private void add(Table t, int row, String column, String message) {
            errors.add(
                    new ImportError(t == null ? what : t.file(), t == null ? null : t.sheet(), row, column, message));
        }

        // ---- hierarchy

        private record SiteDraft(String id, String name, String calendar) {}

        private record WorkshopDraft(String id, String name, String site, String calendar) {}

        private record LineDraft(String id, String name, String workshop, String calendar) {}

        private static final class Hierarchy {
            final Map<String, SiteDraft> sites = new LinkedHashMap<>();
            final Map<String, WorkshopDraft> workshops = new LinkedHashMap<>();
            final Map<String, LineDraft> lines = new LinkedHashMap<>();
            boolean derived;
            /** The lines could not be placed (columns missing, already reported): skip line checks. */
            boolean unplaced;

            List<Site> sites() {
                List<Site> out = new ArrayList<>();
                for (SiteDraft s : sites.values()) {
                    List<Workshop> ws = new ArrayList<>();
                    for (WorkshopDraft w : workshops.values()) {
                        if (w.site().equals(s.id())) {
                            List<Line> ls = new ArrayList<>();
                            for (LineDraft l : lines.values()) {
                                if (l.workshop().equals(w.id())) {
                                    ls.add(new Line(l.id(), l.name(), l.calendar()));
                                }
                            }
                            ws.add(new Workshop(w.id(), w.name(), ls, w.calendar()));
                        }
                    }
                    out.add(new Site(s.id(), s.name(), ws, s.calendar()));
                }
                return out;
            }
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String sample(Set<String> ids) {
        if (ids.isEmpty()) {
            return "none";
        }
        List<String> list = new ArrayList<>(ids);
        java.util.Collections.sort(list);
        return list.size() <= 10
                ? String.join(", ", list)
                : String.join(", ", list.subList(0, 10)) + ", ... " + (list.size() - 10) + " more";
    }
}
