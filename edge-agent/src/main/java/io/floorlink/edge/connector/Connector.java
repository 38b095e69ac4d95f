package io.floorlink.edge.connector;

import java.util.List;

/**
 * One connection to equipment (an OPC UA server, a Modbus TCP endpoint, an MQTT broker) and the devices
 * behind it. Two implementations at least, one per protocol package.
 */
public interface Connector extends AutoCloseable {

    /** Configured connector name, unique within the edge agent. */
    String name();

    /** Equipment ids of the devices behind this connector, in configuration order. */
    List<String> deviceIds();

    /**
     * Starts connecting in the background and returns at once. An unreachable peer is retried with
     * exponential backoff and jitter, never fatal. Results go to {@code sink}.
     */
    void start(DeviceSink sink);

    /** Stops, releasing connections and threads; blocks up to a few seconds. */
    @Override
    void close();
}
