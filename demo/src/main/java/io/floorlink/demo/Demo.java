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
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A small district in one JVM: three enterprises of a pilot programme, each with its own plant, edge agent and
 * Sparkplug group, served by one collector with its in-process gateway (embedded broker on a free loopback port,
 * H2 facts store):
 *
 * <ul>
 *   <li>{@value #SEWING}, a sportswear maker: an OPC UA sewing line and a manual cutting table;
 *   <li>{@value #MOLDING}, a new-energy auto-part molder: a hall of Modbus TCP injection-molding machines and three
 *       manual presses, so its 设备联网率 stays below the 60 % of level 2 (the programme view's "not yet");
 *   <li>{@value #ASSEMBLY}, a household-appliance assembler: an MQTT assembly line.
 * </ul>
 *
 * <p>All three edge agents are edge node {@value #EDGE_NODE}: ids are unique within an enterprise only. The registry
 * ({@code district.yaml}), the inventories ({@code enterprises/<CODE>/inventory.yaml}) and the edge configurations
 * ({@code edges/<CODE>/edge.yaml}) it generates are written to the data folder, so a user can read what the demo
 * runs.
 *
 * <p>The assembly stations publish to the gateway's embedded broker under {@link #ASSEMBLY_PREFIX}: a plant would
 * have its own broker, the demo saves starting a second one.
 */
public final class Demo implements AutoCloseable {
    /** Enterprise code (= Sparkplug group_id) of the sportswear maker with the OPC UA sewing line. */
    public static final String SEWING = "ENT-SEW";
    /** Enterprise code of the auto-part molder with the Modbus TCP molding hall; below level 2. */
    public static final String MOLDING = "ENT-MOLD";
    /** Enterprise code of the appliance assembler with the MQTT assembly line. */
    public static final String ASSEMBLY = "ENT-ASM";
    /** The demo district's enterprises, in registry order. */
    public static final List<String> ENTERPRISES = List.of(SEWING, MOLDING, ASSEMBLY);
    /** Edge node id of every demo edge agent (one per enterprise). */
    public static final String EDGE_NODE = "edge-01";
    /** The sewing enterprise's production equipment without a digital interface. */
    public static final String MANUAL_EQUIPMENT = "CUT-01";
    /** The molding enterprise's production equipment without a digital interface. */
    public static final List<String> MANUAL_PRESSES = List.of("PRESS-01", "PRESS-02", "PRESS-03");
    /** Topic prefix of the simulated assembly line. */
    public static final String ASSEMBLY_PREFIX = "plant/asm1";
    /** Programme of the demo district. */
    public static final String PROGRAMME = "DEMO-2026";
    /** Time zone of every demo enterprise (the golden district of the collector's tests covers others). */
    public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    static final String DISTRICT_FILE = "district.yaml";
    static final String INVENTORIES_DIR = "enterprises";
    static final String EDGES_DIR = "edges";

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
    private final Map<String, EdgeAgent> edgeAgents;
    private final Path dataDir;

    private Demo(
            SewingLineSimulator simulator,
            MoldingMachineSimulator molding,
            AssemblyLineSimulator assembly,
            Collector collector,
            Map<String, EdgeAgent> edgeAgents,
            Path dataDir) {
        this.simulator = simulator;
        this.molding = molding;
        this.assembly = assembly;
        this.collector = collector;
        this.edgeAgents = edgeAgents;
        this.dataDir = dataDir;
    }

    /**
     * Starts the simulators, the collector (with gateway) and one edge agent per enterprise, in that order, and
     * returns once all listen; the equipment comes online in the background within seconds. Blocks.
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
        Map<String, EdgeAgent> edges = new LinkedHashMap<>();
        try {
            sim = SewingLineSimulator.start(SewingLineOptions.defaults()
                    .withStations(options.stations())
                    .withSeed(options.seed()));
            molding = MoldingMachineSimulator.start(MoldingMachineSimulator.Options.local(options.moldingMachines()));
            Path district = write(options.dataDir().resolve(DISTRICT_FILE), districtYaml(LocalDate.now(ZONE)));
            write(inventoryFile(options.dataDir(), SEWING), sewingInventoryYaml(sim.stationIds(), options));
            write(inventoryFile(options.dataDir(), MOLDING), moldingInventoryYaml(molding.machineIds(), options));
            write(
                    inventoryFile(options.dataDir(), ASSEMBLY),
                    assemblyInventoryYaml(AssemblyLineSimulator.stationIdsFor(options.assemblyStations()), options));
            collector = Collector.start(
                    CollectorConfig.defaults(options.dataDir())
                            .withHttpPort(options.httpPort())
                            .withDistrict(district, options.dataDir().resolve(INVENTORIES_DIR))
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
            boolean withCredentials = credentials != null;
            Map<String, String> edgeYamls = new LinkedHashMap<>();
            edgeYamls.put(SEWING, sewingEdgeYaml(sim, collector, options, withCredentials));
            edgeYamls.put(MOLDING, moldingEdgeYaml(molding, collector, options, withCredentials));
            edgeYamls.put(ASSEMBLY, assemblyEdgeYaml(assembly, collector, options, withCredentials));
            for (Map.Entry<String, String> e : edgeYamls.entrySet()) {
                Path edgeFile = write(edgeFile(options.dataDir(), e.getKey()), e.getValue());
                edges.put(e.getKey(), EdgeAgent.start(EdgeConfig.load(edgeFile), edgeMeters(registry, e.getKey())));
            }
            return new Demo(sim, molding, assembly, collector, Map.copyOf(edges), options.dataDir());
        } catch (Exception | Error e) {
            edges.values().forEach(EdgeAgent::close);
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

    /**
     * The meters of one enterprise's edge agent: registered in the shared registry with the tag {@code enterprise}
     * (three values), since the agents' meters carry no node of their own and would otherwise be one meter.
     */
    private static MeterRegistry edgeMeters(MeterRegistry shared, String enterprise) {
        CompositeMeterRegistry meters = new CompositeMeterRegistry();
        meters.config().commonTags("enterprise", enterprise);
        meters.add(shared);
        return meters;
    }

    /** Base URL of the web UI and API, e.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        return "http://127.0.0.1:" + collector.httpPort();
    }

    /** The OPC UA sewing line of {@value #SEWING} ({@code SEW-01}, ...). */
    public SewingLineSimulator simulator() {
        return simulator;
    }

    /** The Modbus TCP molding machines of {@value #MOLDING} ({@code IMM-01}, ...). */
    public MoldingMachineSimulator molding() {
        return molding;
    }

    /** The MQTT assembly stations of {@value #ASSEMBLY} ({@code ST-01}, ...; the last one the end-of-line tester). */
    public AssemblyLineSimulator assembly() {
        return assembly;
    }

    public Collector collector() {
        return collector;
    }

    /**
     * The edge agent of one enterprise.
     *
     * @throws java.util.NoSuchElementException for a code not in {@link #ENTERPRISES}
     */
    public EdgeAgent edgeAgent(String enterprise) {
        EdgeAgent agent = edgeAgents.get(enterprise);
        if (agent == null) {
            throw new java.util.NoSuchElementException("no demo enterprise '" + enterprise + "'");
        }
        return agent;
    }

    /** The edge agents by enterprise code. */
    public Map<String, EdgeAgent> edgeAgents() {
        return edgeAgents;
    }

    /**
     * The enterprise an equipment id of the demo belongs to: {@value #SEWING} for {@code SEW-*} and
     * {@value #MANUAL_EQUIPMENT}, {@value #MOLDING} for {@code IMM-*} and the presses, {@value #ASSEMBLY} for
     * {@code ST-*}.
     *
     * @throws IllegalArgumentException for an id the demo does not make
     */
    public static String enterpriseOf(String equipmentId) {
        if (equipmentId.startsWith("SEW-") || equipmentId.equals(MANUAL_EQUIPMENT)) {
            return SEWING;
        }
        if (equipmentId.startsWith("IMM-") || MANUAL_PRESSES.contains(equipmentId)) {
            return MOLDING;
        }
        if (equipmentId.startsWith("ST-")) {
            return ASSEMBLY;
        }
        throw new IllegalArgumentException("'" + equipmentId + "' is no demo equipment");
    }

    /** Folder holding the generated registry, inventories and edge configurations, the H2 facts and the broker. */
    public Path dataDir() {
        return dataDir;
    }

    /** Where the edge configuration of {@code enterprise} is written under {@code dataDir}. */
    public static Path edgeFile(Path dataDir, String enterprise) {
        return dataDir.resolve(EDGES_DIR).resolve(enterprise).resolve("edge.yaml");
    }

    /** Where the inventory of {@code enterprise} is written under {@code dataDir}. */
    public static Path inventoryFile(Path dataDir, String enterprise) {
        return dataDir.resolve(INVENTORIES_DIR).resolve(enterprise).resolve("inventory.yaml");
    }

    /** Stops the edge agents, the collector and the simulators, in that order, so the last data is flushed. Blocks. */
    @Override
    public void close() {
        edgeAgents.values().forEach(EdgeAgent::close);
        assembly.close();
        collector.close();
        molding.close();
        simulator.close();
    }

    /** The pilot programme's registry: three enterprises of three industries, two contractors, one review. */
    static String districtYaml(LocalDate today) {
        LocalDate enrolled = today.minusDays(60);
        return "# Generated by the FloorLink demo: the registry of its small district.\n"
                + "programmes:\n"
                + "  - { id: " + PROGRAMME + ", name: 演示市中小企业数字化转型城市试点 }\n"
                + "industries:\n"
                + "  - { code: sportswear-sewing, name: 运动服装缝制 }\n"
                + "  - { code: auto-part-molding, name: 新能源汽车零部件注塑 }\n"
                + "  - { code: appliance-assembly, name: 家电装配 }\n"
                + "contractors:\n"
                + "  - { id: CTR-EAST, name: 东部数字化工程总承包商 }\n"
                + "  - { id: CTR-WEST, name: 西部数字化工程总承包商 }\n"
                + "enterprises:\n"
                + enterpriseEntry(SEWING, "演示运动服饰有限公司", "sportswear-sewing", "CTR-EAST", enrolled)
                + enterpriseEntry(MOLDING, "演示汽车零部件有限公司", "auto-part-molding", "CTR-WEST", enrolled.plusDays(10))
                + enterpriseEntry(ASSEMBLY, "演示家电有限公司", "appliance-assembly", "CTR-EAST", enrolled.plusDays(20))
                + "reviews:\n"
                + "  - { id: R-DEMO, reviewers: [reviewer], enterprises: [" + String.join(", ", ENTERPRISES) + "] }\n";
    }

    private static String enterpriseEntry(
            String code, String name, String industry, String contractor, LocalDate enrolled) {
        return "  - code: " + code + "\n"
                + "    name: " + name + "\n"
                + "    industry: " + industry + "\n"
                + "    contractor: " + contractor + "\n"
                + "    programme: " + PROGRAMME + "\n"
                + "    enrolled_on: " + enrolled + "\n";
    }

    /** The start of an edge.yaml: edge identity, uplink, buffer, HTTP and health. */
    private static StringBuilder edgeHeader(
            String enterprise, String what, Collector collector, DemoOptions options, boolean credentials) {
        StringBuilder y = new StringBuilder();
        y.append("# Generated by the FloorLink demo for the edge box of ")
                .append(enterprise)
                .append(" (")
                .append(what)
                .append(").\n");
        y.append("edge: { group: ")
                .append(enterprise)
                .append(", node: ")
                .append(EDGE_NODE)
                .append(" }\n");
        y.append("uplink:\n");
        y.append("  url: ").append(collector.gateway().mqttUrl()).append('\n');
        y.append("  primary_host: ").append(collector.gateway().hostId()).append('\n');
        if (credentials) {
            credentials(y, "  ", DemoCredentials.edgeUser(enterprise));
        }
        y.append("buffer: { path: ")
                .append(edgeFile(options.dataDir(), enterprise).resolveSibling("buffer.db"))
                .append(", max_size: 256MB }\n");
        y.append("http: { host: 127.0.0.1, port: 0 }\n");
        y.append("health_interval: ")
                .append(Durations.format(options.healthInterval()))
                .append('\n');
        y.append("connectors:\n");
        return y;
    }

    static String sewingEdgeYaml(
            SewingLineSimulator sim, Collector collector, DemoOptions options, boolean credentials) {
        StringBuilder y = edgeHeader(SEWING, "its OPC UA sewing line", collector, options, credentials);
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
        return y.toString();
    }

    static String moldingEdgeYaml(
            MoldingMachineSimulator molding, Collector collector, DemoOptions options, boolean credentials) {
        StringBuilder y = edgeHeader(MOLDING, "its Modbus TCP molding hall", collector, options, credentials);
        String interval = Durations.format(options.pointInterval());
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
        return y.toString();
    }

    static String assemblyEdgeYaml(
            AssemblyLineSimulator assembly, Collector collector, DemoOptions options, boolean credentials) {
        StringBuilder y = edgeHeader(ASSEMBLY, "its MQTT assembly line", collector, options, credentials);
        String interval = Durations.format(options.pointInterval());
        y.append("  - type: mqtt\n");
        y.append("    name: assembly-line-1\n");
        y.append("    url: ").append(collector.gateway().mqttUrl()).append('\n');
        y.append("    client_id: ")
                .append(ASSEMBLY)
                .append('-')
                .append(EDGE_NODE)
                .append("-asm1\n");
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

    /**
     * {@code username} and a {@code ${file:...}} password, relative to the edge.yaml (written two folders below the
     * data dir, where the secrets folder is).
     */
    private static void credentials(StringBuilder y, String indent, String user) {
        y.append(indent).append("username: ").append(user).append('\n');
        y.append(indent)
                .append("password: \"${file:../../")
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

    /** The first lines of an inventory: enterprise, one site, one workshop, one line. */
    private static StringBuilder inventoryHeader(
            String code, String name, String workshop, String workshopName, String line, String lineName) {
        StringBuilder y = new StringBuilder();
        y.append("# Generated by the FloorLink demo: the inventory (台账) of ")
                .append(code)
                .append(".\n");
        y.append("enterprise: { code: ")
                .append(code)
                .append(", name: ")
                .append(name)
                .append(", timezone: ")
                .append(ZONE.getId())
                .append(" }\n");
        y.append("sites:\n");
        y.append("  - id: S1\n    name: Plant 1\n    workshops:\n");
        y.append("      - id: ")
                .append(workshop)
                .append("\n        name: ")
                .append(workshopName)
                .append("\n        lines:\n");
        y.append("          - { id: ")
                .append(line)
                .append(", name: ")
                .append(lineName)
                .append(" }\n");
        y.append("equipment:\n");
        return y;
    }

    private static void equipment(
            StringBuilder y,
            String id,
            String name,
            String type,
            String line,
            boolean key,
            List<String> points,
            List<String> categories,
            String interval) {
        y.append("  - id: ").append(id).append('\n');
        y.append("    name: ").append(name).append('\n');
        y.append("    type: ").append(type).append("\n    line: ").append(line);
        y.append("\n    production: true\n    digital: true\n");
        y.append("    key: ").append(key).append('\n');
        y.append("    points:\n");
        for (int i = 0; i < points.size(); i++) {
            y.append("      - { id: ")
                    .append(points.get(i))
                    .append(", category: ")
                    .append(categories.get(i));
            y.append(", interval: ").append(interval).append(" }\n");
        }
    }

    private static void manual(StringBuilder y, String id, String name, String type, String line) {
        y.append("  - id: ").append(id).append('\n');
        y.append("    name: ").append(name).append("\n    type: ").append(type).append("\n    line: ");
        y.append(line).append("\n    production: true\n    digital: false\n    key: false\n");
    }

    static String sewingInventoryYaml(List<String> stations, DemoOptions options) {
        String interval = Durations.format(options.pointInterval());
        StringBuilder y = inventoryHeader(SEWING, "演示运动服饰有限公司", "W-SEW", "Sewing workshop", "L-SEW1", "Sewing line 1");
        List<String> ids = POINTS.stream().map(PointMap::id).toList();
        List<String> categories = POINTS.stream().map(PointMap::category).toList();
        for (int i = 0; i < stations.size(); i++) {
            equipment(
                    y,
                    stations.get(i),
                    "Sewing station " + (i + 1),
                    "sewing_machine",
                    "L-SEW1",
                    i < 3,
                    ids,
                    categories,
                    interval);
        }
        manual(y, MANUAL_EQUIPMENT, "Manual cutting table", "cutting_table", "L-SEW1");
        return y.toString();
    }

    static String moldingInventoryYaml(List<String> machines, DemoOptions options) {
        String interval = Durations.format(options.pointInterval());
        StringBuilder y =
                inventoryHeader(MOLDING, "演示汽车零部件有限公司", "W-MOLD", "Molding hall", "L-MOLD", "Injection molding");
        List<String> ids = MOLDING_POINTS.stream().map(RegisterMap::id).toList();
        List<String> categories =
                MOLDING_POINTS.stream().map(RegisterMap::category).toList();
        for (int i = 0; i < machines.size(); i++) {
            equipment(
                    y,
                    machines.get(i),
                    "Injection molding machine " + (i + 1),
                    "injection_molding",
                    "L-MOLD",
                    i == 0,
                    ids,
                    categories,
                    interval);
        }
        for (int i = 0; i < MANUAL_PRESSES.size(); i++) {
            manual(y, MANUAL_PRESSES.get(i), "Manual trimming press " + (i + 1), "press", "L-MOLD");
        }
        return y.toString();
    }

    static String assemblyInventoryYaml(List<String> stations, DemoOptions options) {
        String interval = Durations.format(options.pointInterval());
        StringBuilder y = inventoryHeader(
                ASSEMBLY, "演示家电有限公司", "W-ASM", "Assembly workshop", "L-ASM1", "Washing-machine assembly line 1");
        List<String> ids = ASSEMBLY_POINTS.stream().map(JsonMap::id).toList();
        List<String> categories =
                ASSEMBLY_POINTS.stream().map(JsonMap::category).toList();
        for (int i = 0; i < stations.size(); i++) {
            boolean endOfLine = i == stations.size() - 1;
            equipment(
                    y,
                    stations.get(i),
                    endOfLine ? "End-of-line tester" : "Assembly station " + (i + 1),
                    endOfLine ? "end_of_line_tester" : "assembly_station",
                    "L-ASM1",
                    endOfLine,
                    ids,
                    categories,
                    interval);
        }
        return y.toString();
    }

    private static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
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
