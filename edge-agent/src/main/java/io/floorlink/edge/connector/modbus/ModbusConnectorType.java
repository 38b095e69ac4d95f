package io.floorlink.edge.connector.modbus;

import io.floorlink.edge.config.ConnectorConfig;
import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.connector.Connector;
import io.floorlink.edge.connector.ConnectorType;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** The `modbus` connector type (see this package's README.md). */
public final class ModbusConnectorType implements ConnectorType {

    @Override
    public String name() {
        return "modbus";
    }

    @Override
    public Class<ModbusConnectorConfig> configClass() {
        return ModbusConnectorConfig.class;
    }

    @Override
    public Connector create(ConnectorConfig config, MeterRegistry registry) {
        return new ModbusConnector((ModbusConnectorConfig) config, registry);
    }

    @Override
    public List<EdgeConfig.DeviceOutline> devices(ConnectorConfig config) {
        return ((ModbusConnectorConfig) config)
                .devices().stream()
                        .map(d -> new EdgeConfig.DeviceOutline(
                                config.name(), name(), d.id(), d.points().size()))
                        .toList();
    }
}
