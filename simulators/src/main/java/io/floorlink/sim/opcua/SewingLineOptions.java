package io.floorlink.sim.opcua;

import io.floorlink.sim.scenario.Scenario;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run a {@link SewingLineSimulator}.
 *
 * @param host address to bind, e.g. "127.0.0.1"; "0.0.0.0" listens on every interface
 * @param port TCP port, 0 to pick a free one (read it back with {@link SewingLineSimulator#port()})
 * @param stations number of stations, 1 to 99 (ids SEW-01 .. SEW-99)
 * @param line line name, first part of every node id and the folder under Objects, e.g. "Line1"
 * @param seed seed of the simulated behaviour; the same seed gives the same sequence of states per tick
 * @param tick simulation step, at least 10 ms
 * @param scenario events to play from the start, or null for none
 * @param limits operation limits the server advertises and enforces; null for {@link SewingLineLimits#NONE}
 * @param loadPoints Double variables {@code <line>.Load.P000001..} beside the stations whose values all change at
 *     every tick (a load generator: {@code loadPoints / tick} changes per second), 0 to {@link #MAX_LOAD_POINTS}
 */
public record SewingLineOptions(
        String host,
        int port,
        int stations,
        String line,
        long seed,
        Duration tick,
        Scenario scenario,
        SewingLineLimits limits,
        int loadPoints) {
    /** Most {@link #loadPoints}. */
    public static final int MAX_LOAD_POINTS = 1_000_000;

    /** Options without operation limits of our own. */
    public SewingLineOptions(
            String host, int port, int stations, String line, long seed, Duration tick, Scenario scenario) {
        this(host, port, stations, line, seed, tick, scenario, SewingLineLimits.NONE, 0);
    }

    /** Validates the options; throws {@link IllegalArgumentException} naming the bad field. */
    public SewingLineOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(line, "line");
        Objects.requireNonNull(tick, "tick");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host: must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: must be 0..65535, was " + port);
        }
        if (stations < 1 || stations > 99) {
            throw new IllegalArgumentException("stations: must be 1..99, was " + stations);
        }
        if (!line.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("line: letters, digits, '_' and '-' only, was '" + line + "'");
        }
        if (tick.compareTo(Duration.ofMillis(10)) < 0) {
            throw new IllegalArgumentException("tick: must be at least 10ms, was " + tick.toMillis() + "ms");
        }
        if (loadPoints < 0 || loadPoints > MAX_LOAD_POINTS) {
            throw new IllegalArgumentException("load-points: must be 0.." + MAX_LOAD_POINTS + ", was " + loadPoints);
        }
        limits = limits == null ? SewingLineLimits.NONE : limits;
    }

    /** 127.0.0.1, port 0, 12 stations, "Line1", seed 1, tick 200 ms, no scenario. */
    public static SewingLineOptions defaults() {
        return new SewingLineOptions("127.0.0.1", 0, 12, "Line1", 1L, Duration.ofMillis(200), null);
    }

    /** A copy with another bind address. */
    public SewingLineOptions withHost(String host) {
        return new SewingLineOptions(host, port, stations, line, seed, tick, scenario, limits, loadPoints);
    }

    /** A copy with another port (0 = any free port). */
    public SewingLineOptions withPort(int port) {
        return new SewingLineOptions(host, port, stations, line, seed, tick, scenario, limits, loadPoints);
    }

    /** A copy with another number of stations. */
    public SewingLineOptions withStations(int stations) {
        return new SewingLineOptions(host, port, stations, line, seed, tick, scenario, limits, loadPoints);
    }

    /** A copy with another line name. */
    public SewingLineOptions withLine(String line) {
        return new SewingLineOptions(host, port, stations, line, seed, tick, scenario, limits, loadPoints);
    }

    /** A copy with another seed. */
    public SewingLineOptions withSeed(long seed) {
        return new SewingLineOptions(host, port, stations, line, seed, tick, scenario, limits, loadPoints);
    }

    /** A copy with another simulation step. */
    public SewingLineOptions withTick(Duration tick) {
        return new SewingLineOptions(host, port, stations, line, seed, tick, scenario, limits, loadPoints);
    }

    /** A copy with a scenario (null for none). */
    public SewingLineOptions withScenario(Scenario scenario) {
        return new SewingLineOptions(host, port, stations, line, seed, tick, scenario, limits, loadPoints);
    }

    /** A copy with {@code loadPoints} load variables (0 for none). */
    public SewingLineOptions withLoadPoints(int loadPoints) {
        return new SewingLineOptions(host, port, stations, line, seed, tick, scenario, limits, loadPoints);
    }

    /** A copy with other operation limits (null for none). */
    public SewingLineOptions withLimits(SewingLineLimits limits) {
        return new SewingLineOptions(host, port, stations, line, seed, tick, scenario, limits, loadPoints);
    }
}
