package io.floorlink.edge.connector;

import io.floorlink.edge.config.ConnectorConfig;
import io.floorlink.edge.connector.modbus.ModbusConnector;
import io.floorlink.edge.connector.modbus.ModbusConnectorConfig;
import io.floorlink.edge.connector.mqtt.MqttConnector;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig;
import io.floorlink.edge.connector.opcua.OpcUaConnector;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig;
import io.micrometer.core.instrument.MeterRegistry;

/** Builds the connector of each configured protocol. */
public final class Connectors {
    private Connectors() {}

    /**
     * A new, not yet started connector for {@code config}. Does not connect.
     *
     * @throws IllegalArgumentException for a connector type this agent does not support
     */
    public static Connector create(ConnectorConfig config, MeterRegistry registry) {
        if (config instanceof OpcUaConnectorConfig opc) {
            return new OpcUaConnector(opc, registry);
        }
        if (config instanceof ModbusConnectorConfig modbus) {
            return new ModbusConnector(modbus, registry);
        }
        if (config instanceof MqttConnectorConfig mqtt) {
            return new MqttConnector(mqtt, registry);
        }
        throw new IllegalArgumentException("connector '" + config.name() + "': unsupported type "
                + config.getClass().getSimpleName());
    }
}
