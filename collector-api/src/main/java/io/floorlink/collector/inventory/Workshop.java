package io.floorlink.collector.inventory;

import java.util.List;

/**
 * A workshop of a site.
 *
 * @param id workshop id, unique among workshops, never null
 * @param name display name, never null (defaults to the id)
 * @param lines its lines, never null (may be empty)
 */
public record Workshop(String id, String name, List<Line> lines) {
    public Workshop {
        Ids.require("id", id);
        name = name == null || name.isBlank() ? id : name;
        lines = lines == null ? List.of() : List.copyOf(lines);
    }
}
