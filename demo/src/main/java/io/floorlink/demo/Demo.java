package io.floorlink.demo;

import io.floorlink.collector.Collector;
import io.floorlink.collector.CollectorConfig;
import io.floorlink.edge.EdgeAgent;
import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.gateway.GatewayConfig;
import io.floorlink.sim.modbus.MachineEndpoint;
import io.floorlink.sim.modbus.MoldingMachineSimulator;
import io.floorlink.sim.mqtt.AssemblyLineOptions;
import io.floorlink.sim.mqtt.AssemblyLineSimulator;
import io.floorlink.sim.opcua.SewingLineOptions;
import io.floorlink.sim.opcua.SewingLineSimulator;
import io.floorlink.sparkplug.config.Durations;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A whole FloorLink plant in one JVM: an OPC UA sewing line, a hall of Modbus TCP injection-molding machines and an
 * MQTT appliance assembly line (simulated), an edge agent configured for them, and the collector with its in-process
 * gateway (embedded broker on a free loopback port, H2 facts store). The edge and inventory configuration it
 * generates are written to the data folder, so a user can read what the demo runs.
 *
 * <p>The assembly stations publish to the gateway's embedded broker under {@link #ASSEMBLY_PREFIX}: a plant would
 * have its own broker, the demo saves starting a second one.
 */
public final class Demo implements AutoCloseable {
    /** Enterprise code of the demo inventory, used as Sparkplug group_id. */
    public static final String ENTERPRISE = "ENT001";
    /** Edge node id of the demo edge agent. */
    public static final String EDGE_NODE = "edge-01";
    /** The production equipment without a digital interface that the demo inventory declares. */
    public static final String MANUAL_EQUIPMENT = "CUT-01";
    /** Topic prefix of the simulated assembly line. */
    public static final String ASSEMBLY_PREFIX = "plant/asm1";

    /** Station variable, point id, category, unit, eng range of each simulated station point. */
    private record PointMap(String variable, String id, String category, String unit, Double engLow, Double engHigh) {}

    private static final List<PointMap> POINTS = List.of(
            new PointMap("RunState", "run_state", "state", null, 0.0, 3.0),
            new PointMap("StitchCount", "stitch_count", "counter", null, null, null),
            new PointMap("TrimCount", "trim_count", "counter", null, null, null),
            new PointMap("Pieces", "pieces", "counter", "pcs", null, null),
            new PointMap("MotorSpeed", "motor_speed", "process", "rpm", 0.0, 6000.0),
            new PointMap("FaultCode", "fault_code", "alarm", null, null, null));

    /** Modbus register map of the simulated molding machines (0-based holding registers, coils). */
    private record RegisterMap(
            String address, String id, String type, String category, String unit, Double engLow, Double engHigh) {}

    private static final List<RegisterMap> MOLDING_POINTS = List.of(
            new RegisterMap("holding:1", "production_status", "uint16", "state", null, null, null),
            new RegisterMap("holding:2", "cycle_counter", "uint32", "counter", null, null, null),
            new RegisterMap("holding:4", "good_parts", "uint32", "quality", null, null, null),
            new RegisterMap("holding:6", "bad_parts", "uint32", "quality", null, null, null),
            new RegisterMap("holding:8", "last_cycle_time", "float32", "process", "s", null, null),
            new RegisterMap("holding:10", "mold_temp_1", "float32", "process", "degC", 0.0, 400.0),
            new RegisterMap("holding:22", "energy", "float64", "energy", "kWh", null, null),
            new RegisterMap("coil:1", "alarm", "bool", "alarm", null, null, null));

    /** JSON fields of the simulated assembly stations: pointer, point id, type, category, unit. */
    private record JsonMap(String pointer, String id, String type, String category, String unit) {}

    private static final List<JsonMap> ASSEMBLY_POINTS = List.of(
            new JsonMap("/state", "state", null, "state", null),
            new JsonMap("/cycle_time_s", "cycle_time", "double", "process", "s"),
            new JsonMap("/counts/ok", "ok_count", "int64", "counter", null),
            new JsonMap("/counts/ng", "ng_count", "int64", "counter", null),
            new JsonMap("/energy_kwh", "energy", "double", "energy", "kWh"));

    private final SewingLineSimulator simulator;
    private final MoldingMachineSimulator molding;
    private final AssemblyLineSimulator assembly;
    private final Collector collector;
    private final EdgeAgent edgeAgent;
    private final Path dataDir;

