package io.floorlink.collector.inventory;

import io.floorlink.collector.calendar.ShiftCalendar;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The validated equipment inventory (台账): enterprise, sites > workshops > lines, equipment, and the shift
 * calendars they reference. Immutable and thread-safe. Build one with {@link #of} or load one with {@link
 * InventoryLoader} (YAML) or {@link TabularInventoryReader} (CSV, XLSX).
 */
public final class Inventory {
    /** The scope naming the whole inventory. */
    public static final String PILOT = "pilot";

    private final Enterprise enterprise;
    private final List<Site> sites;
    private final List<Equipment> equipment;
    private final Map<String, ShiftCalendar> calendarById = new LinkedHashMap<>();
    private final Map<String, Site> siteById = new LinkedHashMap<>();
    private final Map<String, Workshop> workshopById = new LinkedHashMap<>();
    private final Map<String, Line> lineById = new LinkedHashMap<>();
    private final Map<String, Equipment> equipmentById = new LinkedHashMap<>();
    private final Map<String, String> siteOfWorkshop = new LinkedHashMap<>();
    private final Map<String, String> workshopOfLine = new LinkedHashMap<>();

    /** Where a contradiction goes: thrown at once ({@link #of}), or gathered ({@link #problems}). */
    private final java.util.function.Consumer<InventoryException> problem;

    private Inventory(
            Enterprise enterprise, List<Site> sites, List<Equipment> equipment, List<ShiftCalendar> calendars) {
        this(enterprise, sites, equipment, calendars, p -> {
            throw p;
        });
    }

