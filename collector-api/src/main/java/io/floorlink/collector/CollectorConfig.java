package io.floorlink.collector;

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
 * @param thresholds parameters of networked; null means θ_online 0.90, θ_complete 0.95
 * @param dataDir folder for the default gateway's broker and H2 files; null means {@code ./data}
 */
public record CollectorConfig(
        HttpConfig http, Path inventory, GatewayConfig gateway, Thresholds thresholds, Path dataDir) {

    public static final Path DEFAULT_DATA_DIR = Path.of("data");

    public CollectorConfig {
        http = http == null ? HttpConfig.defaults() : http;
        thresholds = thresholds == null ? Thresholds.defaults() : thresholds;
        dataDir = dataDir == null ? DEFAULT_DATA_DIR : dataDir;
    }

    /** Defaults everywhere: data in {@code dataDir}, no inventory. */
    public static CollectorConfig defaults(Path dataDir) {
        return new CollectorConfig(null, null, null, null, dataDir);
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
        return new CollectorConfig(
                c.http,
                c.inventory == null ? null : base.resolve(c.inventory),
                c.gateway,
                c.thresholds,
                base.resolve(c.dataDir));
    }

    /** The gateway to start: the configured one, or the defaults in {@code dataDir}. */
    public GatewayConfig effectiveGateway() {
        return gateway != null ? gateway : GatewayConfig.defaults(dataDir);
    }

    public CollectorConfig withHttp(HttpConfig newHttp) {
        return new CollectorConfig(newHttp, inventory, gateway, thresholds, dataDir);
    }

    public CollectorConfig withHttpPort(int port) {
        return withHttp(http.withPort(port));
    }

    public CollectorConfig withInventory(Path newInventory) {
        return new CollectorConfig(http, newInventory, gateway, thresholds, dataDir);
    }

    public CollectorConfig withGateway(GatewayConfig newGateway) {
        return new CollectorConfig(http, inventory, newGateway, thresholds, dataDir);
    }

    public CollectorConfig withThresholds(Thresholds newThresholds) {
        return new CollectorConfig(http, inventory, gateway, newThresholds, dataDir);
    }

    public CollectorConfig withDataDir(Path newDataDir) {
        return new CollectorConfig(http, inventory, gateway, thresholds, newDataDir);
    }
}
