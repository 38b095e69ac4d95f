package io.floorlink.collector.inventory;

import java.util.List;

/**
 * A workshop of a site.
 *
 * @param id workshop id, unique among workshops, never null
 * @param name display name, never null (defaults to the id)
 * @param lines its lines, never null (may be empty)
 * @param calendar id of the shift calendar of its equipment; null inherits the site's
 */
public record Workshop(String id, String name, List<Line> lines, String calendar) {
    public Workshop {
        Ids.require("id", id);
        name = name == null || name.isBlank() ? id : name;
        lines = lines == null ? List.of() : List.copyOf(lines);
        calendar = Line.blankToNull(calendar);
    }

    public Workshop(String id, String name, List<Line> lines) {
        this(id, name, lines, null);
    }
}
