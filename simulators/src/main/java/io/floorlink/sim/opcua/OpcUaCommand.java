package io.floorlink.sim.opcua;

import io.floorlink.sim.SimulatorCommand;
import io.floorlink.sim.scenario.DurationText;
import io.floorlink.sim.scenario.Scenario;
import io.floorlink.sim.scenario.ScenarioException;
import io.floorlink.sim.scenario.ScenarioLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code opcua}: runs a {@link SewingLineSimulator} until Ctrl-C (or {@link #requestStop()}), printing its endpoint
 * URL first.
 */
@Command(
        name = "opcua",
        mixinStandardHelpOptions = true,
        description = {
            "OPC UA sewing line simulator (by default security policy None, anonymous access; --secured adds signed"
                    + " and encrypted endpoints). A test tool, not for production.",
            "Nodes: ns=2;s=<line>.SEW-nn.{RunState,StitchCount,TrimCount,Pieces,MotorSpeed,FaultCode}."
        })
public final class OpcUaCommand extends SimulatorCommand<SewingLineOptions, SewingLineSimulator> {

    @Option(
            names = "--stations",
            defaultValue = "12",
            description = "Number of stations, 1..99 (default ${DEFAULT-VALUE}).")
    private int stations;

    @Option(
            names = "--port",
            defaultValue = "4840",
            description = "TCP port, 0 for any free port (default ${DEFAULT-VALUE}).")
    private int port;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "Address to listen on; 0.0.0.0 for every interface (default ${DEFAULT-VALUE}).")
    private String host;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Seed of the simulated behaviour (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(
            names = "--line",
            defaultValue = "Line1",
            description = "Line name, first part of node ids (default ${DEFAULT-VALUE}).")
    private String line;

    @Option(
            names = "--tick",
            defaultValue = "200ms",
            description = "Simulation step, e.g. 100ms (default ${DEFAULT-VALUE}).")
    private String tick;

    @Option(names = "--scenario", paramLabel = "FILE", description = "Scenario YAML file of scripted events.")
    private Path scenarioFile;

    @Option(
            names = "--secured",
            description = "Also offer Basic256Sha256, Aes128_Sha256_RsaOaep and Aes256_Sha256_RsaPss with Sign and"
                    + " SignAndEncrypt, with a self-signed server certificate generated at start.")
    private boolean secured;

    @Option(
            names = "--no-none-endpoint",
            description = "With --secured: do not offer the endpoint with security policy None.")
    private boolean noNoneEndpoint;

    @Option(
            names = "--pki-dir",
            paramLabel = "DIR",
            description = "With --secured: write the server certificate to DIR/server.der (to give it to a client).")
    private Path pkiDir;

    @Option(
            names = "--trust-client",
            paramLabel = "FILE",
            description = "With --secured: trust this client certificate (DER or PEM); repeatable. Without it every"
                    + " client certificate is accepted.")
    private List<Path> trustedClients = new ArrayList<>();

    @Option(
            names = "--user",
            paramLabel = "NAME:PASSWORD",
            description = "Accept this user name and password (UserName token); repeatable.")
    private List<String> users = new ArrayList<>();

    @Option(names = "--no-anonymous", description = "Refuse anonymous user tokens (needs --user).")
    private boolean noAnonymous;

    @Option(
            names = "--small-operation-limits",
            description = "Advertise and enforce small operation limits like a PLC's: 50 nodes per Read, 20 per"
                    + " Browse, 50 monitored items per call (answers Bad_TooManyOperations above).")
    private boolean smallLimits;

    @Option(
            names = "--load-points",
            defaultValue = "0",
            paramLabel = "N",
            description = "Also serve N Double variables ns=2;s=<line>.Load.P000001.. whose values all change at every"
                    + " tick: a load generator of N / tick changes per second, e.g. 10000 at --tick 100ms for"
                    + " 100,000/s (default ${DEFAULT-VALUE}).")
    private int loadPoints;

    private SewingLineSecurity security = SewingLineSecurity.none();

    @Override
    protected String name() {
        return "opcua";
    }

    @Override
    protected SewingLineSimulator start(SewingLineOptions options) throws Exception {
        return SewingLineSimulator.start(options, security);
    }

    @Override
    protected String startFailure() {
        return "cannot start the OPC UA server";
    }

    @Override
    protected void describe(SewingLineOptions options, SewingLineSimulator simulator, PrintWriter out) {
        out.println("OPC UA sewing line " + options.line() + " (" + options.stations() + " stations) on "
                + simulator.endpointUrl());
        if (options.loadPoints() > 0) {
            out.println("Load: " + options.loadPoints() + " Double variables " + simulator.loadNodeId(1) + " .. "
                    + simulator.loadNodeId(options.loadPoints()) + ", all changing every "
                    + options.tick().toMillis() + " ms");
        }
        if (security.securedEndpoints()) {
            out.println("Security policies " + (security.noneEndpoint() ? "None, " : "")
                    + String.join(", ", SewingLineSecurity.POLICIES) + " (Sign, SignAndEncrypt); application URI "
                    + simulator.applicationUri() + "; client certificates "
                    + (security.trustAllClients()
                            ? "all trusted"
                            : "trusted: " + security.trustedClients().size())
                    + ".");
        } else {
            out.println("Security policy None.");
        }
        if (options.limits().any()) {
            out.println("Operation limits: " + options.limits() + ".");
        }
        out.println("User tokens: " + (security.anonymous() ? "anonymous" : "")
                + (security.users().isEmpty()
                        ? ""
                        : (security.anonymous() ? ", " : "") + "user names "
                                + String.join(", ", security.users().keySet()))
                + ".");
    }

    private SewingLineSecurity security() throws IOException {
        if (!secured && (noNoneEndpoint || pkiDir != null || !trustedClients.isEmpty())) {
            throw new IllegalArgumentException("--no-none-endpoint, --pki-dir and --trust-client need --secured");
        }
        SewingLineSecurity s = secured
                ? SewingLineSecurity.securedTrustingAllClients()
                        .withNoneEndpoint(!noNoneEndpoint)
                        .withPkiDir(pkiDir)
                : SewingLineSecurity.none();
        if (!trustedClients.isEmpty()) {
            List<X509Certificate> certs = new ArrayList<>();
            for (Path file : trustedClients) {
                try (InputStream in = Files.newInputStream(file)) {
                    certs.add(CertificateUtil.decodeCertificate(in));
                } catch (UaException e) {
                    throw new IllegalArgumentException("--trust-client: " + file + " is not an X.509 certificate");
                }
            }
            s = s.withTrustedClients(certs);
        }
        for (String user : users) {
            int colon = user.indexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("--user: expected NAME:PASSWORD");
            }
            s = s.withUser(user.substring(0, colon), user.substring(colon + 1));
        }
        if (noAnonymous) {
            if (users.isEmpty()) {
                throw new IllegalArgumentException("--no-anonymous needs at least one --user");
            }
            s = s.withAnonymous(false);
        }
        return s;
    }

    @Override
    protected SewingLineOptions options() throws IOException {
        Duration step;
        try {
            step = DurationText.parse(tick);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--tick: " + e.getMessage(), e);
        }
        SewingLineOptions options;
        try {
            options = new SewingLineOptions(
                    host,
                    port,
                    stations,
                    line,
                    seed,
                    step,
                    null,
                    smallLimits ? SewingLineLimits.SMALL : null,
                    loadPoints);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
        security = security();
        if (scenarioFile == null) {
            return options;
        }
        try {
            Scenario scenario = ScenarioLoader.load(scenarioFile, SewingLineSimulator.stationIdsFor(stations));
            return options.withScenario(scenario);
        } catch (ScenarioException e) {
            throw new IllegalArgumentException("scenario " + e.getMessage(), e);
        }
    }
}