    private Demo(
            SewingLineSimulator simulator,
            MoldingMachineSimulator molding,
            AssemblyLineSimulator assembly,
            Collector collector,
            EdgeAgent edgeAgent,
            Path dataDir) {
        this.simulator = simulator;
        this.molding = molding;
        this.assembly = assembly;
        this.collector = collector;
        this.edgeAgent = edgeAgent;
        this.dataDir = dataDir;
    }

    /**
     * Starts simulator, collector (with gateway) and edge agent, in that order, and returns once all listen; the
     * stations come online in the background within seconds. Blocks.
     *
     * @throws Exception when a part cannot start (e.g. the HTTP port is taken); what started is stopped again
     */
    public static Demo start(DemoOptions options, MeterRegistry registry) throws Exception {
        return start(
                options,
                GatewayConfig.defaults(options.dataDir()).withBrokerPort(0).withFlushInterval(options.flushInterval()),
                registry);
    }

    /**
     * Like {@link #start(DemoOptions, MeterRegistry)} with a given gateway, e.g. an external broker and a
     * PostgreSQL facts store instead of the embedded ones.
     */
    public static Demo start(DemoOptions options, GatewayConfig gateway, MeterRegistry registry) throws Exception {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(gateway, "gateway");
        Files.createDirectories(options.dataDir());
        // The embedded broker authenticates every client: the demo makes its own credentials unless given some.
        DemoCredentials credentials = gateway.broker().isEmbedded() && gateway.auth() == null
                ? DemoCredentials.generate(options.dataDir())
                : null;
        if (credentials != null) {
            gateway = gateway.withAuth(credentials.auth());
        }
        SewingLineSimulator sim = null;
        MoldingMachineSimulator molding = null;
        AssemblyLineSimulator assembly = null;
        Collector collector = null;
        try {
            sim = SewingLineSimulator.start(SewingLineOptions.defaults()
                    .withStations(options.stations())
                    .withSeed(options.seed()));
            molding = MoldingMachineSimulator.start(MoldingMachineSimulator.Options.local(options.moldingMachines()));
            Path inventory = write(
                    options.dataDir().resolve("inventory.yaml"),
                    inventoryYaml(
                            sim.stationIds(),
                            molding.machineIds(),
                            AssemblyLineSimulator.stationIdsFor(options.assemblyStations()),
                            options));
            collector = Collector.start(
                    CollectorConfig.defaults(options.dataDir())
                            .withHttpPort(options.httpPort())
                            .withInventory(inventory)
                            .withGateway(gateway),
                    registry);
            assembly = AssemblyLineSimulator.start(
                    AssemblyLineOptions.defaults(collector.gateway().mqttUrl())
                            .withStations(options.assemblyStations())
                            .withPrefix(ASSEMBLY_PREFIX)
                            .withInterval(options.pointInterval())
                            .withClockSkew(options.clockSkew())
                            .withCredentials(
                                    credentials == null ? null : DemoCredentials.STATIONS_USER,
                                    credentials == null ? null : credentials.stationsPassword()));
            String edgeYaml = edgeYaml(sim, molding, assembly, collector, options, credentials != null);
            Path edgeFile = write(options.dataDir().resolve("edge.yaml"), edgeYaml);
            EdgeAgent edge = EdgeAgent.start(EdgeConfig.load(edgeFile), registry);
            return new Demo(sim, molding, assembly, collector, edge, options.dataDir());
        } catch (Exception | Error e) {
            if (assembly != null) {
                assembly.close();
            }
            if (collector != null) {
                collector.close();
            }
            if (molding != null) {
                molding.close();
            }
            if (sim != null) {
                sim.close();
            }
            throw e;
        }
    }

    /** Base URL of the web UI and API, e.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        return "http://127.0.0.1:" + collector.httpPort();
    }

    public SewingLineSimulator simulator() {
        return simulator;
    }

    /** The Modbus TCP molding machines ({@code IMM-01}, ...). */
    public MoldingMachineSimulator molding() {
        return molding;
    }

    /** The MQTT assembly stations ({@code ST-01}, ...; the last one is the end-of-line tester). */
    public AssemblyLineSimulator assembly() {
        return assembly;
    }

    public Collector collector() {
        return collector;
    }

