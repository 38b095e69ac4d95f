package io.floorlink.edge.connector.opcua;

import io.floorlink.edge.config.ConnectorConfig;
import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.connector.Connector;
import io.floorlink.edge.connector.ConnectorType;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** The `opcua` connector type (see this package's README.md). */
public final class OpcUaConnectorType implements ConnectorType {

    @Override
    public String name() {
        return "opcua";
    }

    @Override
    public Class<OpcUaConnectorConfig> configClass() {
        return OpcUaConnectorConfig.class;
    }

    @Override
    public Connector create(ConnectorConfig config, MeterRegistry registry) {
        return new OpcUaConnector((OpcUaConnectorConfig) config, registry);
    }

    @Override
    public List<EdgeConfig.DeviceOutline> devices(ConnectorConfig config) {
        return ((OpcUaConnectorConfig) config)
                .devices().stream()
                        .map(d -> new EdgeConfig.DeviceOutline(
                                config.name(), name(), d.id(), d.points().size()))
                        .toList();
    }
}
