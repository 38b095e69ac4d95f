package io.floorlink.sim.modbus;

import io.floorlink.sim.SimulatorCommand;
import io.floorlink.sim.scenario.DurationText;
import io.floorlink.sim.scenario.Scenario;
import io.floorlink.sim.scenario.ScenarioException;
import io.floorlink.sim.scenario.ScenarioLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code modbus}: runs a hall of {@link MoldingMachineSimulator} machines until Ctrl-C, printing their endpoints. */
@Command(
        name = "modbus",
        mixinStandardHelpOptions = true,
        description = {
            "Modbus TCP injection-molding machines (one endpoint per machine, any unit id; a test tool).",
            "Register map: see io/floorlink/sim/modbus/README.md."
        })
public final class ModbusCommand extends SimulatorCommand<MoldingMachineSimulator.Options, MoldingMachineSimulator> {

    @Option(names = "--machines", defaultValue = "20", description = "Number of machines (default ${DEFAULT-VALUE}).")
    private int machines;

    @Option(
            names = "--port",
            defaultValue = "5020",
            description =
                    "Port of the first machine, the next ones follow; 0 for free ports (default ${DEFAULT-VALUE}).")
    private int port;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}).")
    private String host;

    @Option(
            names = "--byte-order",
            defaultValue = "ABCD",
            split = ",",
            description = "Byte orders assigned to machines in turn, e.g. ABCD,CDAB (default ${DEFAULT-VALUE}).")
    private List<String> orders;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--tick", defaultValue = "200ms", description = "Simulation step (default ${DEFAULT-VALUE}).")
    private String tick;

    @Option(
            names = "--scenario",
            paramLabel = "FILE",
            description = "Scenario YAML; stations are machine ids (IMM-01...).")
    private Path scenarioFile;

    @Override
    protected String name() {
        return "modbus";
    }

    @Override
    protected MoldingMachineSimulator start(MoldingMachineSimulator.Options options) throws Exception {
        return MoldingMachineSimulator.start(options);
    }

    @Override
    protected String startFailure() {
        return "cannot start the machines";
    }

    @Override
    protected void describe(
            MoldingMachineSimulator.Options options, MoldingMachineSimulator simulator, PrintWriter out) {
        for (MachineEndpoint e : simulator.endpoints()) {
            out.println(e.machine().name() + " modbus-tcp://" + e.host() + ":" + e.port() + " byte order "
                    + e.machine().order());
        }
    }

    @Override
    protected MoldingMachineSimulator.Options options() throws IOException {
        Duration step;
        try {
            step = DurationText.parse(tick);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--tick: " + e.getMessage(), e);
        }
        List<WordOrder> wordOrders = new ArrayList<>();
        for (String o : orders) {
            try {
                wordOrders.add(WordOrder.parse(o));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--byte-order: " + e.getMessage(), e);
            }
        }
        Scenario scenario = null;
        if (scenarioFile != null) {
            List<String> ids = IntStream.rangeClosed(1, Math.max(1, machines))
                    .mapToObj(MoldingMachineSimulator::machineId)
                    .toList();
            try {
                scenario = ScenarioLoader.load(scenarioFile, ids);
            } catch (ScenarioException e) {
                throw new IllegalArgumentException("scenario " + e.getMessage(), e);
            }
        }
        try {
            return new MoldingMachineSimulator.Options(host, port, machines, wordOrders, seed, step, scenario);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
    }
}
