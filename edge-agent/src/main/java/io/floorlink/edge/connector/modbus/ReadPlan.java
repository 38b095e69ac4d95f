package io.floorlink.edge.connector.modbus;

import io.floorlink.edge.connector.modbus.ModbusConnectorConfig.Address;
import io.floorlink.edge.connector.modbus.ModbusConnectorConfig.Addressing;
import io.floorlink.edge.connector.modbus.ModbusConnectorConfig.Device;
import io.floorlink.edge.connector.modbus.ModbusConnectorConfig.Point;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The requests of one poll cycle of a device: points of the same area whose ranges touch or overlap are merged into
 * one read, up to the device's {@code max_registers} / {@code max_bits}. A gap between two points is read only when
 * it is at most the device's {@code max_gap} long (default 0: never), because unmapped registers make many
 * controllers answer with exception 2 for the whole request; the connector falls back to {@link #withoutGaps} for a
 * device that does.
 */
final class ReadPlan {
    private ReadPlan() {}

    /** One point of a request: its offset (in registers or bits) from the request start. */
    record Member(Point point, Address address, int index) {}

    /**
     * One read request.
     *
     * @param spansGap it reads registers (or bits) no member maps
     */
    record Group(Area area, int start, int count, List<Member> members, boolean spansGap) {}

    private record Item(Point point, Address address, int span) {}

    /** The requests with the device's {@code max_gap}. */
    static List<Group> of(Device device, Addressing addressing) {
        return of(device, addressing, device.maxGap());
    }

    /** The requests of a device that answers a read across a gap with an exception: gaps are never read. */
    static List<Group> withoutGaps(Device device, Addressing addressing) {
        return of(device, addressing, 0);
    }

    private static List<Group> of(Device device, Addressing addressing, int maxGap) {
        List<Item> items = new ArrayList<>();
        for (Point p : device.points()) {
            Address a = p.resolve(addressing);
            items.add(new Item(p, a, Math.max(1, p.registerCount())));
        }
        items.sort(Comparator.comparing((Item i) -> i.address().area())
                .thenComparingInt(i -> i.address().offset()));
        List<Group> groups = new ArrayList<>();
        Area area = null;
        int start = 0;
        int end = 0;
        boolean gap = false;
        List<Item> current = new ArrayList<>();
        for (Item i : items) {
            int limit = i.address().area().registers() ? device.maxRegisters() : device.maxBits();
            int s = i.address().offset();
            int e = s + i.span();
            boolean fits = area == i.address().area() && s - end <= maxGap && Math.max(end, e) - start <= limit;
            if (!fits && !current.isEmpty()) {
                groups.add(group(area, start, end, current, gap));
                current = new ArrayList<>();
            }
            if (current.isEmpty()) {
                area = i.address().area();
                start = s;
                end = e;
                gap = false;
            } else {
                gap |= s > end;
                end = Math.max(end, e);
            }
            current.add(i);
        }
        if (!current.isEmpty()) {
            groups.add(group(area, start, end, current, gap));
        }
        return List.copyOf(groups);
    }

    private static Group group(Area area, int start, int end, List<Item> items, boolean gap) {
        List<Member> members = new ArrayList<>();
        for (Item i : items) {
            members.add(new Member(i.point(), i.address(), i.address().offset() - start));
        }
        return new Group(area, start, end - start, List.copyOf(members), gap);
    }
}
