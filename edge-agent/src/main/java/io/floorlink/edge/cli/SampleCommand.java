package io.floorlink.edge.cli;

import io.floorlink.edge.EdgeAgentMain;
import io.floorlink.edge.connector.ConnectorTypes;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sample opcua|modbus|mqtt}: prints the sample configuration packaged with a connector (the
 * {@code sample.yaml} beside its code, copied into the jar) to stdout, to start an {@code edge.yaml} from. An unknown
 * name exits {@link EdgeAgentMain#EXIT_USAGE} and lists the known ones on stderr.
 */
@Command(
        name = "sample",
        description = "Print the sample configuration of a connector (opcua, modbus, mqtt) to stdout.",
        mixinStandardHelpOptions = true)
public final class SampleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "CONNECTOR", description = "One of: opcua, modbus, mqtt.")
    String connector;

    public SampleCommand() {}

    @Override
    public Integer call() {
        Optional<String> text = sample(connector);
        if (text.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("sample: unknown connector '" + connector + "'; known: "
                    + String.join(", ", ConnectorTypes.names()));
            err.flush();
            return EdgeAgentMain.EXIT_USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(text.get());
        out.flush();
        return 0;
    }

    /**
     * The packaged sample of a connector.
     *
     * @param connector a connector type, e.g. {@code mqtt}
     * @return its sample YAML, empty when the connector is unknown
     */
    public static Optional<String> sample(String connector) {
        return ConnectorTypes.sample(connector);
    }
}
