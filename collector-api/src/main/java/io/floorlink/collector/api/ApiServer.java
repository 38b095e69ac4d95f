package io.floorlink.collector.api;

import io.floorlink.collector.HttpConfig;
import io.floorlink.collector.audit.AuditLog;
import io.floorlink.collector.district.District;
import io.floorlink.collector.district.DistrictLoader;
import io.floorlink.collector.district.Enterprises;
import io.floorlink.collector.indicators.FactsUnavailableException;
import io.floorlink.collector.indicators.IndicatorService;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.UnknownScopeException;
import io.floorlink.collector.profiles.Profile;
import io.floorlink.collector.profiles.ProfileEvaluator;
import io.floorlink.collector.profiles.ProfileLoader;
import io.floorlink.sparkplug.config.Durations;
import io.floorlink.sparkplug.host.LiveView;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.ExceptionHandler;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's HTTP server (Javalin 7): the REST API under {@code /api/v1}, {@code /health}, {@code /metrics}
 * (Prometheus text), the static web page at {@code /} and the ECharts WebJar at {@code /webjars/echarts/}. Handlers
 * run on Jetty's request threads and block on the facts store there. Every route about enterprise data takes {@code
 * enterprise=<code>} and reaches that enterprise only through {@link Tenancy}.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    /** Default window when a request gives no {@code from}. */
    static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    /** Longest window a request may ask for; longer ones are refused rather than left to scan for minutes. */
    static final Duration MAX_WINDOW = Duration.ofDays(400);

    private static final Duration STORE_WARNING_EVERY = Duration.ofMinutes(1);
    /** Largest request body (an inventory upload); a 1,000-equipment XLSX is well under 1 MiB. */
    private static final long MAX_UPLOAD_BYTES = 16L * 1024 * 1024;

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");

    private final Javalin app;
    private final Enterprises enterprises;
    private final Tenancy tenancy;
    private final ProfileLoader profiles;

    private final Access access;
    private final InventoryEndpoint inventory;
    private final SparkplugNodesEndpoint sparkplugNodes = new SparkplugNodesEndpoint();
    private final EvidenceEndpoint evidence = new EvidenceEndpoint();
    private volatile Supplier<io.floorlink.gateway.GatewayHealth> gatewayHealth;
    private volatile AuditLog audit;
    private volatile Path registryFile;
    private volatile Path inventoriesDir;
    private volatile io.floorlink.collector.district.Summarizer summaries;
    private final PrometheusMeterRegistry prometheus;
    private final ApiMetrics metrics = new ApiMetrics();
    private final AtomicLong lastStoreWarning = new AtomicLong();
    private final AtomicLong suppressedStoreWarnings = new AtomicLong();

    private ApiServer(
            Enterprises enterprises,
            ProfileLoader profiles,
            PrometheusMeterRegistry prometheus,
            HttpConfig http,
            InventoryUpdates updates) {
        this.enterprises = enterprises;
        this.tenancy = new Tenancy(enterprises);
        this.profiles = profiles;
        this.prometheus = prometheus;
        this.access = new Access(http);
        this.inventory = new InventoryEndpoint(
                access,
                tenancy,
                updates != null,
                updates == null ? null : updates.audit(),
                updates == null ? code -> null : updates.files());
        this.app = Javalin.create(cfg -> configure(cfg, http));
    }

    /**
     * How {@code POST /api/v1/inventory} makes an imported inventory active: {@link Enterprises#replace} builds the
     * enterprise's new service.
     *
     * @param files the inventory YAML file of an enterprise (by code) that an accepted import is written to
     *     (atomically, creating its folder); a null result keeps it in memory
     * @param audit where every import attempt is recorded; nullable
     */
    public record InventoryUpdates(Function<String, Path> files, AuditLog audit) {
        public InventoryUpdates {
            Objects.requireNonNull(files, "files");
        }
    }

    /**
     * Starts the server; returns once it listens.
     *
     * @param http bind address and port (0 = any free port)
     * @param service the indicator service the API answers from
     * @param prometheus the registry {@code /metrics} scrapes
     * @param registry where the HTTP meters are registered (usually the same registry or a composite holding it)
     * @throws IllegalStateException if the port cannot be bound
     */
    public static ApiServer start(
            HttpConfig http, IndicatorService service, PrometheusMeterRegistry prometheus, MeterRegistry registry) {
        return start(http, Enterprises.single(service), service.profiles(), prometheus, registry, null);
    }

    /**
     * Starts the server over the enterprises of a district (or the district of one of a single inventory); returns
     * once it listens. {@code POST /api/v1/inventory} is enabled when {@code updates} is given and a token that may
     * import is configured.
     *
     * @param enterprises the enterprises served, each with its indicator service, never null
     * @param profiles the acceptance profiles (the same for every enterprise), never null
     * @param updates how an imported inventory is kept; null disables imports (403)
     */
    public static ApiServer start(
            HttpConfig http,
            Enterprises enterprises,
            ProfileLoader profiles,
            PrometheusMeterRegistry prometheus,
            MeterRegistry registry,
            InventoryUpdates updates) {
        if (http.tls() != null && !java.nio.file.Files.isRegularFile(http.tls().keystore())) {
            throw new IllegalStateException(
                    "http.tls.keystore: no such file " + http.tls().keystore());
        }
        ApiServer server = new ApiServer(enterprises, profiles, prometheus, http, updates);
        server.metrics.bindTo(registry);
        try {
            server.app.start();
        } catch (RuntimeException e) {
            server.app.stop();
            throw new IllegalStateException(
                    "cannot serve HTTP on " + http.host() + ":" + http.port() + ": " + e.getMessage(), e);
        }
        return server;
    }

    /** The bound TCP port. */
    public int port() {
        return app.port();
    }

    /**
     * The indicator service of the only enterprise served; an inventory import replaces it.
     *
     * @throws IllegalStateException when the collector serves several enterprises (use {@link #enterprises()})
     */
    public IndicatorService indicators() {
        List<Enterprises.Context> all = enterprises.all();
        if (all.size() != 1) {
            throw new IllegalStateException(
                    "this collector serves " + all.size() + " enterprises; pick one from enterprises()");
        }
        return all.get(0).service();
    }

    /** The enterprises served, each with its current inventory and indicator service. */
    public Enterprises enterprises() {
        return enterprises;
    }

    /**
     * Serves {@code GET /api/v1/sparkplug/nodes} from this live view (e.g. {@code gateway::liveView}); until then the
     * route answers 503.
     *
     * @param liveView called on a request thread per request; may block briefly; never null
     */
    public void attachSparkplugView(Supplier<List<LiveView.Node>> liveView) {
        sparkplugNodes.attach(Objects.requireNonNull(liveView, "liveView"));
    }

    /**
     * Serves {@code GET /api/v1/keys} and {@code GET /api/v1/bundles} with this signing key; until then they answer
     * 503. Each generated bundle is recorded in {@code audit} (nullable: not recorded).
     */
    public void attachEvidence(io.floorlink.collector.evidence.PlatformKey key, AuditLog audit) {
        evidence.attach(Objects.requireNonNull(key, "key"), audit);
    }

    /**
     * Lets the admin reload the district registry ({@code POST /api/v1/district/reload}) from this file, with the
     * inventories of new enterprises from {@code inventories}; until then the route answers 409.
     */
    public void attachDistrict(Path registry, Path inventories) {
        this.inventoriesDir = Objects.requireNonNull(inventories, "inventories");
        this.registryFile = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Makes {@code GET /api/v1/enterprises} over the default period and with the default profile read the
     * background summaries instead of computing one report per enterprise (see {@link EnterprisesEndpoint}).
     *
     * @param summarizer never null; its {@code served} and {@code lastDataAt} are called on request threads
     */
    public void attachSummaries(io.floorlink.collector.district.Summarizer summarizer) {
        this.summaries = Objects.requireNonNull(summarizer, "summarizer");
    }

    /**
     * Keeps each enterprise's file (一企一档) in this audit log: {@code POST /api/v1/evaluations} records there and
     * {@code GET /api/v1/enterprises/{code}/history} reads it; until then both answer 503.
     */
    public void attachHistory(AuditLog log) {
        this.audit = Objects.requireNonNull(log, "log");
    }

    /**
     * Makes {@code /health} include the gateway's liveness ({@code gateway} and {@code gateway_reasons}): a DOWN
     * gateway makes the whole answer DOWN with HTTP 503.
     *
     * @param gatewayHealth called on a request thread per request; must not block; never null
     */
    public void attachGatewayHealth(Supplier<io.floorlink.gateway.GatewayHealth> gatewayHealth) {
        this.gatewayHealth = Objects.requireNonNull(gatewayHealth, "gatewayHealth");
    }

    /** The registered HTTP routes as {@code METHOD path}, e.g. {@code GET /api/v1/equipment}. */
    public List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> e.endpoint.method.isHttpMethod())
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
                .toList();
    }

    /** Stops the server; blocks until in-flight requests end. */
    @Override
    public void close() {
        app.stop();
    }

    private void configure(JavalinConfig cfg, HttpConfig http) {
        cfg.jetty.host = http.host();
        cfg.jetty.port = http.port();
        if (http.tls() != null) {
            cfg.jetty.addConnector((server, httpConfig) -> Https.connector(server, httpConfig, http));
        }
        cfg.http.prefer405over404 = true;
        QueuedThreadPool pool = new QueuedThreadPool(32, 2);
        pool.setName("collector-http");
        cfg.jetty.threadPool = pool;
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.jsonMapper(new JavalinJackson(Json.mapper(), false));
        cfg.http.maxRequestSize = MAX_UPLOAD_BYTES;
        cfg.staticFiles.add(sf -> {
            sf.hostedPath = "/";
            sf.directory = "/web";
            sf.location = Location.CLASSPATH;
        });
        // The page's charts: ECharts from its WebJar, served by the collector itself (plants are offline).
        cfg.staticFiles.add(sf -> {
            sf.hostedPath = "/webjars/echarts";
            sf.directory = "/META-INF/resources/webjars/echarts";
            sf.location = Location.CLASSPATH;
        });
        cfg.requestLogger.http((ctx, ms) -> metrics.record(
                method(ctx),
                ApiMetrics.uri(route(ctx), ctx.statusCode()),
                ctx.statusCode(),
                ctx.attribute(ApiMetrics.EXCEPTION_ATTRIBUTE),
                ms));

        cfg.routes.before(this::guard);
        cfg.routes.get("/health", this::health);
        cfg.routes.get("/metrics", this::metrics);
        cfg.routes.get("/api/v1/equipment", this::equipment);
        cfg.routes.get("/api/v1/indicators", this::indicators);
        cfg.routes.get("/api/v1/equipment/{id}", this::oneEquipment);
        cfg.routes.get("/api/v1/equipment/{id}/indicators", this::equipmentIndicators);
        cfg.routes.get("/api/v1/enterprises", this::enterpriseList);
        cfg.routes.post("/api/v1/district/reload", this::reloadDistrict);
        cfg.routes.get("/api/v1/inventory", inventory::get);
        cfg.routes.post("/api/v1/inventory", inventory::post);
        cfg.routes.get("/api/v1/openapi.json", OpenApi::serve);
        cfg.routes.get("/api/v1/profiles", this::profiles);
        cfg.routes.get("/api/v1/profiles/{id}", this::profile);
        cfg.routes.get("/api/v1/evaluations", this::evaluation);
        cfg.routes.post("/api/v1/evaluations", this::recordEvaluation);
        cfg.routes.get("/api/v1/enterprises/{code}/history", this::history);
        cfg.routes.get("/api/v1/sparkplug/nodes", this::sparkplugNodes);
        cfg.routes.get("/api/v1/keys", evidence::keys);
        cfg.routes.get("/api/v1/bundles", this::bundle);
        cfg.routes.get("/api/v1/reports", this::report);

        cfg.routes.exception(Unauthorized.class, recorded((e, ctx) -> {
            ctx.header("WWW-Authenticate", "Bearer");
            ctx.status(401).json(new ApiError("unauthorized", "Authorization", e.getMessage()));
        }));
        cfg.routes.error(404, ctx -> {
            String type = ctx.res().getContentType();
            if (type == null || !type.startsWith("application/json")) {
                ctx.json(new ApiError("not_found", null, "no such path: " + ctx.path()));
            }
        });
        cfg.routes.error(405, ctx -> {
            List<String> allowed = allowedMethods(ctx.path());
            ctx.header("Allow", String.join(", ", allowed));
            ctx.json(new ApiError(
                    "method_not_allowed",
                    null,
                    ctx.method().name() + " is not allowed on " + ctx.path() + "; allowed: "
                            + String.join(", ", allowed)));
        });
        cfg.routes.exception(Tenancy.TenancyException.class, recorded((e, ctx) -> ctx.status(e.status())
                .json(new ApiError(e.error(), Tenancy.PARAM, e.getMessage()))));
        cfg.routes.exception(BadParameterException.class, recorded((e, ctx) -> ctx.status(400)
                .json(new ApiError("bad_parameter", e.parameter(), e.getMessage()))));
        cfg.routes.exception(UnknownScopeException.class, recorded((e, ctx) -> ctx.status(400)
                .json(new ApiError("bad_parameter", "scope", e.getMessage()))));
        cfg.routes.exception(NoSuchElementException.class, recorded((e, ctx) -> ctx.status(404)
                .json(new ApiError("not_found", "id", e.getMessage()))));
        cfg.routes.exception(FactsUnavailableException.class, recorded((e, ctx) -> {
            warnStoreDown(e);
            ctx.status(503).json(new ApiError("facts_unavailable", null, "the facts store cannot be read"));
        }));
        cfg.routes.exception(Exception.class, recorded((e, ctx) -> {
            LOG.error("Request {} {} failed", ctx.method(), ctx.path(), e);
            ctx.status(500).json(new ApiError("internal", null, "internal error; see the collector log"));
        }));
    }

    /** {@code handler}, leaving the exception's class name for the {@code exception} tag of the request's timer. */
    private static <T extends Exception> ExceptionHandler<T> recorded(ExceptionHandler<T> handler) {
        return (e, ctx) -> {
            ctx.attribute(ApiMetrics.EXCEPTION_ATTRIBUTE, ApiMetrics.exception(e));
            handler.handle(e, ctx);
        };
    }

    /** A request without a token where one is needed, or with a token that matches none. */
    private static final class Unauthorized extends RuntimeException {
        Unauthorized(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Runs before every handler: security headers on every answer, then who the caller is. The API and the metrics
     * need a known token unless anonymous reads are allowed; {@code /health} and the web page are open.
     */
    private void guard(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none';"
                        + " base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
        if (ctx.scheme().equals("https")) {
            ctx.header("Strict-Transport-Security", "max-age=31536000");
        }
        String path = ctx.path();
        boolean guarded = path.startsWith("/api/") || path.equals("/metrics");
        if (!guarded) {
            return;
        }
        ctx.header("Cache-Control", "no-store");
        Access.Principal who = access.resolve(ctx);
        if (who == null) {
            throw new Unauthorized("the bearer token matches no reviewer or admin token");
        }
        if (who.role() == Access.Role.ANONYMOUS && !access.anonymousReads()) {
            throw new Unauthorized(
                    "this collector needs a token: send 'Authorization: Bearer <reviewer or admin token>'");
        }
        ctx.attribute(Access.ATTRIBUTE, who);
    }

    private List<String> allowedMethods(String path) {
        List<String> out = new ArrayList<>();
        for (HandlerType t : List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.DELETE)) {
            if (!app.unsafe.internalRouter.findHttpHandlerEntries(t, path).isEmpty()) {
                out.add(t.name());
            }
        }
        if (out.contains("GET")) {
            out.add(1, "HEAD");
        }
        return out;
    }

    /** At most one warning a minute while the store is down; the web page polls and would flood the log. */
    private void warnStoreDown(FactsUnavailableException e) {
        long now = System.nanoTime();
        long last = lastStoreWarning.get();
        if ((last == 0 || now - last >= STORE_WARNING_EVERY.toNanos()) && lastStoreWarning.compareAndSet(last, now)) {
            long more = suppressedStoreWarnings.getAndSet(0);
            LOG.warn(
                    "Facts store unavailable: {}{}",
                    e.getMessage(),
                    more > 0 ? " (" + more + " more since last warning)" : "");
        } else {
            suppressedStoreWarnings.incrementAndGet();
        }
    }

    private void health(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        boolean up = true;
        List<Enterprises.Context> all = enterprises.all();
        try {
            if (all.isEmpty()) {
                throw new IllegalStateException("no enterprise");
            }
            all.get(0).service().checkStore();
            body.put("facts_store", "UP");
        } catch (FactsUnavailableException e) {
            body.put("facts_store", "DOWN");
            up = false;
        } catch (IllegalStateException noEnterprise) {
            body.put("facts_store", "UNKNOWN");
        }
        Supplier<io.floorlink.gateway.GatewayHealth> gh = gatewayHealth;
        if (gh != null) {
            io.floorlink.gateway.GatewayHealth g = gh.get();
            body.put("gateway", g.status());
            body.put("gateway_reasons", g.reasons());
            up &= g.isUp();
        }
        // Open to anyone: a district's health names no enterprise, it only counts them.
        if (enterprises.single() && all.size() == 1) {
            body.put("enterprise", all.get(0).code());
        } else {
            body.put("enterprises", all.size());
        }
        body.put(
                "equipment",
                all.stream().mapToInt(c -> c.inventory().equipment().size()).sum());
        body.put("status", up ? "UP" : "DOWN");
        ctx.status(up ? 200 : 503).json(body);
    }

    /** Prometheus text; a district's meters are the whole platform's, so only its administrators read them. */
    private void metrics(Context ctx) {
        if (!enterprises.single() && !tenancy.seesPlatform(ctx)) {
            ctx.status(403)
                    .json(new ApiError(
                            "forbidden", "Authorization", "the platform's metrics are for its administrators"));
            return;
        }
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(prometheus.scrape());
    }

    private void enterpriseList(Context ctx) {
        EnterprisesEndpoint.get(ctx, tenancy, profileParam(ctx), summaries);
    }

    /**
     * Re-reads the registry: new enterprises start being served, retired ones leave the programme view; the others
     * keep their inventories, services and caches. Admin only; a registry with any problem changes nothing.
     */
    private void reloadDistrict(Context ctx) {
        Access.Principal who = Access.of(ctx);
        if (who.role() == Access.Role.ANONYMOUS) {
            throw new Unauthorized("reloading the district registry needs the admin token");
        }
        if (who.role() != Access.Role.ADMIN) {
            ctx.status(403)
                    .json(new ApiError(
                            "forbidden", "Authorization", "only the programme administrator reloads the registry"));
            return;
        }
        Path file = registryFile;
        if (file == null || enterprises.single()) {
            ctx.status(409)
                    .json(
                            new ApiError(
                                    "not_a_district",
                                    null,
                                    "this collector serves one inventory (collector.yaml inventory:), not a district registry"));
            return;
        }
        District next;
        Map<String, Inventory> added;
        try {
            next = DistrictLoader.load(file);
            // only the enterprises the registry adds are read: the others keep the inventory they serve
            added = DistrictLoader.inventories(
                    next.enterprises().stream()
                            .filter(e -> enterprises.get(e.code()).isEmpty())
                            .toList(),
                    inventoriesDir);
        } catch (io.floorlink.sparkplug.config.ConfigException e) {
            recordReload(who, "refused", Map.of("problems", e.getMessage().split("\n").length));
            ctx.status(400).json(new ApiError("invalid_district", null, e.getMessage()));
            return;
        }
        Enterprises.Reloaded r;
        try {
            r = enterprises.reload(next, added);
        } catch (IllegalArgumentException e) {
            recordReload(who, "refused", Map.of("problem", e.getMessage()));
            ctx.status(400).json(new ApiError("invalid_district", null, e.getMessage()));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "reloaded");
        body.put("enterprises", next.enterprises().size());
        body.put("added", r.added());
        body.put("retired", r.retired());
        body.put("changed", r.changed());
        recordReload(who, "accepted", body);
        LOG.info(
                "District registry {} reloaded by {}: added {}, retired {}, changed {}",
                file,
                who.name(),
                r.added(),
                r.retired(),
                r.changed());
        ctx.json(body);
    }

    private void recordReload(Access.Principal who, String result, Map<String, ?> details) {
        AuditLog log = audit;
        if (log != null) {
            log.append(who.name(), "district.reload", "district", result, details);
        }
    }

    private void sparkplugNodes(Context ctx) {
        String code = ctx.queryParam(Tenancy.PARAM);
        if (code != null && !code.isBlank()) {
            String group = tenancy.require(ctx).code();
            sparkplugNodes.get(ctx, group::equals);
            return;
        }
        boolean all = tenancy.seesPlatform(ctx);
        sparkplugNodes.get(ctx, g -> all || tenancy.seesGroup(ctx, g));
    }

    private void equipment(Context ctx) {
        Inventory inv = tenancy.require(ctx).inventory();
        if (CsvTable.wanted(ctx)) {
            EquipmentView.table(inv).send(ctx, inv.enterprise().code() + "-equipment");
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("enterprise", inv.enterprise());
        body.put("sites", inv.sites());
        List<EquipmentView> list =
                inv.equipment().stream().map(e -> EquipmentView.of(inv, e)).toList();
        body.put("count", list.size());
        body.put("equipment", list);
        ctx.json(body);
    }

    private void oneEquipment(Context ctx) {
        Inventory inv = tenancy.require(ctx).inventory();
        String id = ctx.pathParam("id");
        ctx.json(EquipmentView.of(
                inv,
                inv.equipment(id)
                        .orElseThrow(() -> new NoSuchElementException("no equipment '" + id + "' in the inventory"))));
    }

    private void indicators(Context ctx) {
        boolean csv = CsvTable.wanted(ctx);
        IndicatorService service = tenancy.require(ctx).service();
        Instant[] w = window(ctx, service);
        var report = service.compute(ctx.queryParam("scope"), w[0], w[1], profileParam(ctx));
        if (csv) {
            CsvViews.report(report).send(ctx, report.enterprise().code() + "-indicators");
            return;
        }
        ctx.json(report);
    }

    private void equipmentIndicators(Context ctx) {
        boolean csv = CsvTable.wanted(ctx);
        IndicatorService service = tenancy.require(ctx).service();
        String code = service.inventory().enterprise().code();
        Instant[] w = window(ctx, service);
        var e = service.equipment(ctx.pathParam("id"), w[0], w[1], profileParam(ctx));
        if (csv) {
            CsvViews.equipment(e).send(ctx, code + "-" + e.id() + "-indicators");
            return;
        }
        ctx.json(e);
    }

    private void bundle(Context ctx) throws java.io.IOException {
        IndicatorService service = tenancy.require(ctx).service();
        Instant[] w = window(ctx, service);
        evidence.bundle(ctx, service, ctx.queryParam("scope"), w[0], w[1], profileParam(ctx));
    }

    private void report(Context ctx) throws java.io.IOException {
        String format = ReportEndpoint.format(ctx);
        var language = ReportEndpoint.language(ctx);
        IndicatorService service = tenancy.require(ctx).service();
        Instant[] w = window(ctx, service);
        ReportEndpoint.send(ctx, format, service, ctx.queryParam("scope"), w[0], w[1], profileParam(ctx), language);
    }

    private void profiles(Context ctx) {
        boolean csv = CsvTable.wanted(ctx);
        Profile def = profiles.defaultProfile();
        List<Map<String, Object>> list = profiles.all().stream()
                .map(p -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", p.id());
                    m.put("version", p.version());
                    m.put("title", p.title());
                    m.put("min_window", p.minWindow());
                    m.put("rules", p.rules().size());
                    m.put("default", p.id().equals(def.id()));
                    return m;
                })
                .toList();
        if (csv) {
            CsvTable t = new CsvTable("id", "version", "title", "min_window", "rules", "default");
            list.forEach(m -> t.row(m.values().toArray()));
            t.send(ctx, "profiles");
            return;
        }
        ctx.json(Map.of("default", def.id(), "profiles", list));
    }

    private void profile(Context ctx) {
        String id = ctx.pathParam("id");
        ctx.json(profiles.get(id).orElseThrow(() -> new NoSuchElementException("no profile '" + id + "'")));
    }

    private void evaluation(Context ctx) {
        boolean csv = CsvTable.wanted(ctx);
        IndicatorService service = tenancy.require(ctx).service();
        Instant[] w = window(ctx, service);
        var ev = new ProfileEvaluator(service).evaluate(profileParam(ctx), ctx.queryParam("scope"), w[0], w[1]);
        if (csv) {
            CsvViews.evaluation(ev).send(ctx, ev.enterprise().code() + "-evaluation");
            return;
        }
        ctx.json(ev);
    }

    /** Computes an evaluation as GET does and records it in the enterprise's file (一企一档). */
    private void recordEvaluation(Context ctx) throws java.io.IOException {
        Access.Principal who = Access.of(ctx);
        if (who.role() == Access.Role.ANONYMOUS) {
            throw new Unauthorized("recording an evaluation needs a reviewer, contractor or admin token");
        }
        Enterprises.Context c = tenancy.require(ctx);
        if (who.role() == Access.Role.ENTERPRISE) {
            ctx.status(403)
                    .json(new ApiError(
                            "forbidden",
                            "Authorization",
                            "an enterprise user reads its evaluations; a reviewer, its contractor or the admin records"
                                    + " them"));
            return;
        }
        AuditLog log = audit;
        if (log == null) {
            ctx.status(503).json(new ApiError("history_unavailable", null, "no audit log is attached"));
            return;
        }
        IndicatorService service = c.service();
        Instant[] w = window(ctx, service);
        Profile profile = profileParam(ctx);
        var report = service.compute(ctx.queryParam("scope"), w[0], w[1], profile);
        var ev = new ProfileEvaluator(service).evaluate(profile, report);
        ctx.status(201).json(History.record(who, log, ev, report.indicators()));
    }

    private void history(Context ctx) throws java.io.IOException {
        Enterprises.Context c = tenancy.require(ctx, ctx.pathParam("code"));
        AuditLog log = audit;
        if (log == null) {
            ctx.status(503).json(new ApiError("history_unavailable", null, "no audit log is attached"));
            return;
        }
        History.get(ctx, c, enterprises.single(), log);
    }

    /** The profile named by {@code profile=}, or the default profile. */
    private Profile profileParam(Context ctx) {
        String id = ctx.queryParam("profile");
        if (id == null || id.isBlank()) {
            return profiles.defaultProfile();
        }
        return profiles.get(id.trim())
                .orElseThrow(() -> new BadParameterException(
                        "profile",
                        "unknown profile '" + id + "' (known: "
                                + profiles.all().stream().map(Profile::id).toList()
                                + ")"));
    }

    /**
     * from/to with defaults to = now, from = to - 1 h; or {@code window=30d} ending at {@code to} (default now);
     * validated.
     */
    static Instant[] window(Context ctx, IndicatorService service) {
        Instant to = instant(ctx, "to");
        Instant from = instant(ctx, "from");
        String length = ctx.queryParam("window");
        if (to == null) {
            to = service.clock().instant().truncatedTo(ChronoUnit.MILLIS);
        }
        if (length != null && !length.isBlank()) {
            if (from != null && instant(ctx, "to") != null) {
                throw new BadParameterException(
                        "window", "give from and to, or window (with an optional to), not all three");
            }
            Duration d;
            try {
                d = Durations.parse(length.trim());
            } catch (IllegalArgumentException e) {
                throw new BadParameterException("window", e.getMessage());
            }
            if (d.isNegative() || d.isZero()) {
                throw new BadParameterException("window", "window must be positive but was " + length);
            }
            if (from != null) {
                to = from.plus(d);
            } else {
                from = to.minus(d);
            }
        }
        if (from == null) {
            from = to.minus(DEFAULT_WINDOW);
        }
        if (from.isAfter(to)) {
            throw new BadParameterException("from", "from " + from + " is after to " + to);
        }
        if (Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
            throw new BadParameterException(
                    "from",
                    "the window from " + from + " to " + to + " is longer than " + MAX_WINDOW.toDays() + " days");
        }
        return new Instant[] {from, to};
    }

    private static Instant instant(Context ctx, String name) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadParameterException(
                    name,
                    "'" + text + "' is not an ISO-8601 instant; write e.g. 2026-03-02T08:00:00Z or"
                            + " 2026-03-02T16:00:00+08:00");
        }
    }

    private static String method(Context ctx) {
        String m = ctx.method().name();
        return METHODS.contains(m) ? m : "OTHER";
    }

    /** The matched route template, null when no route matched. */
    private static String route(Context ctx) {
        Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
        return endpoint == null ? null : endpoint.path;
    }
}
