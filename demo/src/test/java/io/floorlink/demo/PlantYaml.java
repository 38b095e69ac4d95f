package io.floorlink.demo;

import io.floorlink.sim.modbus.MachineEndpoint;
import io.floorlink.sim.modbus.MoldingMachine;
import io.floorlink.sim.modbus.MoldingMachineSimulator;
import java.nio.file.Path;

/** The YAML the read-sequence tests share: the edge's Modbus connectors and the collector's inventory. */
final class PlantYaml {
    private PlantYaml() {}

    /** Point id of read-sequence register {@code i}. */
    static String pointId(int i) {
        return String.format("seq_%03d", i);
    }

    /** The {@code connectors:} section: one Modbus connector per machine, its first {@code points} sequence registers. */
    static String modbusConnectors(MoldingMachineSimulator plant, int points) {
        StringBuilder y = new StringBuilder("connectors:\n");
        for (String machine : plant.machineIds()) {
            MachineEndpoint e = plant.endpoint(machine);
            y.append("  - type: modbus\n");
            y.append("    name: ").append(machine).append('\n');
            y.append("    host: ").append(e.host()).append('\n');
            y.append("    port: ").append(e.port()).append('\n');
            y.append("    addressing: zero_based\n");
            y.append("    reconnect: { initial_delay: 500ms, max_delay: 2s }\n");
            y.append("    devices:\n");
            y.append("      - id: ").append(machine).append('\n');
            y.append("        unit: 1\n        interval: 1s\n        byte_order: ABCD\n        points:\n");
            for (int i = 0; i < points; i++) {
                y.append("          - { id: ")
                        .append(pointId(i))
                        .append(", address: \"holding:")
                        .append(MoldingMachine.READ_SEQUENCE + i)
                        .append("\", type: uint16, category: process }\n");
            }
        }
        return y.toString();
    }

    /**
     * The edge config below {@code uplink:}: the buffer at {@code buffer} (largest size {@code maxSize}, e.g.
     * {@code "256MB"}, replay at 20,000 records/s), HTTP on 127.0.0.1 port 0, health every 2 s, and the Modbus
     * connectors of {@link #modbusConnectors}.
     */
    static String edgeBufferHttpAndConnectors(Path buffer, String maxSize, MoldingMachineSimulator plant, int points) {
        return "buffer: { path: " + buffer + ", max_size: " + maxSize + ", replay_rate: 20000 }\n"
                + "http: { host: 127.0.0.1, port: 0 }\n"
                + "health_interval: 2s\n"
                + modbusConnectors(plant, points);
    }

    /** An inventory of enterprise ENT001 with every machine and its first {@code points} sequence registers. */
    static String inventory(String name, MoldingMachineSimulator plant, int points) {
        StringBuilder y = new StringBuilder();
        y.append("enterprise: { code: ENT001, name: ").append(name).append(", timezone: Asia/Shanghai }\n");
        y.append("sites:\n  - id: S1\n    workshops:\n      - id: W1\n        lines:\n          - { id: L1 }\n");
        y.append("equipment:\n");
        for (String machine : plant.machineIds()) {
            y.append("  - { id: ").append(machine).append(", line: L1, production: true, digital: true, points: [");
            for (int i = 0; i < points; i++) {
                y.append(i == 0 ? "" : ", ")
                        .append("{ id: ")
                        .append(pointId(i))
                        .append(", category: process, interval: 1s }");
            }
            y.append("] }\n");
        }
        return y.toString();
    }
}