    public EdgeAgent edgeAgent() {
        return edgeAgent;
    }

    /** Folder holding the generated edge.yaml and inventory.yaml, the H2 facts and the broker's files. */
    public Path dataDir() {
        return dataDir;
    }

    /** Stops edge agent, collector and simulators, in that order, so the last data is flushed. Blocks. */
    @Override
    public void close() {
        edgeAgent.close();
        assembly.close();
        collector.close();
        molding.close();
        simulator.close();
    }

    static String edgeYaml(
            SewingLineSimulator sim,
            MoldingMachineSimulator molding,
            AssemblyLineSimulator assembly,
            Collector collector,
            DemoOptions options,
            boolean credentials) {
        StringBuilder y = new StringBuilder();
        y.append("# Generated by the FloorLink demo for its simulated sewing line.\n");
        y.append("edge: { group: ")
                .append(ENTERPRISE)
                .append(", node: ")
                .append(EDGE_NODE)
                .append(" }\n");
        y.append("uplink:\n");
        y.append("  url: ").append(collector.gateway().mqttUrl()).append('\n');
        y.append("  primary_host: ").append(collector.gateway().hostId()).append('\n');
        if (credentials) {
            credentials(y, "  ", DemoCredentials.EDGE_USER);
        }
        y.append("buffer: { path: ")
                .append(options.dataDir().resolve("buffer.db"))
                .append(", max_size: 256MB }\n");
        y.append("http: { host: 127.0.0.1, port: 0 }\n");
        y.append("health_interval: ")
                .append(Durations.format(options.healthInterval()))
                .append('\n');
        y.append("connectors:\n");
        y.append("  - type: opcua\n");
        y.append("    name: sewing-line-1\n");
        y.append("    endpoint: ").append(sim.endpointUrl()).append('\n');
        y.append("    security: { mode: none }\n");
        y.append("    devices:\n");
        String interval = Durations.format(options.pointInterval());
        for (String station : sim.stationIds()) {
            y.append("      - id: ").append(station).append('\n');
            y.append("        points:\n");
            for (PointMap p : POINTS) {
                y.append("          - { id: ").append(p.id());
                y.append(", node: \"").append(sim.nodeId(station, p.variable())).append('"');
                pointContract(y, p.category(), interval, p.unit(), p.engLow(), p.engHigh());
            }
        }
        for (String machine : molding.machineIds()) {
            MachineEndpoint endpoint = molding.endpoint(machine);
            y.append("  - type: modbus\n");
            y.append("    name: molding-").append(machine).append('\n');
            y.append("    host: ").append(endpoint.host()).append('\n');
            y.append("    port: ").append(endpoint.port()).append('\n');
            y.append("    addressing: zero_based\n");
            // Local simulated machines: a switched-off machine is re-probed within a second of coming back.
            y.append("    reconnect: { initial_delay: 500ms, max_delay: 1s }\n");
            y.append("    devices:\n");
            y.append("      - id: ").append(machine).append('\n');
            y.append("        unit: 1\n");
            y.append("        interval: ").append(interval).append('\n');
            y.append("        byte_order: ABCD\n");
            y.append("        points:\n");
            for (RegisterMap r : MOLDING_POINTS) {
                y.append("          - { id: ").append(r.id());
                y.append(", address: \"").append(r.address()).append('"');
                y.append(", type: ").append(r.type());
                pointContract(y, r.category(), null, r.unit(), r.engLow(), r.engHigh());
            }
        }
        y.append("  - type: mqtt\n");
        y.append("    name: assembly-line-1\n");
        y.append("    url: ").append(collector.gateway().mqttUrl()).append('\n');
        y.append("    client_id: ").append(EDGE_NODE).append("-asm1\n");
        if (credentials) {
            credentials(y, "    ", DemoCredentials.CONNECTOR_USER);
        }
        y.append("    reconnect: { initial_delay: 500ms, max_delay: 5s }\n");
        y.append("    devices:\n");
        y.append("      - ids: [")
                .append(String.join(", ", assembly.stationIds()))
                .append("]\n");
        y.append("        topic: ").append(ASSEMBLY_PREFIX).append("/+/data\n");
        y.append("        device_segment: 3\n");
        y.append("        qos: 1\n");
        y.append("        timestamp: { pointer: /ts, format: epoch_ms }\n");
        y.append("        silence_timeout: ")
                .append(Durations.format(options.pointInterval().multipliedBy(5)))
                .append('\n');
        y.append("        status: { topic: ")
                .append(ASSEMBLY_PREFIX)
                .append("/+/status, online: online, offline: offline }\n");
        y.append("        points:\n");
        for (JsonMap j : ASSEMBLY_POINTS) {
            y.append("          - { id: ").append(j.id());
            y.append(", pointer: ").append(j.pointer());
            if (j.type() != null) {
                y.append(", type: ").append(j.type());
            } else {
                y.append(", map: { IDLE: 0, RUNNING: 1, BLOCKED: 2, FAULT: 3 }");
            }
            pointContract(y, j.category(), interval, j.unit(), null, null);
        }
        return y.toString();
    }

