package io.floorlink.sim.mqtt;

import io.floorlink.sim.scenario.Scenario;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How to run an {@link AssemblyLineSimulator}.
 *
 * @param url broker to publish to, {@code tcp://host[:1883]}, never null
 * @param stations number of stations, 1 to 99 (ids ST-01 .. ST-nn; the last one also runs the end-of-line test)
 * @param prefix topic prefix; station {@code ST-01} publishes {@code <prefix>/ST-01/data} and its status (and last
 *     will) on {@code <prefix>/ST-01/status}; e.g. {@code plant/asm1}
 * @param interval publish interval of every station, at least 10 ms
 * @param seed seed of the simulated behaviour
 * @param malformedRate share of data messages replaced by broken JSON, 0 to 1
 * @param clockSkew per station offset added to its payload timestamps (a wrong device clock); empty for none
 * @param username MQTT user, nullable (anonymous)
 * @param password MQTT password, nullable; never logged
 * @param scenario events to play from the start (power_off drops a station with its last will, server_stop and
 *     server_start disconnect and reconnect every station), or null
 */
public record AssemblyLineOptions(
        URI url,
        int stations,
        String prefix,
        Duration interval,
        long seed,
        double malformedRate,
        Map<String, Duration> clockSkew,
        String username,
        String password,
        Scenario scenario) {

    public AssemblyLineOptions {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("tcp") || url.getHost() == null) {
            throw new IllegalArgumentException("url: '" + url + "' must be tcp://host:port");
        }
        if (stations < 1 || stations > 99) {
            throw new IllegalArgumentException("stations: must be 1..99, was " + stations);
        }
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.isBlank() || prefix.contains("+") || prefix.contains("#") || prefix.endsWith("/")) {
            throw new IllegalArgumentException(
                    "prefix: a topic without wildcards or trailing '/', was '" + prefix + "'");
        }
        Objects.requireNonNull(interval, "interval");
        if (interval.compareTo(Duration.ofMillis(10)) < 0) {
            throw new IllegalArgumentException("interval: must be at least 10ms, was " + interval.toMillis() + "ms");
        }
        if (malformedRate < 0 || malformedRate > 1) {
            throw new IllegalArgumentException("malformed-rate: must be 0..1, was " + malformedRate);
        }
        clockSkew = clockSkew == null ? Map.of() : Map.copyOf(clockSkew);
        for (String s : clockSkew.keySet()) {
            if (!AssemblyLineSimulator.stationIdsFor(stations).contains(s)) {
                throw new IllegalArgumentException("skew: unknown station '" + s + "'");
            }
        }
        if (password != null && username == null) {
            throw new IllegalArgumentException("username: required with password");
        }
    }

    /** 10 stations, prefix plant/asm1, 1 s interval, seed 1, no faults, anonymous. */
    public static AssemblyLineOptions defaults(URI url) {
        return new AssemblyLineOptions(url, 10, "plant/asm1", Duration.ofSeconds(1), 1, 0, Map.of(), null, null, null);
    }

    public AssemblyLineOptions withStations(int n) {
        return new AssemblyLineOptions(
                url, n, prefix, interval, seed, malformedRate, clockSkew, username, password, scenario);
    }

    public AssemblyLineOptions withPrefix(String p) {
        return new AssemblyLineOptions(
                url, stations, p, interval, seed, malformedRate, clockSkew, username, password, scenario);
    }

    public AssemblyLineOptions withInterval(Duration i) {
        return new AssemblyLineOptions(
                url, stations, prefix, i, seed, malformedRate, clockSkew, username, password, scenario);
    }

    public AssemblyLineOptions withMalformedRate(double r) {
        return new AssemblyLineOptions(
                url, stations, prefix, interval, seed, r, clockSkew, username, password, scenario);
    }

    public AssemblyLineOptions withClockSkew(Map<String, Duration> skew) {
        return new AssemblyLineOptions(
                url, stations, prefix, interval, seed, malformedRate, skew, username, password, scenario);
    }

    /** Same options connecting as {@code user} with {@code pw} (nullable: anonymous). */
    public AssemblyLineOptions withCredentials(String user, String pw) {
        return new AssemblyLineOptions(
                url, stations, prefix, interval, seed, malformedRate, clockSkew, user, pw, scenario);
    }

    public AssemblyLineOptions withScenario(Scenario s) {
        return new AssemblyLineOptions(
                url, stations, prefix, interval, seed, malformedRate, clockSkew, username, password, s);
    }

    @Override
    public String toString() {
        return "AssemblyLineOptions[url=" + url + ", stations=" + stations + ", prefix=" + prefix + ", interval="
                + interval + ", username=" + username + ", password=" + (password == null ? "null" : "***") + "]";
    }
}
