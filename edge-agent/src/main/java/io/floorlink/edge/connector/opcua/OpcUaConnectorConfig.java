package io.floorlink.edge.connector.opcua;

import io.floorlink.edge.config.ConnectorConfig;
import io.floorlink.sparkplug.Category;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * {@code type: opcua} connector: one OPC UA server and the devices whose nodes it serves. See this package's
 * README.md for every key.
 */
public record OpcUaConnectorConfig(String name, URI endpoint, Security security, List<Device> devices)
        implements ConnectorConfig {

    /** {@code security:} mode none | sign | sign_and_encrypt; username/password optional (secrets via ${ENV}). */
    public record Security(String mode, String policy, String username, String password) {}

    /** One device (equipment) served by this OPC UA server. */
    public record Device(String id, List<Point> points) {}

    /**
     * One point: a node id string ({@code ns=2;s=...}), category, sampling interval; optional unit, eng range,
     * datatype (resolved from the server when absent) and queue size.
     */
    public record Point(
            String id,
            String node,
            Category category,
            Duration interval,
            String unit,
            Double engLow,
            Double engHigh,
            String type,
            Integer queueSize) {}
}
