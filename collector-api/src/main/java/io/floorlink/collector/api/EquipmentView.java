package io.floorlink.collector.api;

import io.floorlink.collector.calendar.ShiftCalendar;
import io.floorlink.collector.inventory.Equipment;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.PointRequirement;
import io.floorlink.sparkplug.config.Durations;
import java.time.Duration;
import java.util.List;

/**
 * An inventory equipment as listed by {@code GET /api/v1/equipment}: its flags and place in the hierarchy.
 *
 * @param id equipment id (Sparkplug device_id)
 * @param name display name
 * @param type equipment type, nullable
 * @param site site id
 * @param workshop workshop id
 * @param line line id
 * @param production production equipment (生产设备)
 * @param digital digital equipment (数字化设备)
 * @param key key equipment (关键设备)
 * @param idealCycleTime ideal cycle time, nullable
 * @param points required points
 * @param calendar id of the shift calendar that applies (nearest level wins), nullable
 */
record EquipmentView(
        String id,
        String name,
        String type,
        String site,
        String workshop,
        String line,
        boolean production,
        boolean digital,
        boolean key,
        Duration idealCycleTime,
        List<PointRequirement> points,
        String calendar) {

    static EquipmentView of(Inventory inventory, Equipment e) {
        return new EquipmentView(
                e.id(),
                e.name(),
                e.type(),
                inventory.siteOf(e).id(),
                inventory.workshopOf(e).id(),
                e.line(),
                e.production(),
                e.digital(),
                e.key(),
                e.idealCycleTime(),
                e.points(),
                inventory.calendarFor(e.id()).map(ShiftCalendar::id).orElse(null));
    }

    /** The equipment list as a CSV table, points written {@code id:category:interval} joined with {@code ;}. */
    static CsvTable table(Inventory inventory) {
        CsvTable t = new CsvTable(
                "id",
                "name",
                "type",
                "site",
                "workshop",
                "line",
                "production",
                "digital",
                "key",
                "ideal_cycle_time",
                "calendar",
                "points");
        for (Equipment e : inventory.equipment()) {
            EquipmentView v = of(inventory, e);
            t.row(
                    v.id(),
                    v.name(),
                    v.type(),
                    v.site(),
                    v.workshop(),
                    v.line(),
                    v.production(),
                    v.digital(),
                    v.key(),
                    v.idealCycleTime(),
                    v.calendar(),
                    v.points().stream()
                            .map(p -> p.id() + ":" + p.category().wireName() + ":" + Durations.format(p.interval()))
                            .toList());
        }
        return t;
    }
}
