package io.floorlink.sim;

import io.floorlink.sim.modbus.ModbusCommand;
import io.floorlink.sim.mqtt.MqttCommand;
import io.floorlink.sim.opcua.OpcUaCommand;
import io.floorlink.sim.sparkplug.SparkplugFleetCommand;
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
        subcommands = {OpcUaCommand.class, MqttCommand.class, ModbusCommand.class, SparkplugFleetCommand.class})
public final class SimulatorsMain implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /** Exit code of a command line that cannot be used (unknown option, bad parameter): EX_USAGE of sysexits.h. */
    public static final int EXIT_USAGE = 64;

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line {@link #main} runs (not yet executed): a usage error exits {@link #EXIT_USAGE} in every
     * subcommand, not picocli's 2.
     */
    public static CommandLine commandLine() {
        CommandLine root = new CommandLine(new SimulatorsMain());
        root.getCommandSpec().exitCodeOnInvalidInput(EXIT_USAGE);
        root.getSubcommands().values().forEach(sub -> sub.getCommandSpec().exitCodeOnInvalidInput(EXIT_USAGE));
        return root;
    }

    @Override
    public Integer call() {
        spec.commandLine()
                .getErr()
                .println(
                        "Missing simulator: choose one of " + spec.subcommands().keySet());
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
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
