package io.floorlink.sim.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.floorlink.sim.scenario.Scenario;
import io.floorlink.sim.scenario.ScenarioRunner;
import io.floorlink.sim.scenario.ScenarioTarget;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfigBuilder;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfigLimits;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.IdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.UsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.X509IdentityValidator;
import org.eclipse.milo.opcua.sdk.server.util.HostnameUtil;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultServerCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.BuildInfo;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OPC UA server (Eclipse Milo) that plays a sewing line of N stations the way a line controller exposes them:
 * folder {@code Objects/<line>/<station>} with the variables {@link #VARIABLES}, node ids
 * {@code ns=<index>;s=<line>.<station>.<variable>}. By default security policy None and anonymous access; with a
 * {@link SewingLineSecurity} it also offers signed and encrypted endpoints with a self-signed server certificate
 * generated at start, its own trust list for client certificates, and UserName and X.509 user tokens. It is a test
 * and demo tool, not a production server.
 *
 * <p>The line state advances every {@link SewingLineOptions#tick()} on the simulator's own thread, also while the
 * server is stopped. All methods are thread-safe.
 */
public final class SewingLineSimulator implements AutoCloseable {

    /** The namespace URI of the line's nodes. */
    public static final String NAMESPACE_URI = SewingLineNamespace.NAMESPACE_URI;

    /** The endpoint path. */
    public static final String PATH = "/floorlink";

    /** The variables of every station, in browse order. */
    public static final List<String> VARIABLES = Arrays.stream(SewingLineNamespace.Variable.values())
            .map(v -> v.browseName)
            .toList();

    private static final Logger log = LoggerFactory.getLogger(SewingLineSimulator.class);
    private static final int BIND_ATTEMPTS = 5;
    private static final Duration SERVER_TIMEOUT = Duration.ofSeconds(10);
    private static final String PRODUCT_URI = "urn:floorlink:sim:sewing-line";
    // Tokens are protected with the endpoint's own policy (Milo's constants say Basic256, which needs a server
    // certificate even on the None endpoint). On the None endpoint a password travels in clear text, which the edge
    // refuses unless told otherwise: that is what the tests check.
    private static final UserTokenPolicy X509_TOKEN =
            new UserTokenPolicy("certificate", UserTokenType.Certificate, null, null, null);

    static {
        // Aes256_Sha256_RsaPss signs with SHA256withRSA/PSS, which the JDK provider does not offer under that name.
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
    }

    private final Object lock = new Object();
    private final SewingLineOptions options;
    private final Clock clock;
    private final Map<String, SewingStation> stations;
    private final ScheduledExecutorService ticker;
    private final InetAddress bindAddress;
    private final boolean wildcard;
    private final SewingLineSecurity security;
    private final KeyPair serverKeyPair;
    private final X509Certificate serverCertificate;
    private final X509Certificate[] serverChain;
    private final MemoryTrustListManager clientTrustList = new MemoryTrustListManager();
    private final MemoryCertificateQuarantine clientQuarantine = new MemoryCertificateQuarantine();

    // guarded by lock
    private int port;
    private int namespaceIndex = -1;
    private OpcUaServer server;
    private SewingLineNamespace namespace;
    private Instant lastTick;
    private ScenarioRunner scenarioRunner;
    private boolean closed;
    private long tickFailures;
    private long loadTicks;

    private SewingLineSimulator(SewingLineOptions options, SewingLineSecurity security) throws Exception {
        this.options = options;
        this.security = security;
        if (security.securedEndpoints() && security.serverCertificate() != null) {
            serverKeyPair = security.serverCertificate().keyPair();
            serverChain = security.serverCertificate().chain().toArray(X509Certificate[]::new);
            serverCertificate = serverChain[0];
            security.trustedClients().forEach(clientTrustList::addTrustedCertificate);
            if (security.pkiDir() != null) {
                Files.createDirectories(security.pkiDir());
                Files.write(security.pkiDir().resolve("server.der"), serverCertificate.getEncoded());
            }
        } else if (security.securedEndpoints()) {
            // Generated once per simulator so a client that trusted it still does after stopServer/startServer.
            serverKeyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
            SelfSignedCertificateBuilder builder = new SelfSignedCertificateBuilder(serverKeyPair)
                    .setCommonName("FloorLink sewing line simulator " + options.line())
                    .setOrganization("FloorLink")
                    .setApplicationUri(applicationUri(options))
                    .addDnsName("localhost")
                    .addIpAddress("127.0.0.1");
            String host = options.host();
            if (host.matches("[0-9.]+") && !host.equals("127.0.0.1")) {
                builder.addIpAddress(host);
            } else if (!host.matches("[0-9.:]+") && !host.equals("localhost")) {
                builder.addDnsName(host);
            }
            serverCertificate = builder.build();
            serverChain = new X509Certificate[] {serverCertificate};
            security.trustedClients().forEach(clientTrustList::addTrustedCertificate);
            if (security.pkiDir() != null) {
                Files.createDirectories(security.pkiDir());
                Files.write(security.pkiDir().resolve("server.der"), serverCertificate.getEncoded());
            }
        } else {
            serverKeyPair = null;
            serverCertificate = null;
            serverChain = null;
        }
        this.bindAddress = InetAddress.getByName(options.host());
        this.wildcard = bindAddress.isAnyLocalAddress();
        this.clock = Clock.systemUTC();
        this.lastTick = clock.instant();
        this.stations = new LinkedHashMap<>();
        SplittableRandom root = new SplittableRandom(options.seed());
        for (int i = 1; i <= options.stations(); i++) {
            String id = String.format("SEW-%02d", i);
            stations.put(id, new SewingStation(id, root.split(), lastTick));
        }
        this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "floorlink-sim-" + options.line());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts the server and returns once it listens. Blocks while binding. With port 0 a free port is chosen
     * (retried if another process takes it first). If the options carry a scenario, it starts playing now.
     *
     * @param options how to run; see {@link SewingLineOptions#defaults()}
     * @return the running simulator; close it when done
     * @throws IllegalArgumentException if the scenario names a station the line does not have
     * @throws Exception if the server cannot bind (e.g. the port is taken)
     */
    public static SewingLineSimulator start(SewingLineOptions options) throws Exception {
        return start(options, SewingLineSecurity.none());
    }

    /**
     * Starts the server with the given security and returns once it listens; see {@link #start(SewingLineOptions)}.
     * With secured endpoints a 2048-bit RSA server certificate is generated first (a second or so).
     *
     * @param security endpoints, trust list and user tokens; {@link SewingLineSecurity#none()} for the demo default
     * @return the running simulator; close it when done
     * @throws Exception if the certificate cannot be generated or written, or the server cannot bind
     */
    public static SewingLineSimulator start(SewingLineOptions options, SewingLineSecurity security) throws Exception {
        Scenario scenario = options.scenario();
        if (scenario != null) {
            scenario.requireKnownStations(stationIdsFor(options.stations()));
        }
        SewingLineSimulator simulator = new SewingLineSimulator(options, security);
        try {
            simulator.bindFirstTime();
        } catch (Exception e) {
            simulator.close();
            throw e;
        }
        long tickMillis = options.tick().toMillis();
        simulator.ticker.scheduleAtFixedRate(simulator::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        if (scenario != null) {
            synchronized (simulator.lock) {
                simulator.scenarioRunner = ScenarioRunner.start(scenario, simulator.new Target());
            }
        }
        log.info(
                "OPC UA sewing line simulator {} with {} stations listening on {}",
                options.line(),
                options.stations(),
                simulator.endpointUrl());
        return simulator;
    }

    static Set<String> stationIdsFor(int count) {
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 1; i <= count; i++) {
            ids.add(String.format("SEW-%02d", i));
        }
        return ids;
    }

    /** The endpoint URL clients connect to, e.g. {@code opc.tcp://127.0.0.1:4840/floorlink}, with the bound port. */
    public String endpointUrl() {
        return "opc.tcp://" + advertisedHost() + ":" + port() + PATH;
    }

    /** The server's application instance certificate; null when only the None endpoint is offered. */
    public X509Certificate serverCertificate() {
        return serverCertificate;
    }

    /** The server's application URI, also in its certificate: {@code urn:floorlink:sim:sewing-line:<line>}. */
    public String applicationUri() {
        return applicationUri(options);
    }

    /**
     * Adds a client application certificate to the server's trust list; the next secure channel of that client is
     * accepted. Thread-safe.
     */
    public void trustClientCertificate(X509Certificate certificate) {
        clientTrustList.addTrustedCertificate(certificate);
    }

    /** Client certificates refused so far (untrusted), oldest first. */
    public List<X509Certificate> rejectedClientCertificates() {
        return clientQuarantine.getRejectedCertificates();
    }

    private static String applicationUri(SewingLineOptions options) {
        return PRODUCT_URI + ":" + options.line();
    }

    /** The bound TCP port (also while the server is stopped: it restarts on the same port). */
    public int port() {
        synchronized (lock) {
            return port;
        }
    }

    /** {@value SewingLineNamespace#NAMESPACE_URI}. */
    public String namespaceUri() {
        return NAMESPACE_URI;
    }

    /**
     * The node id of load variable {@code i} (1-based, at most {@link SewingLineOptions#loadPoints()}), e.g. {@code
     * ns=2;s=Line1.Load.P000001}.
     */
    public String loadNodeId(int i) {
        if (i < 1 || i > options.loadPoints()) {
            throw new IllegalArgumentException(
                    "load point " + i + ": this line has " + options.loadPoints() + " load points");
        }
        return "ns=" + namespaceIndex() + ";s=" + SewingLineNamespace.loadNodeIdText(options.line(), i);
    }

    /** The namespace index of the line's nodes on this server (2 with Milo). */
    public int namespaceIndex() {
        synchronized (lock) {
            return namespaceIndex;
        }
    }

    /** The station ids, "SEW-01" .. "SEW-nn" (two digits, 1-based). */
    public List<String> stationIds() {
        return List.copyOf(stations.keySet());
    }

    /**
     * The node id of a station variable in OPC UA text form, e.g. {@code ns=2;s=Line1.SEW-01.RunState}.
     *
     * @param stationId one of {@link #stationIds()}
     * @param variable one of {@link #VARIABLES}
     * @throws IllegalArgumentException for an unknown station or variable
     */
    public String nodeId(String stationId, String variable) {
        station(stationId);
        if (!VARIABLES.contains(variable)) {
            throw new IllegalArgumentException("unknown variable '" + variable + "'; expected one of " + VARIABLES);
        }
        return "ns=" + namespaceIndex() + ";s=" + SewingLineNamespace.nodeIdText(options.line(), stationId, variable);
    }

    /**
     * Powers a station on or off. Off: its values stop changing and every node of the station reports
     * Bad_NoCommunication to reads and subscriptions. On: Good, evolving values again (the station restarts idle,
     * counters kept). Takes effect for reads before this method returns.
     *
     * @throws IllegalArgumentException for an unknown station
     */
    public void setStationPower(String stationId, boolean on) {
        SewingStation station = station(stationId);
        synchronized (lock) {
            station.setPowered(on, clock.instant());
            if (namespace != null) {
                namespace.publish(station.snapshot());
            }
        }
        log.info("Station {} powered {}", stationId, on ? "on" : "off");
    }

    /** Whether the station has power. */
    public boolean isStationPowered(String stationId) {
        SewingStation station = station(stationId);
        synchronized (lock) {
            return station.powered();
        }
    }

    /**
     * Shuts the OPC UA server down: connections close and sessions and subscriptions are gone. The line keeps
     * running and the port is kept for {@link #startServer()}. Blocks until the port is released; does nothing when
     * already stopped.
     */
    public void stopServer() {
        synchronized (lock) {
            if (server == null) {
                return;
            }
            shutdownServer();
        }
        log.info("OPC UA server on port {} stopped", port());
    }

    /**
     * Starts the OPC UA server again on the same port, with the line's current state. Blocks until it listens; does
     * nothing when already running.
     *
     * @throws IllegalStateException if the simulator is closed or the port cannot be bound again
     */
    public void startServer() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("simulator is closed");
            }
            if (server != null) {
                return;
            }
            Exception last = null;
            for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
                try {
                    bind(port);
                    log.info("OPC UA server started again on {}", endpointUrl());
                    return;
                } catch (Exception e) {
                    last = e;
                    sleep(Duration.ofMillis(100L * attempt));
                }
            }
            throw new IllegalStateException("cannot listen on " + options.host() + ":" + port + " again", last);
        }
    }

    /** Whether the OPC UA server is running. */
    public boolean isServerRunning() {
        synchronized (lock) {
            return server != null;
        }
    }

    /**
     * The station's current true state (not what its nodes report: a powered-off station is off here).
     *
     * @throws IllegalArgumentException for an unknown station
     */
    public StationSnapshot snapshot(String stationId) {
        SewingStation station = station(stationId);
        synchronized (lock) {
            return station.snapshot();
        }
    }

    /** Stops the scenario, the line and the server. Blocks until the port is released. Idempotent. */
    @Override
    public void close() {
        ScenarioRunner runner;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            runner = scenarioRunner;
            scenarioRunner = null;
        }
        if (runner != null) {
            runner.close();
        }
        ticker.shutdownNow();
        synchronized (lock) {
            if (server != null) {
                shutdownServer();
            }
        }
    }

    private SewingStation station(String stationId) {
        SewingStation station = stations.get(stationId);
        if (station == null) {
            throw new IllegalArgumentException("unknown station '" + stationId + "'; line " + options.line() + " has "
                    + stationIds().get(0) + " .. " + stationIds().get(stations.size() - 1));
        }
        return station;
    }

    private void tick() {
        try {
            synchronized (lock) {
                Instant now = clock.instant();
                Duration elapsed = Duration.between(lastTick, now);
                lastTick = now;
                for (SewingStation station : stations.values()) {
                    station.tick(elapsed, now);
                    if (namespace != null && station.powered()) {
                        namespace.publish(station.snapshot());
                    }
                }
                if (namespace != null && options.loadPoints() > 0) {
                    namespace.publishLoad(++loadTicks, now);
                }
            }
        } catch (RuntimeException e) {
            // an exception would cancel the periodic task; keep ticking and say so now and then
            long failures = ++tickFailures;
            if (failures == 1 || failures % 1000 == 0) {
                log.warn("Simulation tick failed ({} times so far)", failures, e);
            }
        }
    }

    private void bindFirstTime() throws Exception {
        synchronized (lock) {
            if (options.port() != 0) {
                bind(options.port());
                return;
            }
            Exception last = null;
            for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
                int candidate = freePort();
                try {
                    bind(candidate);
                    return;
                } catch (Exception e) {
                    // someone else took the port between probe and bind: probe again
                    last = e;
                }
            }
            throw last;
        }
    }

    private int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(bindAddress, 0));
            return socket.getLocalPort();
        }
    }

    /** Builds a fresh Milo server (a stopped one cannot start again) and binds it. Caller holds the lock. */
    private void bind(int bindPort) throws Exception {
        OpcUaServer candidate = new OpcUaServer(
                serverConfig(bindPort),
                profile -> new OpcTcpServerTransport(
                        OpcTcpServerTransportConfig.newBuilder().build()));
        if (options.limits().maxMonitoredItemsPerCall() > 0) {
            candidate.addServiceSet(
                    PATH,
                    new LimitedMonitoredItemServiceSet(
                            candidate, options.limits().maxMonitoredItemsPerCall()));
        }
        List<StationSnapshot> snapshots = new ArrayList<>();
        for (SewingStation station : stations.values()) {
            snapshots.add(station.snapshot());
        }
        SewingLineNamespace candidateNamespace =
                new SewingLineNamespace(candidate, options.line(), snapshots, options.loadPoints());
        candidateNamespace.startup();
        try {
            candidate.startup().get(SERVER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            candidateNamespace.shutdown();
            candidate.shutdown();
            throw new IOException(
                    "cannot listen on " + options.host() + ":" + bindPort + ": " + bindProblem(bindPort, e), e);
        }
        server = candidate;
        namespace = candidateNamespace;
        port = bindPort;
        namespaceIndex = candidateNamespace.getNamespaceIndex().intValue();
    }

    private void shutdownServer() {
        try {
            server.shutdown().get(SERVER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("OPC UA server shutdown on port {} did not complete cleanly: {}", port, rootMessage(e));
        } finally {
            namespace.shutdown();
            server = null;
            namespace = null;
        }
    }

    private OpcUaServerConfig serverConfig(int bindPort) throws Exception {
        List<UserTokenPolicy> tokens = new ArrayList<>();
        if (security.anonymous()) {
            tokens.add(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS);
        }
        boolean users = !security.users().isEmpty();
        if (!security.trustedUserCertificates().isEmpty()) {
            tokens.add(X509_TOKEN);
        }
        Set<EndpointConfig> endpoints = new LinkedHashSet<>();
        for (String hostname : advertisedHostnames()) {
            EndpointConfig.Builder base = EndpointConfig.newBuilder()
                    .setBindAddress(options.host())
                    .setBindPort(bindPort)
                    .setHostname(hostname)
                    .setPath(PATH)
                    .addTokenPolicies(tokens.toArray(UserTokenPolicy[]::new));
            if (security.noneEndpoint()) {
                EndpointConfig.Builder none = base.copy();
                if (users) {
                    none.addTokenPolicy(usernameToken(SecurityPolicy.None));
                }
                endpoints.add(none.setSecurityPolicy(SecurityPolicy.None)
                        .setSecurityMode(MessageSecurityMode.None)
                        .build());
            }
            if (security.securedEndpoints()) {
                for (String policy : SewingLineSecurity.POLICIES) {
                    for (MessageSecurityMode mode :
                            List.of(MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt)) {
                        EndpointConfig.Builder secured = base.copy();
                        if (users) {
                            secured.addTokenPolicy(usernameToken(SecurityPolicy.valueOf(policy)));
                        }
                        endpoints.add(secured.setCertificate(serverCertificate)
                                .setSecurityPolicy(SecurityPolicy.valueOf(policy))
                                .setSecurityMode(mode)
                                .build());
                    }
                }
            }
        }
        String version = SewingLineSimulator.class.getPackage().getImplementationVersion();
        OpcUaServerConfigBuilder builder = OpcUaServerConfig.builder();
        if (options.limits().any()) {
            builder.setLimits(serverLimits(options.limits()));
        }
        return builder.setApplicationUri(applicationUri(options))
                .setApplicationName(LocalizedText.english("FloorLink sewing line simulator " + options.line()))
                .setProductUri(PRODUCT_URI)
                .setBuildInfo(new BuildInfo(
                        PRODUCT_URI,
                        "FloorLink",
                        "FloorLink sewing line simulator",
                        version == null ? "dev" : version,
                        version == null ? "dev" : version,
                        DateTime.now()))
                .setCertificateManager(certificateManager())
                .setIdentityValidator(identityValidator())
                .setEndpoints(endpoints)
                .build();
    }

    /** Milo advertises these in OperationLimits and enforces Read, Browse, TranslateBrowsePaths, RegisterNodes. */
    private static OpcUaServerConfigLimits serverLimits(SewingLineLimits limits) {
        return new OpcUaServerConfigLimits() {
            @Override
            public UInteger getMaxNodesPerRead() {
                return limits.maxNodesPerRead() > 0
                        ? uint(limits.maxNodesPerRead())
                        : OpcUaServerConfigLimits.super.getMaxNodesPerRead();
            }

            @Override
            public UInteger getMaxNodesPerBrowse() {
                return limits.maxNodesPerBrowse() > 0
                        ? uint(limits.maxNodesPerBrowse())
                        : OpcUaServerConfigLimits.super.getMaxNodesPerBrowse();
            }

            @Override
            public UInteger getMaxNodesPerTranslateBrowsePathsToNodeIds() {
                return limits.maxNodesPerBrowse() > 0
                        ? uint(limits.maxNodesPerBrowse())
                        : OpcUaServerConfigLimits.super.getMaxNodesPerTranslateBrowsePathsToNodeIds();
            }

            @Override
            public UInteger getMaxNodesPerRegisterNodes() {
                return limits.maxNodesPerBrowse() > 0
                        ? uint(limits.maxNodesPerBrowse())
                        : OpcUaServerConfigLimits.super.getMaxNodesPerRegisterNodes();
            }

            @Override
            public UInteger getMaxMonitoredItemsPerCall() {
                return limits.maxMonitoredItemsPerCall() > 0 && limits.monitoredItemsLimitAdvertised()
                        ? uint(limits.maxMonitoredItemsPerCall())
                        : OpcUaServerConfigLimits.super.getMaxMonitoredItemsPerCall();
            }
        };
    }

    private static UserTokenPolicy usernameToken(SecurityPolicy policy) {
        return new UserTokenPolicy("username-" + policy.name(), UserTokenType.UserName, null, null, policy.getUri());
    }

    private DefaultCertificateManager certificateManager() throws Exception {
        if (!security.securedEndpoints()) {
            // security policy None only: no application certificate is needed
            return new DefaultCertificateManager(new MemoryCertificateQuarantine());
        }
        CertificateValidator clients = security.trustAllClients()
                ? (chain, uri, hostnames) -> {}
                : new DefaultServerCertificateValidator(clientTrustList, clientQuarantine);
        RsaSha256CertificateFactory factory = new RsaSha256CertificateFactory() {
            @Override
            protected KeyPair createRsaSha256KeyPair() {
                return serverKeyPair;
            }

            @Override
            protected X509Certificate[] createRsaSha256CertificateChain(KeyPair keyPair) {
                return serverChain.clone();
            }
        };
        DefaultApplicationGroup group = DefaultApplicationGroup.createAndInitialize(
                clientTrustList, new MemoryCertificateStore(), factory, clients);
        return new DefaultCertificateManager(clientQuarantine, group);
    }

    private IdentityValidator identityValidator() {
        List<IdentityValidator> validators = new ArrayList<>();
        if (security.anonymous()) {
            validators.add(AnonymousIdentityValidator.INSTANCE);
        }
        if (!security.users().isEmpty()) {
            validators.add(new UsernameIdentityValidator(challenge -> {
                String expected = security.users().get(challenge.getUsername());
                return expected != null && expected.equals(challenge.getPassword());
            }));
        }
        if (!security.trustedUserCertificates().isEmpty()) {
            validators.add(new X509IdentityValidator(
                    certificate -> security.trustedUserCertificates().contains(certificate)));
        }
        return new CompositeValidator(validators);
    }

    private String advertisedHost() {
        return wildcard ? HostnameUtil.getHostname() : options.host();
    }

    private List<String> advertisedHostnames() {
        if (!wildcard) {
            return List.of(options.host());
        }
        Set<String> names = new LinkedHashSet<>();
        names.add(HostnameUtil.getHostname());
        names.add("127.0.0.1");
        names.add("localhost");
        return List.copyOf(names);
    }

    /** Milo only says "No endpoints bound"; a plain socket on the same address tells why. */
    private String bindProblem(int bindPort, Exception miloError) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(bindAddress, bindPort));
            return rootMessage(miloError);
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets a scenario act on this simulator. */
    private final class Target implements ScenarioTarget {
        @Override
        public void setStationPower(String stationId, boolean on) {
            SewingLineSimulator.this.setStationPower(stationId, on);
        }

        @Override
        public void stopServer() {
            SewingLineSimulator.this.stopServer();
        }

        @Override
        public void startServer() {
            SewingLineSimulator.this.startServer();
        }
    }
}
