package io.floorlink.sim.scenario;

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
}
