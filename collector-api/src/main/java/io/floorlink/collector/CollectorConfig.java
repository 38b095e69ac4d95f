package io.floorlink.collector;

import io.floorlink.collector.indicators.FactsCache;
import io.floorlink.collector.indicators.Thresholds;
import io.floorlink.gateway.GatewayConfig;
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
 * @param dataDir folder for the default gateway's broker and H2 files; null means {@code ./data}
 * @param profiles folder of extra acceptance profiles ({@code *.yaml}); null means only the shipped one
 * @param indicatorCacheEntries entries of the closed-day indicator cache (key {@code indicator_cache_entries}, about
 *     2 KB each, one or two per equipment and day of a report); 0 turns it off; null means
 *     {@link FactsCache#DEFAULT_ENTRIES}
 */
public record CollectorConfig(
        HttpConfig http,
        Path inventory,
        GatewayConfig gateway,
        Thresholds thresholds,
        Path dataDir,
        Path profiles,
        Integer indicatorCacheEntries) {

    public static final Path DEFAULT_DATA_DIR = Path.of("data");

    public CollectorConfig {
        http = http == null ? HttpConfig.defaults() : http;
        dataDir = dataDir == null ? DEFAULT_DATA_DIR : dataDir;
        if (indicatorCacheEntries != null && indicatorCacheEntries < 0) {
            throw new IllegalArgumentException(
                    "indicator_cache_entries must be 0 (off) or more but was " + indicatorCacheEntries);
        }
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
     * Reads collector.yaml. Relative {@code inventory} and {@code data_dir} paths are resolved against the
     * folder of the file. Blocks on file I/O.
     *
     * @throws ConfigException naming file, line, column and field
     */
    public static CollectorConfig load(Path file) {
        CollectorConfig c = YamlConfig.load(file, CollectorConfig.class);
        Path base = file.toAbsolutePath().getParent();
        HttpConfig http = c.http;
        if (http.tls() != null) {
            http = http.withTls(new HttpConfig.Tls(
                    base.resolve(http.tls().keystore()), http.tls().keystorePassword()));
        }
        return new CollectorConfig(
                http,
                c.inventory == null ? null : base.resolve(c.inventory),
                c.gateway,
                c.thresholds,
                base.resolve(c.dataDir),
                c.profiles == null ? null : base.resolve(c.profiles),
                c.indicatorCacheEntries);
    }

    /** The gateway to start: the configured one, or the defaults in {@code dataDir}. */
    public GatewayConfig effectiveGateway() {
        return gateway != null ? gateway : GatewayConfig.defaults(dataDir);
    }

    public CollectorConfig withHttp(HttpConfig newHttp) {
        return new CollectorConfig(newHttp, inventory, gateway, thresholds, dataDir, profiles, indicatorCacheEntries);
    }

    public CollectorConfig withHttpPort(int port) {
        return withHttp(http.withPort(port));
    }

    public CollectorConfig withInventory(Path newInventory) {
        return new CollectorConfig(http, newInventory, gateway, thresholds, dataDir, profiles, indicatorCacheEntries);
    }

    public CollectorConfig withGateway(GatewayConfig newGateway) {
        return new CollectorConfig(http, inventory, newGateway, thresholds, dataDir, profiles, indicatorCacheEntries);
    }

    public CollectorConfig withThresholds(Thresholds newThresholds) {
        return new CollectorConfig(http, inventory, gateway, newThresholds, dataDir, profiles, indicatorCacheEntries);
    }

    public CollectorConfig withProfiles(Path newProfiles) {
        return new CollectorConfig(http, inventory, gateway, thresholds, dataDir, newProfiles, indicatorCacheEntries);
    }

    public CollectorConfig withDataDir(Path newDataDir) {
        return new CollectorConfig(http, inventory, gateway, thresholds, newDataDir, profiles, indicatorCacheEntries);
    }
}
