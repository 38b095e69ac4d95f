package io.floorlink.edge.connector.mqtt;

import io.floorlink.edge.config.ConnectorConfig;
import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.connector.Connector;
import io.floorlink.edge.connector.ConnectorType;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** The `mqtt` connector type (see this package's README.md). */
public final class MqttConnectorType implements ConnectorType {

    @Override
    public String name() {
        return "mqtt";
    }

    @Override
    public Class<MqttConnectorConfig> configClass() {
        return MqttConnectorConfig.class;
    }

    @Override
    public Connector create(ConnectorConfig config, MeterRegistry registry) {
        return new MqttConnector((MqttConnectorConfig) config, registry);
    }

    @Override
    public List<EdgeConfig.DeviceOutline> devices(ConnectorConfig config) {
        return ((MqttConnectorConfig) config)
                .devices().stream()
                        .flatMap(d -> d.deviceIds().stream()
                                .map(id -> new EdgeConfig.DeviceOutline(
                                        config.name(), name(), id, d.points().size())))
                        .toList();
    }
}