    /** {@code username} and a {@code ${file:...}} password, relative to edge.yaml (written to the data dir). */
    private static void credentials(StringBuilder y, String indent, String user) {
        y.append(indent).append("username: ").append(user).append('\n');
        y.append(indent)
                .append("password: \"${file:")
                .append(DemoCredentials.passwordFile(user))
                .append("}\"\n");
    }

    /** The end of a point entry: category, interval (nullable: the device's), unit and eng range where known. */
    private static void pointContract(
            StringBuilder y, String category, String interval, String unit, Double engLow, Double engHigh) {
        y.append(", category: ").append(category);
        if (interval != null) {
            y.append(", interval: ").append(interval);
        }
        if (unit != null) {
            y.append(", unit: ").append(unit);
        }
        if (engLow != null) {
            y.append(", eng_low: ").append(engLow).append(", eng_high: ").append(engHigh);
        }
        y.append(" }\n");
    }

    static String inventoryYaml(
            List<String> stations, List<String> machines, List<String> assemblyStations, DemoOptions options) {
        String interval = Durations.format(options.pointInterval());
        StringBuilder y = new StringBuilder();
        y.append("# Generated by the FloorLink demo: the inventory (台账) of its simulated sewing line.\n");
        y.append("enterprise: { code: ")
                .append(ENTERPRISE)
                .append(", name: Demo Sportswear Co., timezone: Asia/Shanghai }\n");
        y.append("sites:\n");
        y.append("  - id: S1\n    name: Plant 1\n    workshops:\n");
        y.append("      - id: W-SEW\n        name: Sewing workshop\n        lines:\n");
        y.append("          - { id: L-SEW1, name: Sewing line 1 }\n");
        y.append("      - id: W-MOLD\n        name: Molding hall\n        lines:\n");
        y.append("          - { id: L-MOLD, name: Injection molding }\n");
        y.append("      - id: W-ASM\n        name: Assembly workshop\n        lines:\n");
        y.append("          - { id: L-ASM1, name: Washing-machine assembly line 1 }\n");
        y.append("equipment:\n");
        for (int i = 0; i < stations.size(); i++) {
            String station = stations.get(i);
            y.append("  - id: ").append(station).append('\n');
            y.append("    name: Sewing station ").append(i + 1).append('\n');
            y.append("    type: sewing_machine\n    line: L-SEW1\n    production: true\n    digital: true\n");
            y.append("    key: ").append(i < 3).append('\n');
            y.append("    points:\n");
            for (PointMap p : POINTS) {
                y.append("      - { id: ").append(p.id()).append(", category: ").append(p.category());
                y.append(", interval: ").append(interval).append(" }\n");
            }
        }
        for (int i = 0; i < machines.size(); i++) {
            y.append("  - id: ").append(machines.get(i)).append('\n');
            y.append("    name: Injection molding machine ").append(i + 1).append('\n');
            y.append("    type: injection_molding\n    line: L-MOLD\n    production: true\n    digital: true\n");
            y.append("    key: ").append(i == 0).append('\n');
            y.append("    points:\n");
            for (RegisterMap r : MOLDING_POINTS) {
                y.append("      - { id: ").append(r.id()).append(", category: ").append(r.category());
                y.append(", interval: ").append(interval).append(" }\n");
            }
        }
        for (int i = 0; i < assemblyStations.size(); i++) {
            boolean endOfLine = i == assemblyStations.size() - 1;
            y.append("  - id: ").append(assemblyStations.get(i)).append('\n');
            y.append("    name: ")
                    .append(endOfLine ? "End-of-line tester" : "Assembly station " + (i + 1))
                    .append('\n');
            y.append("    type: ")
                    .append(endOfLine ? "end_of_line_tester" : "assembly_station")
                    .append("\n    line: L-ASM1\n    production: true\n    digital: true\n");
            y.append("    key: ").append(endOfLine).append('\n');
            y.append("    points:\n");
            for (JsonMap j : ASSEMBLY_POINTS) {
                y.append("      - { id: ").append(j.id()).append(", category: ").append(j.category());
                y.append(", interval: ").append(interval).append(" }\n");
            }
        }
        y.append("  - id: ").append(MANUAL_EQUIPMENT).append('\n');
        y.append("    name: Manual cutting table\n    type: cutting_table\n    line: L-SEW1\n");
        y.append("    production: true\n    digital: false\n    key: false\n");
        return y.toString();
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Options of a demo run; see {@link DemoMain} for the command line. */
    public record DemoOptions(
            int httpPort,
            int stations,
            int moldingMachines,
            int assemblyStations,
            Map<String, Duration> clockSkew,
            long seed,
            Path dataDir,
            Duration pointInterval,
            Duration healthInterval,
            Duration flushInterval) {
        public DemoOptions {
            if (httpPort < 0 || httpPort > 65_535) {
                throw new IllegalArgumentException("http port must be 0..65535 but was " + httpPort);
            }
            if (stations < 1 || stations > 99) {
                throw new IllegalArgumentException("stations must be 1..99 but was " + stations);
            }
            if (moldingMachines < 1 || moldingMachines > 99) {
                throw new IllegalArgumentException("molding machines must be 1..99 but was " + moldingMachines);
            }
            if (assemblyStations < 1 || assemblyStations > 99) {
                throw new IllegalArgumentException("assembly stations must be 1..99 but was " + assemblyStations);
            }
            clockSkew = clockSkew == null ? Map.of() : Map.copyOf(clockSkew);
            Objects.requireNonNull(dataDir, "dataDir");
        }

        /**
         * 127.0.0.1:8080, 12 sewing stations, 4 molding machines, 4 assembly stations with true clocks, 1 s points,
         * 5 s health, 5 s flush, data in {@code dataDir}.
         */
        public static DemoOptions defaults(Path dataDir) {
            return new DemoOptions(
                    8080,
                    12,
                    4,
                    4,
                    Map.of(),
                    1,
                    dataDir,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(5));
        }

        public DemoOptions withHttpPort(int port) {
            return new DemoOptions(
                    port,
                    stations,
                    moldingMachines,
                    assemblyStations,
                    clockSkew,
                    seed,
                    dataDir,
                    pointInterval,
                    healthInterval,
                    flushInterval);
        }

        public DemoOptions withStations(int n) {
            return new DemoOptions(
                    httpPort,
                    n,
                    moldingMachines,
                    assemblyStations,
                    clockSkew,
                    seed,
                    dataDir,
                    pointInterval,
                    healthInterval,
                    flushInterval);
        }

        public DemoOptions withMoldingMachines(int n) {
            return new DemoOptions(
                    httpPort,
                    stations,
                    n,
                    assemblyStations,
                    clockSkew,
                    seed,
                    dataDir,
                    pointInterval,
                    healthInterval,
                    flushInterval);
        }

        public DemoOptions withAssemblyStations(int n) {
            return new DemoOptions(
                    httpPort,
                    stations,
                    moldingMachines,
                    n,
                    clockSkew,
                    seed,
                    dataDir,
                    pointInterval,
                    healthInterval,
                    flushInterval);
        }

        /** Offsets of the assembly stations' clocks, e.g. {@code ST-02 -> +30s}: their timestamps run ahead. */
        public DemoOptions withClockSkew(Map<String, Duration> skew) {
            return new DemoOptions(
                    httpPort,
                    stations,
                    moldingMachines,
                    assemblyStations,
                    skew,
                    seed,
                    dataDir,
                    pointInterval,
                    healthInterval,
                    flushInterval);
        }

        public DemoOptions withIntervals(Duration point, Duration health, Duration flush) {
            return new DemoOptions(
                    httpPort,
                    stations,
                    moldingMachines,
                    assemblyStations,
                    clockSkew,
                    seed,
                    dataDir,
                    point,
                    health,
                    flush);
        }
    }
}
