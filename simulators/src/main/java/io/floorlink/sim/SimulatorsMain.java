package io.floorlink.sim;

import io.floorlink.sim.modbus.ModbusCommand;
import io.floorlink.sim.mqtt.MqttCommand;
import io.floorlink.sim.opcua.OpcUaCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Entry point of {@code floorlink-simulators.jar}: one subcommand per simulated plant. */
@Command(
        name = "floorlink-simulators",
        mixinStandardHelpOptions = true,
        versionProvider = SimulatorsMain.Version.class,
        description = "Virtual shop floor for FloorLink tests and demos.",
        subcommands = {OpcUaCommand.class, MqttCommand.class, ModbusCommand.class})
public final class SimulatorsMain implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SimulatorsMain()).execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine()
                .getErr()
                .println(
                        "Missing simulator: choose one of " + spec.subcommands().keySet());
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SimulatorsMain.class.getPackage().getImplementationVersion();
            return new String[] {"floorlink-simulators " + (version == null ? "dev" : version)};
        }
    }
}
