package io.floorlink.edge.cli;

import io.floorlink.edge.connector.opcua.OpcUaBrowser;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code browse}: commissioning commands that look at what a device server offers. Its subcommand {@code
 * opcua} prints an OPC UA server's address space and a suggested {@code points:} snippet.
 */
@Command(
        name = "browse",
        description = "Browse a device server's address space to write point configuration.",
        mixinStandardHelpOptions = true,
        subcommands = {BrowseOpcUaCommand.OpcUa.class})
public final class BrowseOpcUaCommand {

    public BrowseOpcUaCommand() {}

    /**
     * {@code browse opcua --endpoint URL [--depth N] [--standard] [security options of {@link OpcUaSecurityOptions}]}.
     */
    @Command(
            name = "opcua",
            description = "Print the OPC UA address space below Objects (node id, browse name, data type,"
                    + " access level, current value) and a suggested points YAML snippet.",
            mixinStandardHelpOptions = true)
    public static final class OpcUa implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--endpoint", required = true, description = "Server endpoint, e.g. opc.tcp://10.0.0.5:4840")
        String endpoint;

        @Option(
                names = "--depth",
                defaultValue = "5",
                description = "Levels below Objects to walk (default: ${DEFAULT-VALUE}).")
        int depth;

        @Mixin
        OpcUaSecurityOptions security;

        @Option(
                names = "--name",
                description = "Application name: use a connector's name to browse with that connector's certificate"
                        + " (trusted by the server already); default: browse.")
        String name;

        @Option(
                names = "--standard",
                description = "Also walk the standard OPC UA objects of namespace 0 (Server, Aliases, ...).")
        boolean includeStandard;

        @Option(
                names = "--timeout",
                defaultValue = "10",
                description = "Seconds per service call (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        public OpcUa() {}

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            OpcUaBrowser.Options options;
            try {
                options = new OpcUaBrowser.Options(
                        new URI(endpoint),
                        security.toSecurity(),
                        name,
                        depth,
                        includeStandard,
                        Duration.ofSeconds(timeoutSeconds));
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            try {
                OpcUaBrowser.Result r = OpcUaBrowser.browse(options, out);
                err.println(r.nodes() + " nodes, " + r.variables() + " readable variables");
                return 0;
            } catch (IOException e) {
                err.println("browse opcua: " + e.getMessage());
                return 1;
            }
        }
    }
}
