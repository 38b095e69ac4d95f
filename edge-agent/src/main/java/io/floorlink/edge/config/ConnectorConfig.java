package io.floorlink.edge.config;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.annotation.JsonTypeIdResolver;

/**
 * One entry of {@code connectors:}; {@code type} selects the protocol, one of the registered {@link
 * io.floorlink.edge.connector.ConnectorType}s.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonTypeIdResolver(ConnectorTypeIdResolver.class)
public interface ConnectorConfig {

    /** Connector name, unique within the agent. */
    String name();
}
