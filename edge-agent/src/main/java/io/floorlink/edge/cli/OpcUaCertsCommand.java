package io.floorlink.edge.cli;

import io.floorlink.edge.EdgeAgentMain;
import io.floorlink.edge.config.ConnectorConfig;
import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig;
import io.floorlink.edge.connector.opcua.OpcUaPki;
import io.floorlink.sparkplug.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code opcua-certs}: commissioning of OPC UA certificates in the connectors' PKI folders. {@code list} shows the
 * server certificates refused as untrusted (kept in {@code rejected/}), the trusted ones and the edge's own;
 * {@code trust} moves a rejected certificate (by thumbprint) or a given file to {@code trusted/}. A running agent
 * uses it from its next connection attempt, without a restart.
 */
@Command(
        name = "opcua-certs",
        description = "List and trust OPC UA server certificates (the connectors' PKI folders).",
        mixinStandardHelpOptions = true,
        subcommands = {OpcUaCertsCommand.ListCerts.class, OpcUaCertsCommand.Trust.class})
public final class OpcUaCertsCommand {
    /** Exit code when the certificate to trust is not found or a folder cannot be used. */
    public static final int EXIT_FAILED = 1;

    public OpcUaCertsCommand() {}

    /** Where the PKI folders are: one given folder, or those of a configuration's OPC UA connectors. */
    static final class Where {
        @Option(names = "--pki-dir", description = "PKI folder (default: data/pki/opcua).")
        Path pkiDir;

        @Option(names = "--config", description = "Edge configuration: use the pki_dir of each OPC UA connector.")
        Path config;
    }

    static List<Path> folders(Where where) {
        if (where == null || (where.pkiDir == null && where.config == null)) {
            return List.of(OpcUaPki.DEFAULT_DIR);
        }
        if (where.pkiDir != null) {
            return List.of(where.pkiDir);
        }
        EdgeConfig cfg = EdgeConfig.load(where.config);
        Set<Path> dirs = new LinkedHashSet<>();
        for (ConnectorConfig c : cfg.connectors()) {
            if (c instanceof OpcUaConnectorConfig opc) {
                dirs.add(opc.security().pkiDir());
            }
        }
        if (dirs.isEmpty()) {
            throw new IllegalArgumentException(where.config + " has no OPC UA connector");
        }
        return List.copyOf(dirs);
    }

    /** {@code opcua-certs list [--pki-dir DIR | --config FILE]}. */
    @Command(
            name = "list",
            description = "List rejected, trusted and own certificates with their SHA-1 thumbprints.",
            mixinStandardHelpOptions = true)
    public static final class ListCerts implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ArgGroup(exclusive = true)
        Where where;

        public ListCerts() {}

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<Path> dirs;
            try {
                dirs = folders(where);
            } catch (ConfigException | IllegalArgumentException e) {
                err.println(e.getMessage());
                return EdgeAgentMain.EXIT_CONFIG;
            }
            for (Path dir : dirs) {
                if (!Files.isDirectory(dir)) {
                    out.println(dir + ": no PKI folder yet (created by the first connection in a signing mode)");
                    continue;
                }
                OpcUaPki pki;
                try {
                    pki = OpcUaPki.open(dir);
                } catch (IOException e) {
                    err.println(e.getMessage());
                    return EXIT_FAILED;
                }
                out.println(dir + ":");
                print(out, "rejected (not trusted; trust with: opcua-certs trust <thumbprint>)", pki.rejected());
                print(out, "trusted", pki.trusted());
                print(out, "own (give these to the server administrators)", pki.own());
            }
            out.flush();
            return 0;
        }

        private static void print(PrintWriter out, String title, List<OpcUaPki.CertificateEntry> entries) {
            out.println("  " + title + ": " + (entries.isEmpty() ? "none" : entries.size()));
            for (OpcUaPki.CertificateEntry e : entries) {
                out.println("    " + e.thumbprint() + "  " + e.subject()
                        + (e.applicationUri() == null ? "" : "  " + e.applicationUri())
                        + "  valid until "
                        + e.notAfter().atOffset(ZoneOffset.UTC).toLocalDate()
                        + "  " + e.file());
            }
        }
    }

    /** {@code opcua-certs trust [--pki-dir DIR | --config FILE] <thumbprint-or-file>}. */
    @Command(
            name = "trust",
            description = "Trust a rejected server certificate (by thumbprint, or a unique prefix of at least 8 hex"
                    + " digits) or a certificate file: it moves to trusted/ and counts from the next connection"
                    + " attempt.",
            mixinStandardHelpOptions = true)
    public static final class Trust implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ArgGroup(exclusive = true)
        Where where;

        @Parameters(paramLabel = "THUMBPRINT|FILE", description = "Thumbprint from opcua-certs list, or a file.")
        String certificate;

        public Trust() {}

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<Path> dirs;
            try {
                dirs = folders(where);
            } catch (ConfigException | IllegalArgumentException e) {
                err.println(e.getMessage());
                return EdgeAgentMain.EXIT_CONFIG;
            }
            List<String> problems = new ArrayList<>();
            int trusted = 0;
            for (Path dir : dirs) {
                try {
                    OpcUaPki.CertificateEntry e = OpcUaPki.open(dir).trust(certificate);
                    out.println("trusted " + e.thumbprint() + "  " + e.subject() + "  -> " + e.file());
                    trusted++;
                } catch (IOException e) {
                    problems.add(e.getMessage());
                }
            }
            out.flush();
            if (trusted == 0) {
                problems.forEach(err::println);
                return EXIT_FAILED;
            }
            return 0;
        }
    }

    /** Trusts a certificate in one folder: what {@code opcua-certs trust} does, for tests and tools. */
    public static OpcUaPki.CertificateEntry trust(Path pkiDir, String thumbprintOrFile) throws IOException {
        return OpcUaPki.open(pkiDir).trust(thumbprintOrFile);
    }
}
