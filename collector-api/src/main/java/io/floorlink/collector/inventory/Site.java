package io.floorlink.collector.inventory;

import java.util.List;

/**
 * A site (plant) of the enterprise.
 *
 * @param id site id, unique among sites, never null
 * @param name display name, never null (defaults to the id)
 * @param workshops its workshops, never null (may be empty)
 * @param calendar id of the shift calendar of its equipment; null inherits the enterprise's
 */
public record Site(String id, String name, List<Workshop> workshops, String calendar) {
    public Site {
        Ids.require("id", id);
        name = name == null || name.isBlank() ? id : name;
        workshops = workshops == null ? List.of() : List.copyOf(workshops);
        calendar = Line.blankToNull(calendar);
    }

    public Site(String id, String name, List<Workshop> workshops) {
        this(id, name, workshops, null);
    }
}
