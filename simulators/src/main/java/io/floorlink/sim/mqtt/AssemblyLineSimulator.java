package io.floorlink.sim.mqtt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.floorlink.sim.scenario.FaultParams;
import io.floorlink.sim.scenario.ScenarioRunner;
import io.floorlink.sim.scenario.ScenarioTarget;
import io.floorlink.sparkplug.mqtt.MqttClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An appliance assembly line whose stations publish JSON to an MQTT broker, one MQTT 5 client per station, each
 * with a retained last will {@code offline} on its status topic and a retained {@code online} after every connect.
 *
 * <p>Data payload of {@code <prefix>/<station>/data}, every interval:
 *
 * <pre>{@code
 * {"ts":1772323200250,"station":"ST-01","state":"RUNNING","cycle_time_s":4.8,
 *  "counts":{"ok":120,"ng":3},"energy_kwh":1.234,
 *  "test":{"result":"PASS","values":{"leak_rate":{"value":0.8,"low":0.0,"high":2.0,"unit":"Pa/s"},...}}}
 * }</pre>
 *
 * {@code test} is present on the last station only (the end-of-line tester). {@code ts} is epoch milliseconds of
 * the station's clock (the real time plus its configured skew). States: IDLE, RUNNING, BLOCKED, FAULT.
 *
 * <p>Faults: {@link #setSilent} (connected but publishing nothing), {@link #setStationPower} off (the connection
 * drops and the broker publishes the last will), {@link #setClockSkew}, {@link #publishMalformed}, {@link #burst},
 * a malformed-message rate, and {@link #stopServer}/{@link #startServer} (every station disconnects / reconnects).
 * Stations reconnect by themselves after a broker restart. Thread-safe.
 */
public final class AssemblyLineSimulator implements ScenarioTarget, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AssemblyLineSimulator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MqttClients.Reconnect RECONNECT =
            new MqttClients.Reconnect(Duration.ofMillis(200), Duration.ofSeconds(5));

    private final AssemblyLineOptions options;
    private final Map<String, Station> stations = new LinkedHashMap<>();
    private final ScheduledExecutorService ticker;
    private final SplittableRandom random;
    private final LongAdder published = new LongAdder();
    private final ScenarioRunner scenario;

    private AssemblyLineSimulator(AssemblyLineOptions options) {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
        List<String> ids = stationIdsFor(options.stations());
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            stations.put(
                    id, new Station(id, i == ids.size() - 1, options.clockSkew().getOrDefault(id, Duration.ZERO)));
        }
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "floorlink-sim-mqtt");
            t.setDaemon(true);
            return t;
        });
        stations.values().forEach(Station::connect);
        long ms = options.interval().toMillis();
        ticker.scheduleAtFixedRate(this::tick, ms, ms, TimeUnit.MILLISECONDS);
        this.scenario = options.scenario() == null ? null : ScenarioRunner.start(options.scenario(), this);
    }

    /**
     * Starts the stations: each connects in the background (retrying with backoff while the broker is
     * unreachable) and publishes every interval once connected. Does not block.
     *
     * @throws IllegalArgumentException when the scenario names an unknown station
     */
    public static AssemblyLineSimulator start(AssemblyLineOptions options) {
        if (options.scenario() != null) {
            options.scenario().requireKnownStations(stationIdsFor(options.stations()));
        }
        return new AssemblyLineSimulator(options);
    }

    /** Station ids ST-01 .. ST-nn. */
    public static List<String> stationIdsFor(int count) {
        List<String> ids = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            ids.add(String.format("ST-%02d", i));
        }
        return ids;
    }

    public List<String> stationIds() {
        return List.copyOf(stations.keySet());
    }

    /** {@code <prefix>/<station>/data}. */
    public String dataTopic(String station) {
        return options.prefix() + "/" + station + "/data";
    }

    /** {@code <prefix>/<station>/status}: retained {@code online}, last will {@code offline}. */
    public String statusTopic(String station) {
        return options.prefix() + "/" + station + "/status";
    }

    /** The station ids that are connected to the broker right now. */
    public List<String> connectedStations() {
        return stations.values().stream()
                .filter(s -> s.client.getState().isConnected())
                .map(s -> s.id)
                .toList();
    }

    /** Data messages handed to the MQTT client so far (good, malformed and burst). */
    public long messagesPublished() {
        return published.sum();
    }

    /** Stops (true) or resumes (false) the station's data messages; its connection stays up. */
    public void setSilent(String station, boolean silent) {
        station(station).silent = silent;
    }

    /** Sets the offset of the station's clock: its payload timestamps are real time plus {@code skew}. */
    public void setClockSkew(String station, Duration skew) {
        station(station).skew = skew;
    }

    /** Publishes one truncated JSON message on the station's data topic. */
    public void publishMalformed(String station) {
        station(station).publish("{\"ts\":" + System.currentTimeMillis() + ",\"state\":\"RUNN");
    }

    /** Publishes {@code count} data messages of the station back to back. */
    public void burst(String station, int count) {
        Station s = station(station);
        for (int i = 0; i < count; i++) {
            s.publish(s.payload(Instant.now()));
        }
    }

    /** Power off: the station's connection drops and the broker publishes its last will; power on reconnects. */
    @Override
    public void setStationPower(String stationId, boolean on) {
        Station s = station(stationId);
        if (on) {
            s.powered = true;
            s.connect();
        } else {
            s.powered = false;
            s.dropWithWill();
        }
    }

    /**
     * Scenario faults: {@code silent} (data stops, the connection stays) until cleared; {@code malformed} with
     * {@code count} truncated JSON messages; {@code clock_skew} with {@code skew} (e.g. {@code -5m}) until cleared;
     * {@code burst} with {@code count} messages back to back.
     */
    @Override
    public Set<String> faults() {
        return Set.of("silent", "malformed", "clock_skew", "burst");
    }

    @Override
    public void fault(String stationId, String fault, Map<String, String> params, boolean on) {
        switch (fault) {
            case "silent" -> setSilent(stationId, on);
            case "clock_skew" -> setClockSkew(stationId, on ? FaultParams.duration(params, "skew") : Duration.ZERO);
            case "malformed" ->
                FaultParams.once(fault, on, () -> {
                    for (int i = 0; i < FaultParams.integer(params, "count"); i++) {
                        publishMalformed(stationId);
                    }
                });
            case "burst" -> FaultParams.once(fault, on, () -> burst(stationId, FaultParams.integer(params, "count")));
            default -> ScenarioTarget.super.fault(stationId, fault, params, on);
        }
    }

    /** Every powered station drops its connection (with its last will), as in a network outage. */
    @Override
    public void stopServer() {
        stations.values().forEach(Station::dropWithWill);
    }

    /** Every powered station connects again. */
    @Override
    public void startServer() {
        stations.values().stream().filter(s -> s.powered).forEach(Station::connect);
    }

    /** Stops publishing and drops every station with its last will (the broker publishes {@code offline}). */
    @Override
    public void close() {
        if (scenario != null) {
            scenario.close();
        }
        ticker.shutdownNow();
        for (Station s : stations.values()) {
            s.powered = false;
            s.dropWithWill();
        }
    }

    private Station station(String id) {
        Station s = stations.get(id);
        if (s == null) {
            throw new IllegalArgumentException("unknown station '" + id + "' (stations: " + stations.keySet() + ")");
        }
        return s;
    }

    private void tick() {
        try {
            double dt = options.interval().toMillis() / 1000.0;
            Instant now = Instant.now();
            for (Station s : stations.values()) {
                s.step(dt);
                if (!s.powered || s.silent) {
                    continue;
                }
                if (options.malformedRate() > 0 && random.nextDouble() < options.malformedRate()) {
                    s.publish("{\"ts\":" + now.toEpochMilli() + ",\"state\":");
                } else {
                    s.publish(s.payload(now));
                }
            }
        } catch (RuntimeException e) {
            log.warn("assembly line tick failed: {}", e.toString());
        }
    }

    private final class Station {
        final String id;
        final boolean endOfLine;
        final Mqtt5AsyncClient client;
        final Map<String, Double> lastTest = new ConcurrentHashMap<>();
        volatile Duration skew;
        volatile boolean silent;
        volatile boolean powered = true;
        String state = "IDLE";
        double cycleTime = 5.0;
        double lastCycleTime;
        double progress;
        long ok;
        long ng;
        double energyKwh;
        boolean lastPassed = true;

        Station(String id, boolean endOfLine, Duration skew) {
            this.id = id;
            this.endOfLine = endOfLine;
            this.skew = skew;
            Mqtt5ClientBuilder b = MqttClients.v5(
                    MqttClients.builder(
                                    options.url(),
                                    "floorlink-sim-" + options.prefix().replaceAll("[^A-Za-z0-9]", "-") + "-" + id,
                                    RECONNECT,
                                    null)
                            .addConnectedListener(ctx -> announceOnline()),
                    options.username(),
                    options.password());
            this.client = b.willPublish()
                    .topic(statusTopic(id))
                    .payload("offline".getBytes(StandardCharsets.UTF_8))
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .retain(true)
                    .applyWillPublish()
                    .buildAsync();
        }

        void connect() {
            if (client.getState().isConnectedOrReconnect()) {
                return;
            }
            client.connectWith().cleanStart(true).keepAlive(10).send().whenComplete((ack, e) -> {
                if (e != null) {
                    log.warn("station {}: broker {} not reachable yet ({}); retrying", id, options.url(), e.toString());
                }
            });
        }

        void dropWithWill() {
            if (client.getState().isConnectedOrReconnect()) {
                client.disconnectWith()
                        .reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE)
                        .send();
            }
        }

        private void announceOnline() {
            client.publishWith()
                    .topic(statusTopic(id))
                    .payload("online".getBytes(StandardCharsets.UTF_8))
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .retain(true)
                    .send();
        }

        void publish(String payload) {
            if (!client.getState().isConnected()) {
                return;
            }
            published.increment();
            client.publishWith()
                    .topic(dataTopic(id))
                    .payload(payload.getBytes(StandardCharsets.UTF_8))
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
        }

        /** Advances the station by {@code dt} seconds; on the ticker thread. */
        synchronized void step(double dt) {
            double r = random.nextDouble();
            switch (state) {
                case "IDLE" -> state = "RUNNING";
                case "RUNNING" -> state = r < 0.005 ? "FAULT" : r < 0.025 ? "BLOCKED" : "RUNNING";
                case "BLOCKED" -> state = r < 0.3 ? "RUNNING" : "BLOCKED";
                case "FAULT" -> state = r < 0.1 ? "RUNNING" : "FAULT";
                default -> state = "IDLE";
            }
            double kw =
                    switch (state) {
                        case "RUNNING" -> 2.5;
                        case "FAULT" -> 0.1;
                        default -> 0.4;
                    };
            energyKwh += kw * dt / 3600.0;
            if (!state.equals("RUNNING")) {
                return;
            }
            progress += dt;
            if (progress >= cycleTime) {
                lastCycleTime = cycleTime;
                progress = 0;
                cycleTime = Math.max(3.0, 5.0 + random.nextDouble(-0.8, 0.8));
                boolean good;
                if (endOfLine) {
                    double leak = Math.max(0, 0.8 + random.nextDouble(-0.9, 1.4));
                    double insulation = 150 + random.nextDouble(-60, 40);
                    lastTest.put("leak_rate", leak);
                    lastTest.put("insulation_mohm", insulation);
                    good = leak <= 2.0 && insulation >= 100;
                    lastPassed = good;
                } else {
                    good = random.nextDouble() >= 0.03;
                }
                if (good) {
                    ok++;
                } else {
                    ng++;
                }
            }
        }

        synchronized String payload(Instant now) {
            ObjectNode n = JSON.createObjectNode();
            n.put("ts", now.plus(skew).toEpochMilli());
            n.put("station", id);
            n.put("state", state);
            n.put("cycle_time_s", Math.round(lastCycleTime * 100) / 100.0);
            ObjectNode counts = n.putObject("counts");
            counts.put("ok", ok);
            counts.put("ng", ng);
            n.put("energy_kwh", Math.round(energyKwh * 10000) / 10000.0);
            if (endOfLine) {
                ObjectNode test = n.putObject("test");
                test.put("result", lastPassed ? "PASS" : "FAIL");
                ObjectNode values = test.putObject("values");
                limit(values, "leak_rate", lastTest.getOrDefault("leak_rate", 0.0), 0.0, 2.0, "Pa/s");
                limit(values, "insulation_mohm", lastTest.getOrDefault("insulation_mohm", 0.0), 100.0, null, "MOhm");
            }
            return n.toString();
        }

        private static void limit(ObjectNode values, String name, double value, Double low, Double high, String unit) {
            ObjectNode v = values.putObject(name);
            v.put("value", Math.round(value * 1000) / 1000.0);
            if (low != null) {
                v.put("low", low);
            }
            if (high != null) {
                v.put("high", high);
            }
            v.put("unit", unit);
        }
    }
}
