package io.floorlink.edge.connector.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.edge.connector.modbus.ModbusConnectorConfig.Addressing;
import io.floorlink.edge.connector.modbus.ModbusConnectorConfig.Device;
import io.floorlink.edge.connector.modbus.ModbusConnectorConfig.Point;
import io.floorlink.sparkplug.Category;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadPlanTest {

    private static Point p(String id, String address, ValueType type) {
        return new Point(id, address, type, null, null, null, null, null, Category.PROCESS, null, null, null);
    }

    private static Device device(Integer maxRegisters, Point... points) {
        return device(maxRegisters, null, points);
    }

    private static Device device(Integer maxRegisters, Integer maxGap, Point... points) {
        return new Device("D1", 1, Duration.ofSeconds(1), null, maxRegisters, null, maxGap, List.of(points));
    }

    /** "AREA@start+count", with " gap" for a request that reads unmapped registers. */
    private static List<String> requests(List<ReadPlan.Group> plan) {
        return plan.stream()
                .map(g -> g.area() + "@" + g.start() + "+" + g.count() + (g.spansGap() ? " gap" : ""))
                .toList();
    }

    @Test
    void contiguousPointsShareOneRequestAndGapsSplit() {
        var plan = ReadPlan.of(
                device(
                        null,
                        p("a", "holding:0", ValueType.UINT16),
                        p("c", "holding:3", ValueType.FLOAT32),
                        p("b", "holding:1", ValueType.UINT32),
                        p("far", "holding:10", ValueType.INT16),
                        p("in", "input:0", ValueType.INT16),
                        p("c0", "coil:0", ValueType.BOOL),
                        p("c1", "coil:1", ValueType.BOOL)),
                Addressing.ZERO_BASED);
        assertThat(plan)
                .extracting(g -> g.area() + "@" + g.start() + "+" + g.count())
                .containsExactly("COIL@0+2", "INPUT_REGISTER@0+1", "HOLDING_REGISTER@0+5", "HOLDING_REGISTER@10+1");
        assertThat(plan.get(2).members())
                .extracting(m -> m.point().id() + "@" + m.index())
                .containsExactly("a@0", "b@1", "c@3");
    }

    @Test
    void maxGapReadsAcrossGapsUpToItsLengthAndMarksThoseRequests() {
        Point[] points = {
            p("a", "holding:0", ValueType.FLOAT32), // 0..1
            p("b", "holding:5", ValueType.UINT16), // gap of 3 (2..4)
            p("c", "holding:14", ValueType.UINT16), // gap of 8 (6..13)
            p("d", "holding:15", ValueType.UINT16),
            p("c0", "coil:0", ValueType.BOOL),
            p("c9", "coil:9", ValueType.BOOL), // gap of 8 bits
        };
        var gap3 = ReadPlan.of(device(null, 3, points), Addressing.ZERO_BASED);
        assertThat(requests(gap3))
                .containsExactly("COIL@0+1", "COIL@9+1", "HOLDING_REGISTER@0+6 gap", "HOLDING_REGISTER@14+2");
        assertThat(gap3.get(2).members())
                .extracting(m -> m.point().id() + "@" + m.index())
                .containsExactly("a@0", "b@5");

        Device gap8 = device(null, 8, points);
        assertThat(requests(ReadPlan.of(gap8, Addressing.ZERO_BASED)))
                .containsExactly("COIL@0+10 gap", "HOLDING_REGISTER@0+16 gap");
        assertThat(requests(ReadPlan.withoutGaps(gap8, Addressing.ZERO_BASED)))
                .containsExactly(
                        "COIL@0+1",
                        "COIL@9+1",
                        "HOLDING_REGISTER@0+2",
                        "HOLDING_REGISTER@5+1",
                        "HOLDING_REGISTER@14+2");

        // the request limit still holds: with max_registers 10 the gap of 8 is not read
        Device small = device(10, 8, points);
        assertThat(ReadPlan.of(small, Addressing.ZERO_BASED))
                .filteredOn(g -> g.area() == Area.HOLDING_REGISTER)
                .extracting(g -> g.start() + "+" + g.count())
                .containsExactly("0+6", "14+2");
    }

    @Test
    void requestsNeverExceedTheDevicesMaximum() {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 300; i += 2) {
            points.add(p("p" + i, "holding:" + i, ValueType.INT32));
        }
        var full = ReadPlan.of(device(null, points.toArray(Point[]::new)), Addressing.ZERO_BASED);
        assertThat(full).extracting(ReadPlan.Group::count).containsExactly(124, 124, 52);
        var small = ReadPlan.of(device(10, points.toArray(Point[]::new)), Addressing.ZERO_BASED);
        assertThat(small).allSatisfy(g -> assertThat(g.count()).isLessThanOrEqualTo(10));
        assertThat(small).hasSize(30);
        assertThat(small.stream().mapToInt(g -> g.members().size()).sum()).isEqualTo(150);
    }
}
