package io.floorlink.collector.inventory;

/**
 * A production line.
 *
 * @param id line id, unique among lines, never null
 * @param name display name, never null (defaults to the id)
 */
public record Line(String id, String name) {
    public Line {
        Ids.require("id", id);
        name = name == null || name.isBlank() ? id : name;
    }
}
