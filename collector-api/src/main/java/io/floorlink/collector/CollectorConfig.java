package io.floorlink.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floorlink.collector.indicators.FactsCache;
import io.floorlink.collector.indicators.Thresholds;
import io.floorlink.gateway.BrokerConfig;
import io.floorlink.gateway.GatewayConfig;
import io.floorlink.gateway.StoreConfig;
import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.config.YamlConfig;
import java.nio.file.Path;

/**
 * Configuration of the collector (collector.yaml; snake_case keys, durations with units, {@code ${ENV}}
 * secrets). Validated on construction.
 *
 * @param http HTTP listener; null means 127.0.0.1:8080
 * @param inventory inventory YAML file; null means an empty inventory (the collector warns at start)
 * @param gateway the in-process gateway; null means {@link GatewayConfig#defaults(Path)} in {@code dataDir}
 *     (embedded broker on 127.0.0.1:1883, H2 file store)
 * @param thresholds θ_online / θ_complete overriding those of the default acceptance profile; null means the
 *     profile's (0.90, 0.95 in the shipped miit-2024-level2)
 * @param dataDir folder for the gateway's broker and H2 files (also when a {@code gateway:} section leaves them
 *     out), the audit log and the platform key; null means {@code ./data}
 * @param profiles folder of extra acceptance profiles ({@code *.yaml}); null means only the shipped one
 * @param indicatorCacheEntries entries of the closed-day indicator cache (key {@code indicator_cache_entries}, about
 *     2 KB each, one or two per equipment and day of a report); 0 turns it off; null means
 *     {@link FactsCache#DEFAULT_ENTRIES}
 * @param district the district registry ({@code district.yaml}: programmes, industries, contractors, enterprises,
 *     reviews); null means a single enterprise, the one of {@code inventory}. Not together with {@code inventory}.
 * @param inventories folder holding {@code <CODE>/inventory.yaml} of every enterprise of the district; null means
 *     {@code <data_dir>/enterprises}. Only with {@code district}.
 */
