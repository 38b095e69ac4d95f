package io.floorlink.edge.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.floorlink.edge.connector.modbus.ModbusConnectorConfig;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig;

/** One entry of {@code connectors:}; {@code type} selects the protocol. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = OpcUaConnectorConfig.class, name = "opcua"),
    @JsonSubTypes.Type(value = ModbusConnectorConfig.class, name = "modbus"),
    @JsonSubTypes.Type(value = MqttConnectorConfig.class, name = "mqtt")
})
public interface ConnectorConfig {

    /** Connector name, unique within the agent. */
    String name();
}
