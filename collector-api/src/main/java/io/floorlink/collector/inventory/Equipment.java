package io.floorlink.collector.inventory;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One piece of equipment of the inventory (台账). Its id is the Sparkplug device_id.
 *
 * @param id equipment id, unique, never null
 * @param name display name, never null (defaults to the id)
 * @param type equipment type, e.g. {@code sewing_machine}; nullable
 * @param line id of the line it belongs to, never null
 * @param production production equipment (生产设备); required
 * @param digital has a digital interface (数字化设备), incl. retrofitted PLC/sensors; required
 * @param key key equipment (关键设备); null means false
 * @param idealCycleTime ideal cycle time for OEE performance; nullable
 * @param points required points, ids unique, never null (may be empty, e.g. for non-digital equipment)
 * @param calendar id of its shift calendar; null inherits the line's
 */
public record Equipment(
        String id,
        String name,
        String type,
        String line,
        Boolean production,
        Boolean digital,
        Boolean key,
        Duration idealCycleTime,
        List<PointRequirement> points,
        String calendar) {

    public Equipment {
        Ids.require("id", id);
        name = name == null || name.isBlank() ? id : name;
        if (line == null || line.isBlank()) {
            throw new IllegalArgumentException("line is required (the id of a line of the inventory)");
        }
        if (production == null) {
            throw new IllegalArgumentException("production is required (true or false: is it production equipment)");
        }
        if (digital == null) {
            throw new IllegalArgumentException("digital is required (true or false: does it have a digital interface)");
        }
        key = key != null && key;
        if (idealCycleTime != null && (idealCycleTime.isNegative() || idealCycleTime.isZero())) {
            throw new IllegalArgumentException("ideal_cycle_time must be positive but was " + idealCycleTime);
        }
        points = points == null ? List.of() : List.copyOf(points);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i) == null) {
                throw new IllegalArgumentException("points[" + i + "] is empty");
            }
            if (!seen.add(points.get(i).id())) {
                throw new IllegalArgumentException("points[" + i + "]: duplicate point id '"
                        + points.get(i).id() + "'");
            }
        }
        calendar = Line.blankToNull(calendar);
    }

    /** All fields but the calendar (inherited from the line). */
    public Equipment(
            String id,
            String name,
            String type,
            String line,
            Boolean production,
            Boolean digital,
            Boolean key,
            Duration idealCycleTime,
            List<PointRequirement> points) {
        this(id, name, type, line, production, digital, key, idealCycleTime, points, null);
    }

    /** Convenience constructor for code that builds inventories (demo, tests). */
    public Equipment(
            String id, String line, boolean production, boolean digital, boolean key, List<PointRequirement> points) {
        this(id, null, null, line, production, digital, key, null, points, null);
    }
}
