package io.floorlink.collector;

import io.floorlink.collector.api.ApiServer;
import io.floorlink.collector.api.Json;
import io.floorlink.collector.audit.AuditLog;
import io.floorlink.collector.district.District;
import io.floorlink.collector.district.DistrictLoader;
import io.floorlink.collector.district.Enterprises;
import io.floorlink.collector.district.Summarizer;
import io.floorlink.collector.evidence.PlatformKey;
import io.floorlink.collector.indicators.CacheWarmer;
import io.floorlink.collector.indicators.FactsCache;
import io.floorlink.collector.indicators.IndicatorService;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.InventoryDocument;
import io.floorlink.collector.inventory.InventoryLoader;
import io.floorlink.collector.profiles.Profile;
import io.floorlink.collector.profiles.ProfileLoader;
import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.Gateway;
import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.config.YamlConfig;
import io.floorlink.sparkplug.metrics.StandardMeters;
import io.floorlink.sparkplug.metrics.UnitOnceNamingConvention;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector application: the in-process gateway (broker, Sparkplug primary host, facts store), the
 * inventory, the indicator service and the HTTP API. Close it to stop all of them.
 */
public final class Collector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Collector.class);
    /** Enterprise code shown when no inventory is configured. */
    static final String NO_INVENTORY_CODE = "NONE";
    /** The audit log's file name in the data folder. */
    public static final String AUDIT_LOG = "audit.log";
    /** Folder of the platform's Ed25519 signing key, under {@code data_dir}. */
    public static final String KEYS_DIR = "keys";
    /** First check of the enterprise summaries after start. */
    static final Duration SUMMARY_DELAY = Duration.ofSeconds(2);
    /** Checks of the enterprise summaries against their inputs (one read of all groups' fact revisions). */
    static final Duration SUMMARY_CHECK = Duration.ofMinutes(1);

    private final Gateway gateway;
    private final ApiServer api;
    private final CacheWarmer warmer;
    private final FactsCache cache;
    private final Summarizer summarizer;
    private final AuditLog audit;
    private final StandardMeters standardMeters;

    private Collector(
            Gateway gateway,
            ApiServer api,
            CacheWarmer warmer,
            FactsCache cache,
            Summarizer summarizer,
            AuditLog audit,
            StandardMeters standardMeters) {
        this.gateway = gateway;
        this.api = api;
        this.warmer = warmer;
        this.cache = cache;
        this.summarizer = summarizer;
        this.audit = audit;
        this.standardMeters = standardMeters;
    }

    /**
     * Loads the inventory named by the config, starts the gateway and then the HTTP server. Blocks until both
     * listen.
     *
     * @param config the configuration, never null
     * @param registry where meters go; if it is not a Prometheus registry, a Prometheus registry is added beside
     *     it (through a composite) for {@code /metrics}. The collector binds Micrometer's standard JVM and process
     *     meters there too ({@link StandardMeters}, skipped when the registry already holds them).
     * @throws io.floorlink.sparkplug.config.ConfigException if the inventory file or a profile is missing or invalid
     * @throws Exception if the gateway or the HTTP server cannot start (everything started is closed again)
     */
    public static Collector start(CollectorConfig config, MeterRegistry registry) throws Exception {
        if (config.district() != null) {
            District district = DistrictLoader.load(config.district());
            Map<String, Inventory> inventories = DistrictLoader.inventories(district, config.inventoriesDir());
            return start(config, district, inventories, registry);
        }
        Inventory inventory;
        if (config.inventory() == null) {
            LOG.warn("No inventory configured: indicators list no equipment until one is given"
                    + " (collector.yaml 'inventory:' or --inventory)");
            inventory = Inventory.empty(NO_INVENTORY_CODE);
        } else {
            inventory = InventoryLoader.load(config.inventory());
        }
        return start(config, inventory, registry);
    }

    /**
     * Like {@link #start(CollectorConfig, MeterRegistry)} with an inventory built in code; {@code
     * config.inventory()} is not read, but an inventory accepted by {@code POST /api/v1/inventory} is written there
     * when it is set.
     */
    public static Collector start(CollectorConfig config, Inventory inventory, MeterRegistry registry)
            throws Exception {
        Objects.requireNonNull(inventory, "inventory");
        return start(config, null, Map.of(inventory.enterprise().code(), inventory), registry);
    }

    /**
     * Like {@link #start(CollectorConfig, MeterRegistry)} with a district registry and its inventories built in
     * code; accepted imports are written under {@link CollectorConfig#inventoriesDir()}.
     *
     * @param district the registry; null for a district of one (then {@code inventories} holds exactly one)
     * @param inventories the inventory of every enterprise of the registry, by code
     * @throws io.floorlink.sparkplug.config.ConfigException when an HTTP user names an enterprise or contractor the
     *     registry does not know
     */
    public static Collector start(
            CollectorConfig config, District district, Map<String, Inventory> inventories, MeterRegistry registry)
            throws Exception {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(inventories, "inventories");
        Objects.requireNonNull(registry, "registry");
        if (district == null && inventories.size() != 1) {
            throw new IllegalArgumentException(
                    "without a district registry the collector serves exactly one inventory");
        }
        checkUsers(config.http(), district, inventories);
        PrometheusMeterRegistry prometheus;
        MeterRegistry meters;
        if (registry instanceof PrometheusMeterRegistry p) {
            prometheus = p;
            meters = p;
        } else {
            prometheus = UnitOnceNamingConvention.install(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            CompositeMeterRegistry composite = new CompositeMeterRegistry();
            composite.add(registry);
            composite.add(prometheus);
            meters = composite;
        }
        // Profiles first: a bad profile is a configuration error, reported before anything starts.
        ProfileLoader loaded = ProfileLoader.load(config.profiles());
        ProfileLoader profiles = config.thresholdsConfigured()
                ? loaded.withDefault(loaded.defaultProfile().withThresholds(config.thresholds()))
                : loaded;
        AuditLog audit = AuditLog.open(config.dataDir().resolve(AUDIT_LOG), Clock.systemUTC());
        Gateway gateway;
        try {
            recordConfiguration(audit, config, profiles, inventories);
            gateway = Gateway.start(config.effectiveGateway(), meters);
        } catch (Exception | Error e) {
            audit.close();
            throw e;
        }
        try {
            // One cache for the collector's life: an inventory import builds a new service but keeps what was read.
            FactsCache cache = new FactsCache(config.indicatorCache());
            cache.bindTo(meters);
            Function<Inventory, IndicatorService> services = inv -> {
                IndicatorService s =
                        new IndicatorService(gateway.dataSource(), inv, profiles, Clock.systemUTC()).withCache(cache);
                s.metrics().bindTo(meters);
                return s;
            };
            Enterprises enterprises = district == null
                    ? Enterprises.single(inventories.values().iterator().next(), services)
                    : Enterprises.of(district, inventories, services);
            Function<String, java.nio.file.Path> files = district == null
                    ? code -> config.inventory()
                    : code -> DistrictLoader.inventoryFile(config.inventoriesDir(), code);
            ApiServer api = ApiServer.start(
                    config.http(),
                    enterprises,
                    profiles,
                    prometheus,
                    meters,
                    new ApiServer.InventoryUpdates(files, audit));
            api.attachSparkplugView(gateway::liveView);
            api.attachEvidence(PlatformKey.loadOrCreate(config.dataDir().resolve(KEYS_DIR)), audit);
            api.attachGatewayHealth(gateway::health);
            api.attachHistory(audit);
            if (district != null && config.district() != null) {
                api.attachDistrict(config.district(), config.inventoriesDir());
            }
            LOG.info(
                    "Collector up: http://{}:{}/ ({} equipment of {}), MQTT {}",
                    config.http().host(),
                    api.port(),
                    inventories.values().stream()
                            .mapToInt(i -> i.equipment().size())
                            .sum(),
                    district == null ? inventories.keySet().iterator().next() : inventories.size() + " enterprises",
                    gateway.mqttUrl());
            // Programme-view rows of the default period, persisted in the facts store; their own (no) cache so a
            // pass over hundreds of enterprises does not evict what reviewers' reports cached.
            Summarizer summarizer = new Summarizer(
                    gateway.dataSource(), enterprises, profiles.defaultProfile(), Clock.systemUTC(), FactsCache.off());
            summarizer.bindTo(meters);
            api.attachSummaries(summarizer.start(SUMMARY_DELAY, SUMMARY_CHECK));
            // The last 30 closed days of every enterprise, cached soon after start and each hour.
            CacheWarmer warmer = new CacheWarmer(() -> enterprises.all().stream()
                            .map(Enterprises.Context::service)
                            .toList())
                    .start(Duration.ofSeconds(10), Duration.ofHours(1));
            return new Collector(gateway, api, warmer, cache, summarizer, audit, StandardMeters.bindTo(meters));
        } catch (Exception | Error e) {
            gateway.close();
            audit.close();
            throw e;
        }
    }

    /** Every HTTP user's enterprise and contractor must be in the registry (a district of one has no contractors). */
    private static void checkUsers(HttpConfig http, District district, Map<String, Inventory> inventories) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < http.users().size(); i++) {
            HttpConfig.User u = http.users().get(i);
            if (u.enterprise() != null && !inventories.containsKey(u.enterprise())) {
                problems.add("http.users[" + i + "].enterprise: '" + u.enterprise() + "' of user " + u.name()
                        + " is no enterprise of " + (district == null ? "the inventory" : "the district registry"));
            }
            if (u.contractor() != null
                    && (district == null || district.contractor(u.contractor()).isEmpty())) {
                problems.add("http.users[" + i + "].contractor: '" + u.contractor() + "' of user " + u.name()
                        + (district == null
                                ? " needs a district registry (collector.yaml 'district:') naming its enterprises"
                                : " is no contractor of the district registry"));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("\n", problems));
        }
    }

    /**
     * Records in the audit log what changed in the configuration since the last start: profiles, inventory, HTTP
     * tokens and edge credentials, each by a fingerprint (SHA-256; a secret goes in only as its own salted digest,
     * see {@link ConfigFingerprints}).
     */
    private static void recordConfiguration(
            AuditLog audit, CollectorConfig config, ProfileLoader profiles, Map<String, Inventory> inventories)
            throws IOException {
        StringBuilder all = new StringBuilder();
        List<String> ids = new ArrayList<>();
        for (Profile p : profiles.all()) {
            ids.add(p.id() + "@" + p.version());
            all.append(p.id()).append('@').append(p.version()).append(':');
            all.append(AuditLog.sha256(Json.mapper().writeValueAsString(p))).append('\n');
        }
        audit.recordConfig("profiles", AuditLog.sha256(all.toString()), Map.of("profiles", ids));

        if (config.district() == null) {
            Inventory inventory = inventories.values().iterator().next();
            audit.recordConfig(
                    "inventory",
                    AuditLog.sha256(YamlConfig.mapper().writeValueAsString(InventoryDocument.of(inventory))),
                    Map.of(
                            "enterprise",
                            inventory.enterprise().code(),
                            "equipment",
                            inventory.equipment().size(),
                            "file",
                            String.valueOf(config.inventory())));
        } else {
            audit.recordConfig(
                    "district",
                    AuditLog.sha256(java.nio.file.Files.readString(config.district())),
                    Map.of("file", config.district().toString(), "enterprises", inventories.size()));
            for (Map.Entry<String, Inventory> e : inventories.entrySet()) {
                audit.recordConfig(
                        "inventory:" + e.getKey(),
                        AuditLog.sha256(YamlConfig.mapper().writeValueAsString(InventoryDocument.of(e.getValue()))),
                        Map.of(
                                "enterprise",
                                e.getKey(),
                                "equipment",
                                e.getValue().equipment().size(),
                                "file",
                                DistrictLoader.inventoryFile(config.inventoriesDir(), e.getKey())
                                        .toString()));
            }
        }

        HttpConfig http = config.http();
        List<String> reviewers = new ArrayList<>();
        for (HttpConfig.ReviewerToken r : http.reviewerTokens()) {
            reviewers.add(r.name());
        }
        Map<String, Object> tokenDetails = new LinkedHashMap<>();
        tokenDetails.put("admin_token", http.adminToken() != null);
        tokenDetails.put("reviewers", reviewers);
        tokenDetails.put("allow_anonymous_reads", http.allowAnonymousReads());
        audit.recordConfig(
                ConfigFingerprints.HTTP_TOKENS, AuditLog.sha256(ConfigFingerprints.httpTokens(http)), tokenDetails);

        AuthConfig auth = config.effectiveGateway().auth();
        List<String> edgeUsers = new ArrayList<>();
        List<String> clientUsers = new ArrayList<>();
        boolean anonymous = auth != null && auth.allowAnonymous();
        if (auth != null) {
            for (AuthConfig.EdgeCredential e : auth.edges()) {
                edgeUsers.add(e.username() + " " + e.groups() + " " + e.node());
            }
            for (AuthConfig.ClientCredential c : auth.clients()) {
                clientUsers.add(c.username() + " publish " + c.publish() + " subscribe " + c.subscribe());
            }
        }
        audit.recordConfig(
                ConfigFingerprints.EDGE_CREDENTIALS,
                AuditLog.sha256(ConfigFingerprints.edgeCredentials(auth)),
                Map.of("edges", edgeUsers, "clients", clientUsers, "allow_anonymous", anonymous));
    }

    /** The HTTP server (its routes). */
    public ApiServer api() {
        return api;
    }

    /** The bound HTTP port. */
    public int httpPort() {
        return api.port();
    }

    /** The in-process gateway (its MQTT URL, facts data source, flush). */
    public Gateway gateway() {
        return gateway;
    }

    /**
     * The active inventory of the only enterprise; {@code POST /api/v1/inventory} replaces it.
     *
     * @throws IllegalStateException when the collector serves several enterprises
     */
    public Inventory inventory() {
        return api.indicators().inventory();
    }

    /**
     * The indicator service of the only enterprise's active inventory, callable in-process; its methods block on
     * the facts store. An inventory import replaces it: call this again rather than keeping the result.
     *
     * @throws IllegalStateException when the collector serves several enterprises (use {@link #indicators(String)})
     */
    public IndicatorService indicators() {
        return api.indicators();
    }

    /**
     * The indicator service of one enterprise, as {@link #indicators()}.
     *
     * @throws java.util.NoSuchElementException when no enterprise has this code
     */
    public IndicatorService indicators(String code) {
        return api.enterprises()
                .get(code)
                .orElseThrow(() -> new java.util.NoSuchElementException("no enterprise '" + code + "'"))
                .service();
    }

    /** The enterprises served (a district of one for a single inventory). */
    public Enterprises enterprises() {
        return api.enterprises();
    }

    /** The background programme-view summaries of every enterprise. */
    public Summarizer summarizer() {
        return summarizer;
    }

    /** The append-only audit log ({@code <data_dir>/audit.log}). */
    public AuditLog audit() {
        return audit;
    }

    /** Stops the HTTP server, then the gateway (which flushes its facts). Blocks until both have stopped. */
    @Override
    public void close() {
        LOG.info("Collector stopping");
        try {
            warmer.close();
            cache.close();
            summarizer.close();
            api.close();
        } finally {
            standardMeters.close();
            gateway.close();
            try {
                audit.close();
            } catch (IOException e) {
                LOG.warn("Audit log {} not closed cleanly: {}", audit.file(), e.getMessage());
            }
            LOG.info("Collector stopped");
        }
    }
}
