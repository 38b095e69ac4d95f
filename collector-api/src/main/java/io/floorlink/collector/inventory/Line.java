package io.floorlink.collector.inventory;

/**
 * A production line.
 *
 * @param id line id, unique among lines, never null
 * @param name display name, never null (defaults to the id)
 * @param calendar id of the shift calendar of its equipment; null inherits the workshop's
 */
public record Line(String id, String name, String calendar) {
    public Line {
        Ids.require("id", id);
        name = name == null || name.isBlank() ? id : name;
        calendar = blankToNull(calendar);
    }

    public Line(String id, String name) {
        this(id, name, null);
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
