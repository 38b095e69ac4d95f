package io.floorlink.edge.cli;

import io.floorlink.edge.EdgeAgentMain;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
    /** The connectors that ship a sample, in the order they are listed. */
    public static final List<String> CONNECTORS = List.of("opcua", "modbus", "mqtt");

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
            err.println("sample: unknown connector '" + connector + "'; known: " + String.join(", ", CONNECTORS));
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
        if (!CONNECTORS.contains(connector)) {
            return Optional.empty();
        }
        String resource = "/io/floorlink/edge/connector/" + connector + "/sample.yaml";
        try (InputStream in = SampleCommand.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar (build problem)");
            }
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
