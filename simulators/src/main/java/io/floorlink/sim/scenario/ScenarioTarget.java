package io.floorlink.sim.scenario;

import java.util.Map;
import java.util.Set;

/**
 * The simulated plant a {@link ScenarioRunner} acts on. Each simulator (OPC UA, Modbus, MQTT) implements it.
 * Methods are called from the runner's own thread, one at a time, and may block briefly.
 */
public interface ScenarioTarget {

    /**
     * Powers a station on or off.
     *
     * @param stationId a station of the plant
     * @param on true to power on
     */
    void setStationPower(String stationId, boolean on);

    /** Stops the simulator's server; the plant keeps its state. Does nothing when already stopped. */
    void stopServer();

    /** Starts the server again on the same address and port. Does nothing when already running. */
    void startServer();

    /** The fault names this simulator accepts in {@code fault} and {@code clear} events; none by default. */
    default Set<String> faults() {
        return Set.of();
    }

    /**
     * Starts ({@code on}) or ends a fault on one station.
     *
     * @param params the event's parameters as written
     * @throws IllegalArgumentException for an unknown fault, a fault that cannot be cleared, or a bad parameter,
     *     naming it
     */
    default void fault(String stationId, String fault, Map<String, String> params, boolean on) {
        throw new IllegalArgumentException("fault '" + fault + "' is not supported by this simulator");
    }
}