public record CollectorConfig(
        HttpConfig http,
        Path inventory,
        GatewayConfig gateway,
        Thresholds thresholds,
        Path dataDir,
        Path profiles,
        Integer indicatorCacheEntries,
        Path district,
        Path inventories) {

    public static final Path DEFAULT_DATA_DIR = Path.of("data");
    /** Folder of the enterprises' inventories under {@code data_dir} when {@code inventories} is not given. */
    public static final String DEFAULT_INVENTORIES = "enterprises";

    public CollectorConfig {
        http = http == null ? HttpConfig.defaults() : http;
        dataDir = dataDir == null ? DEFAULT_DATA_DIR : dataDir;
        if (indicatorCacheEntries != null && indicatorCacheEntries < 0) {
            throw new IllegalArgumentException(
                    "indicator_cache_entries must be 0 (off) or more but was " + indicatorCacheEntries);
        }
        if (district != null && inventory != null) {
            throw new IllegalArgumentException("inventory: give either inventory (one enterprise) or district (a"
                    + " registry with the inventories under 'inventories'), not both");
        }
        if (inventories != null && district == null) {
            throw new IllegalArgumentException("inventories: only with district (the registry naming the enterprises)");
        }
    }

    public CollectorConfig(
            HttpConfig http,
            Path inventory,
            GatewayConfig gateway,
            Thresholds thresholds,
            Path dataDir,
            Path profiles,
            Integer indicatorCacheEntries) {
        this(http, inventory, gateway, thresholds, dataDir, profiles, indicatorCacheEntries, null, null);
    }

    /** The folder of the enterprises' inventories: the configured one or {@code <data_dir>/enterprises}. */
    public Path inventoriesDir() {
        return inventories != null ? inventories : dataDir.resolve(DEFAULT_INVENTORIES);
    }

    public CollectorConfig(
            HttpConfig http,
            Path inventory,
            GatewayConfig gateway,
            Thresholds thresholds,
            Path dataDir,
            Path profiles) {
        this(http, inventory, gateway, thresholds, dataDir, profiles, null);
    }

    /** Entries of the closed-day indicator cache: the configured number or {@link FactsCache#DEFAULT_ENTRIES}. */
    public int indicatorCache() {
        return indicatorCacheEntries == null ? FactsCache.DEFAULT_ENTRIES : indicatorCacheEntries;
    }

    public CollectorConfig(
            HttpConfig http, Path inventory, GatewayConfig gateway, Thresholds thresholds, Path dataDir) {
        this(http, inventory, gateway, thresholds, dataDir, null);
    }

    /** Defaults everywhere: data in {@code dataDir}, no inventory. */
    public static CollectorConfig defaults(Path dataDir) {
        return new CollectorConfig(null, null, null, null, dataDir, null);
    }

    /** The θ values: the configured ones, or the shipped profile's defaults (0.90, 0.95). */
    @Override
    public Thresholds thresholds() {
        return thresholds == null ? Thresholds.defaults() : thresholds;
    }

    /** Whether collector.yaml sets {@code thresholds:} (then they override the default profile's θ). */
    public boolean thresholdsConfigured() {
        return thresholds != null;
    }

    /**
     * Reads collector.yaml. Every relative path in it is resolved against the folder of the file, never the working
     * directory: {@code inventory}, {@code district}, {@code inventories}, {@code data_dir}, {@code profiles}, {@code http.tls.keystore}, and in {@code
     * gateway:} the broker's {@code data_dir} and TLS/PEM files and an H2 {@code store.url} ({@code
     * jdbc:h2:file:./facts}); {@code ${file:...}} secrets too (by the YAML loader). In a {@code gateway:} section,
     * an embedded broker without {@code data_dir} keeps its files in {@code <data_dir>/broker} and a missing {@code
     * store} is the H2 file in {@code data_dir}, as without the section. Blocks on file I/O.
     *
     * @throws ConfigException naming file, line, column and field
     */
    public static CollectorConfig load(Path file) {
        Path base = file.toAbsolutePath().getParent();
        YamlConfig.Tree tree = YamlConfig.tree(file);
        if (tree.root() instanceof ObjectNode root && root.get("gateway") instanceof ObjectNode gateway) {
            JsonNode dir = root.get("data_dir");
            Path dataDir = base.resolve(dir != null && dir.isTextual() ? Path.of(dir.asText()) : DEFAULT_DATA_DIR);
            defaultGatewayFolders(gateway, dataDir);
        }
        CollectorConfig c = tree.bindRelativeTo(base, "", tree.root(), CollectorConfig.class);
        GatewayConfig gateway = c.gateway;
        if (gateway != null) {
            StoreConfig store = gateway.store();
            String url = resolveH2(store.url(), base);
            if (!url.equals(store.url())) {
                gateway = gateway.withStore(new StoreConfig(url, store.username(), store.password()));
            }
        }
        return new CollectorConfig(
                c.http,
                c.inventory,
                gateway,
                c.thresholds,
                base.resolve(c.dataDir),
                c.profiles,
                c.indicatorCacheEntries,
                c.district,
                c.inventories);
    }

    /** Fills what the gateway section leaves out from {@code dataDir}, as {@link GatewayConfig#defaults} does. */
    private static void defaultGatewayFolders(ObjectNode gateway, Path dataDir) {
        JsonNode broker = gateway.get("broker");
        if (broker == null || broker.isNull()) {
            broker = gateway.putObject("broker");
        }
        if (broker instanceof ObjectNode b) {
            JsonNode mode = b.get("mode");
            boolean embedded = mode == null
                    || mode.isNull()
                    || BrokerConfig.EMBEDDED.equalsIgnoreCase(mode.asText().trim());
            if (embedded && (b.get("data_dir") == null || b.get("data_dir").isNull())) {
                b.put("data_dir", dataDir.resolve("broker").toString());
            }
        }
        JsonNode store = gateway.get("store");
        if (store == null || store.isNull()) {
            StoreConfig h2 = StoreConfig.h2File(dataDir);
            gateway.putObject("store").put("url", h2.url()).put("username", h2.username());
        }
    }

    /**
     * An H2 file URL with a relative path ({@code jdbc:h2:file:./facts}, {@code jdbc:h2:./facts}) made absolute
     * against {@code base}; any other URL (PostgreSQL, {@code mem:}, {@code tcp:}, {@code ~/...}) unchanged.
     */
    static String resolveH2(String url, Path base) {
        String prefix = "jdbc:h2:";
        if (!url.startsWith(prefix)) {
            return url;
        }
        String rest = url.substring(prefix.length());
        String scheme = "";
        if (rest.startsWith("file:")) {
            scheme = "file:";
            rest = rest.substring(scheme.length());
        } else if (!(rest.startsWith("./") || rest.startsWith("../") || rest.startsWith(".\\"))) {
            return url;
        }
        int end = rest.indexOf(';');
        String file = end < 0 ? rest : rest.substring(0, end);
        if (file.isEmpty() || file.startsWith("~") || Path.of(file).isAbsolute()) {
            return url;
        }
        return prefix + scheme + base.resolve(file).normalize() + (end < 0 ? "" : rest.substring(end));
    }

    /** The gateway to start: the configured one, or the defaults in {@code dataDir}. */
    public GatewayConfig effectiveGateway() {
        return gateway != null ? gateway : GatewayConfig.defaults(dataDir);
    }

    public CollectorConfig withHttp(HttpConfig newHttp) {
        return new CollectorConfig(
                newHttp,
                inventory,
                gateway,
                thresholds,
                dataDir,
                profiles,
                indicatorCacheEntries,
                district,
                inventories);
    }

    public CollectorConfig withHttpPort(int port) {
        return withHttp(http.withPort(port));
    }

    public CollectorConfig withInventory(Path newInventory) {
        return new CollectorConfig(
                http,
                newInventory,
                gateway,
                thresholds,
                dataDir,
                profiles,
                indicatorCacheEntries,
                district,
                inventories);
    }

    public CollectorConfig withGateway(GatewayConfig newGateway) {
        return new CollectorConfig(
                http,
                inventory,
                newGateway,
                thresholds,
                dataDir,
                profiles,
                indicatorCacheEntries,
                district,
                inventories);
    }

    public CollectorConfig withThresholds(Thresholds newThresholds) {
        return new CollectorConfig(
                http,
                inventory,
                gateway,
                newThresholds,
                dataDir,
                profiles,
                indicatorCacheEntries,
                district,
                inventories);
    }

    public CollectorConfig withProfiles(Path newProfiles) {
        return new CollectorConfig(
                http,
                inventory,
                gateway,
                thresholds,
                dataDir,
                newProfiles,
                indicatorCacheEntries,
                district,
                inventories);
    }

    /** A district collector: the registry file and the folder of the inventories (null: under data_dir). */
    public CollectorConfig withDistrict(Path newDistrict, Path newInventories) {
        return new CollectorConfig(
                http, null, gateway, thresholds, dataDir, profiles, indicatorCacheEntries, newDistrict, newInventories);
    }

    public CollectorConfig withDataDir(Path newDataDir) {
        return new CollectorConfig(
                http,
                inventory,
                gateway,
                thresholds,
                newDataDir,
                profiles,
                indicatorCacheEntries,
                district,
                inventories);
    }
}
