package io.floorlink.collector.inventory;

import io.floorlink.collector.calendar.ShiftCalendar;
import io.floorlink.sparkplug.config.Durations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An inventory as the tree of the inventory YAML ({@code enterprise, calendars, sites, equipment}; snake_case keys,
 * durations with units), so that writing it as YAML gives a file {@link InventoryLoader} reads back to an equal
 * inventory, and as JSON the answer of {@code GET /api/v1/inventory}. Optional fields that are unset are left out.
 */
public final class InventoryDocument {
    private InventoryDocument() {}

    /** The document tree of an inventory: maps, lists and strings/booleans only. */
    public static Map<String, Object> of(Inventory inv) {
        Map<String, Object> doc = new LinkedHashMap<>();
        Enterprise e = inv.enterprise();
        Map<String, Object> ent = new LinkedHashMap<>();
        ent.put("code", e.code());
        ent.put("name", e.name());
        ent.put("timezone", e.timezone());
        put(ent, "calendar", e.calendar());
        doc.put("enterprise", ent);
        List<Object> calendars = new ArrayList<>();
        for (ShiftCalendar c : inv.calendars()) {
            CalendarSpec spec = CalendarSpec.of(c);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", spec.id());
            m.put("timezone", spec.timezone());
            List<Object> shifts = new ArrayList<>();
            for (CalendarSpec.ShiftSpec s : spec.shifts()) {
                Map<String, Object> sm = new LinkedHashMap<>();
                sm.put("name", s.name());
                sm.put("days", s.days());
                sm.put("start", s.start());
                sm.put("end", s.end());
                if (!s.breaks().isEmpty()) {
                    sm.put("breaks", s.breaks());
                }
                shifts.add(sm);
            }
            m.put("shifts", shifts);
            m.put("holidays", spec.holidays());
            List<Object> makeUp = new ArrayList<>();
            for (CalendarSpec.MakeUpDaySpec d : spec.makeUpDays()) {
                makeUp.add(Map.of("date", d.date(), "as", d.as()));
            }
            m.put("make_up_days", makeUp);
            calendars.add(m);
        }
        doc.put("calendars", calendars);
        List<Object> sites = new ArrayList<>();
        for (Site s : inv.sites()) {
            Map<String, Object> sm = named(s.id(), s.name(), s.calendar());
            List<Object> workshops = new ArrayList<>();
            for (Workshop w : s.workshops()) {
                Map<String, Object> wm = named(w.id(), w.name(), w.calendar());
                List<Object> lines = new ArrayList<>();
                for (Line l : w.lines()) {
                    lines.add(named(l.id(), l.name(), l.calendar()));
                }
                wm.put("lines", lines);
                workshops.add(wm);
            }
            sm.put("workshops", workshops);
            sites.add(sm);
        }
        doc.put("sites", sites);
        List<Object> equipment = new ArrayList<>();
        for (Equipment q : inv.equipment()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", q.id());
            m.put("name", q.name());
            put(m, "type", q.type());
            m.put("line", q.line());
            m.put("production", q.production());
            m.put("digital", q.digital());
            m.put("key", q.key());
            put(m, "ideal_cycle_time", q.idealCycleTime() == null ? null : Durations.format(q.idealCycleTime()));
            put(m, "calendar", q.calendar());
            List<Object> points = new ArrayList<>();
            for (PointRequirement p : q.points()) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("id", p.id());
                pm.put("category", p.category().wireName());
                pm.put("interval", Durations.format(p.interval()));
                points.add(pm);
            }
            m.put("points", points);
            equipment.add(m);
        }
        doc.put("equipment", equipment);
        return doc;
    }

    private static Map<String, Object> named(String id, String name, String calendar) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("name", name);
        put(m, "calendar", calendar);
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