    /**
     * @param problem takes each contradiction: throws it ({@link #of}) or gathers it ({@link #problems})
     */
    private Inventory(
            Enterprise enterprise,
            List<Site> sites,
            List<Equipment> equipment,
            List<ShiftCalendar> calendars,
            java.util.function.Consumer<InventoryException> problem) {
        this.problem = problem;
        this.enterprise = Objects.requireNonNull(enterprise, "enterprise is required");
        this.sites = sites == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(sites));
        this.equipment =
                equipment == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(equipment));
        List<ShiftCalendar> cals = calendars == null ? List.of() : calendars;
        for (int c = 0; c < cals.size(); c++) {
            if (cals.get(c) != null && calendarById.putIfAbsent(cals.get(c).id(), cals.get(c)) != null) {
                problem.accept(new InventoryException(
                        "calendars[" + c + "].id",
                        "duplicate calendar id '" + cals.get(c).id() + "'"));
            }
        }
        checkCalendar("enterprise.calendar", enterprise.calendar());
        for (int s = 0; s < this.sites.size(); s++) {
            Site site = this.sites.get(s);
            String sp = "sites[" + s + "]";
            if (site == null) {
                problem.accept(new InventoryException(sp, "is empty"));
                continue;
            }
            if (siteById.putIfAbsent(site.id(), site) != null) {
                problem.accept(new InventoryException(sp + ".id", "duplicate site id '" + site.id() + "'"));
            }
            checkCalendar(sp + ".calendar", site.calendar());
            for (int w = 0; w < site.workshops().size(); w++) {
                Workshop ws = site.workshops().get(w);
                String wp = sp + ".workshops[" + w + "]";
                if (workshopById.putIfAbsent(ws.id(), ws) != null) {
                    problem.accept(new InventoryException(wp + ".id", "duplicate workshop id '" + ws.id() + "'"));
                }
                checkCalendar(wp + ".calendar", ws.calendar());
                siteOfWorkshop.put(ws.id(), site.id());
                for (int l = 0; l < ws.lines().size(); l++) {
                    Line line = ws.lines().get(l);
                    if (lineById.putIfAbsent(line.id(), line) != null) {
                        problem.accept(new InventoryException(
                                wp + ".lines[" + l + "].id", "duplicate line id '" + line.id() + "'"));
                    }
                    checkCalendar(wp + ".lines[" + l + "].calendar", line.calendar());
                    workshopOfLine.put(line.id(), ws.id());
                }
            }
        }
        for (int i = 0; i < this.equipment.size(); i++) {
            Equipment e = this.equipment.get(i);
            if (e == null) {
                problem.accept(new InventoryException("equipment[" + i + "]", "is empty"));
                continue;
            }
            if (equipmentById.putIfAbsent(e.id(), e) != null) {
                problem.accept(
                        new InventoryException("equipment[" + i + "].id", "duplicate equipment id '" + e.id() + "'"));
            }
            if (!lineById.containsKey(e.line())) {
                problem.accept(new InventoryException(
                        "equipment[" + i + "].line",
                        "unknown line '" + e.line() + "' (known lines: " + sample(lineById.keySet()) + ")"));
            }
            checkCalendar("equipment[" + i + "].calendar", e.calendar());
        }
    }

    private void checkCalendar(String path, String id) {
        if (id != null && !calendarById.containsKey(id)) {
            problem.accept(new InventoryException(
                    path, "unknown calendar '" + id + "' (calendars: " + sample(calendarById.keySet()) + ")"));
        }
    }

    /**
     * Validates and indexes an inventory.
     *
     * @throws InventoryException naming the field of a duplicate id or an unknown line
     */
    public static Inventory of(Enterprise enterprise, List<Site> sites, List<Equipment> equipment) {
        return new Inventory(enterprise, sites, equipment, List.of());
    }

    /**
     * Validates and indexes an inventory with shift calendars.
     *
     * @param calendars the calendars the levels may reference by id; null means none
     * @throws InventoryException naming the field of a duplicate id, an unknown line or an unknown calendar
     */
    public static Inventory of(
            Enterprise enterprise, List<Site> sites, List<Equipment> equipment, List<ShiftCalendar> calendars) {
        return new Inventory(enterprise, sites, equipment, calendars);
    }

    /**
     * Every contradiction between the parts, in document order (duplicate ids, unknown lines and calendars),
     * without stopping at the first. A null site or equipment (e.g. one that could not be read) keeps its place in
     * the paths and is reported as empty.
     *
     * @return the problems, empty when {@link #of} would accept the parts
     */
    public static List<InventoryException> problems(
            Enterprise enterprise, List<Site> sites, List<Equipment> equipment, List<ShiftCalendar> calendars) {
        List<InventoryException> out = new ArrayList<>();
        new Inventory(enterprise, sites, equipment, calendars, out::add);
        return out;
    }

    /** An inventory without equipment, used when none is configured. */
    public static Inventory empty(String enterpriseCode) {
        return new Inventory(new Enterprise(enterpriseCode, null, null), List.of(), List.of(), List.of());
    }

    public Enterprise enterprise() {
        return enterprise;
    }

    public List<Site> sites() {
        return sites;
    }

    /** All equipment in file order. */
    public List<Equipment> equipment() {
        return equipment;
    }

    public Optional<Equipment> equipment(String id) {
        return Optional.ofNullable(equipmentById.get(id));
    }

    /** The shift calendars in declaration order. */
    public List<ShiftCalendar> calendars() {
        return List.copyOf(calendarById.values());
    }

    public Optional<ShiftCalendar> calendar(String id) {
        return Optional.ofNullable(calendarById.get(id));
    }

    /**
     * The shift calendar of an equipment: the nearest {@code calendar} reference of the equipment, its line,
     * workshop, site or the enterprise.
     *
     * @return empty if no level names a calendar (then scheduled time is the whole window) or the inventory has
     *     no such equipment
     */
    public Optional<ShiftCalendar> calendarFor(String equipmentId) {
        Equipment e = equipmentById.get(equipmentId);
        if (e == null) {
            return Optional.empty();
        }
        String ref = e.calendar();
        if (ref == null) {
            ref = lineOf(e).calendar();
        }
        if (ref == null) {
            ref = workshopOf(e).calendar();
        }
        if (ref == null) {
            ref = siteOf(e).calendar();
        }
        if (ref == null) {
            ref = enterprise.calendar();
        }
        return ref == null ? Optional.empty() : Optional.of(calendarById.get(ref));
    }

    /** The line record of an equipment of this inventory. */
    public Line lineOf(Equipment e) {
        return lineById.get(e.line());
    }

    /** The workshop holding an equipment of this inventory. */
    public Workshop workshopOf(Equipment e) {
        return workshopById.get(workshopOfLine.get(e.line()));
    }

    /** The site holding an equipment of this inventory. */
    public Site siteOf(Equipment e) {
        return siteById.get(siteOfWorkshop.get(workshopOfLine.get(e.line())));
    }

    /**
     * Resolves a scope expression: {@code pilot} (all equipment), the enterprise code, a site, workshop, line or
     * equipment id, optionally prefixed with its level ({@code line:L1}) when a bare id would be ambiguous.
     *
     * @throws UnknownScopeException for an id found nowhere or at several levels, saying which
     */
    public Scope resolve(String expression) {
        if (expression == null || expression.isBlank() || PILOT.equalsIgnoreCase(expression.trim())) {
            return new Scope(Scope.Kind.PILOT, PILOT, enterprise.name(), equipment);
        }
        String trimmed = expression.trim();
        Scope.Kind only = null;
        int colon = trimmed.indexOf(':');
        if (colon > 0) {
            String prefix = trimmed.substring(0, colon).toUpperCase(Locale.ROOT);
            try {
                only = Scope.Kind.valueOf(prefix);
            } catch (IllegalArgumentException e) {
                throw new UnknownScopeException("unknown scope level '" + trimmed.substring(0, colon)
                        + "' (levels: pilot, enterprise, site, workshop, line, equipment)");
            }
        }
        String text = colon > 0 ? trimmed.substring(colon + 1) : trimmed;
        List<Scope> found = new ArrayList<>();
        if ((only == null || only == Scope.Kind.ENTERPRISE) && enterprise.code().equals(text)) {
            found.add(new Scope(Scope.Kind.ENTERPRISE, text, enterprise.name(), equipment));
        }
        if ((only == null || only == Scope.Kind.SITE) && siteById.containsKey(text)) {
            found.add(new Scope(
                    Scope.Kind.SITE,
                    text,
                    siteById.get(text).name(),
                    select(e -> text.equals(siteOfWorkshop.get(workshopOfLine.get(e.line()))))));
        }
        if ((only == null || only == Scope.Kind.WORKSHOP) && workshopById.containsKey(text)) {
            found.add(new Scope(
                    Scope.Kind.WORKSHOP,
                    text,
                    workshopById.get(text).name(),
                    select(e -> text.equals(workshopOfLine.get(e.line())))));
        }
        if ((only == null || only == Scope.Kind.LINE) && lineById.containsKey(text)) {
            found.add(new Scope(Scope.Kind.LINE, text, lineById.get(text).name(), select(e -> text.equals(e.line()))));
        }
        if ((only == null || only == Scope.Kind.EQUIPMENT) && equipmentById.containsKey(text)) {
            Equipment e = equipmentById.get(text);
            found.add(new Scope(Scope.Kind.EQUIPMENT, text, e.name(), List.of(e)));
        }
        if (found.isEmpty()) {
            throw new UnknownScopeException("unknown scope '" + expression
                    + "': not 'pilot', the enterprise code '" + enterprise.code()
                    + "', or the id of a site, workshop, line or equipment of the inventory");
        }
        if (found.size() > 1) {
            throw new UnknownScopeException("scope '" + expression + "' is ambiguous; write one of "
                    + found.stream().map(Scope::expression).collect(Collectors.joining(", ")));
        }
        return found.get(0);
    }

    private List<Equipment> select(java.util.function.Predicate<Equipment> filter) {
        return equipment.stream().filter(filter).toList();
    }

    private static String sample(java.util.Collection<String> ids) {
        if (ids.isEmpty()) {
            return "none";
        }
        List<String> list = new ArrayList<>(ids);
        Collections.sort(list);
        return list.size() <= 10
                ? String.join(", ", list)
                : String.join(", ", list.subList(0, 10)) + ", ... " + (list.size() - 10) + " more";
    }
}
