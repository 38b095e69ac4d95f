package io.floorlink.edge.connector;

import io.floorlink.edge.config.ConnectorConfig;
import io.floorlink.edge.config.EdgeConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * A protocol the edge agent reads, registered for {@link java.util.ServiceLoader} in {@code
 * META-INF/services/io.floorlink.edge.connector.ConnectorType} and found through {@link ConnectorTypes}. Its
 * configuration record is the {@code connectors:} entry whose {@code type:} is {@link #name()}; its sample
 * configuration is {@code sample.yaml} in the package of that record.
 */
public interface ConnectorType {

    /** The {@code type:} of its connectors, lowercase, e.g. {@code opcua}. */
    String name();

    /** The configuration record of its connectors. */
    Class<? extends ConnectorConfig> configClass();

    /**
     * A new, not yet started connector. Does not connect or block.
     *
     * @param config an instance of {@link #configClass()}
     */
    Connector create(ConnectorConfig config, MeterRegistry registry);

    /**
     * Its devices as configured, in configuration order.
     *
     * @param config an instance of {@link #configClass()}
     */
    List<EdgeConfig.DeviceOutline> devices(ConnectorConfig config);
}
