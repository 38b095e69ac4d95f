package io.floorlink.sim.modbus;

import io.floorlink.sim.scenario.FaultParams;
import io.floorlink.sim.scenario.Scenario;
import io.floorlink.sim.scenario.ScenarioRunner;
import io.floorlink.sim.scenario.ScenarioTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hall of simulated injection-molding machines, one Modbus TCP endpoint each ({@code IMM-01}, {@code IMM-02},
 * ...). Machines advance every {@code tick} on a daemon thread. As a {@link ScenarioTarget}: power_off makes a
 * machine refuse connections (and drops the open ones), power_on restores it; server_stop / server_start unbind and
 * rebind every endpoint on the same ports.
 */
public final class MoldingMachineSimulator implements ScenarioTarget, AutoCloseable {
    private final List<MachineEndpoint> endpoints;
    private final ScheduledExecutorService ticker;
    private final ExecutorService requests;
    private final ScenarioRunner scenario;

    private MoldingMachineSimulator(Options options) throws Exception {
        AtomicInteger threads = new AtomicInteger();
        // Responses may sleep (slow-response fault), so requests run on their own pool, never on the event loop.
        this.requests = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "floorlink-sim-modbus-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "floorlink-sim-modbus-tick");
            t.setDaemon(true);
            return t;
        });
        Random random = new Random(options.seed());
        List<MachineEndpoint> list = new ArrayList<>();
        try {
            for (int i = 0; i < options.machines(); i++) {
                WordOrder order = options.orders().get(i % options.orders().size());
                Duration cycle = Duration.ofMillis(4000 + random.nextInt(4000));
                MoldingMachine m = new MoldingMachine(machineId(i + 1), order, cycle, new Random(random.nextLong()));
                int port = options.basePort() == 0 ? 0 : options.basePort() + i;
                MachineEndpoint e = new MachineEndpoint(m, options.host(), port, requests);
                list.add(e);
                e.start();
            }
        } catch (Exception e) {
            list.forEach(MachineEndpoint::stop);
            ticker.shutdownNow();
            requests.shutdownNow();
            throw e;
        }
        this.endpoints = List.copyOf(list);
        long tickMs = options.tick().toMillis();
        ticker.scheduleAtFixedRate(
                () -> endpoints.forEach(e -> e.machine().advance(options.tick())),
                tickMs,
                tickMs,
                TimeUnit.MILLISECONDS);
        this.scenario = options.scenario() == null ? null : ScenarioRunner.start(options.scenario(), this);
    }

    /**
     * Starts the machines; blocks until every endpoint is bound.
     *
     * @throws Exception when an endpoint cannot bind (nothing is left running then)
     */
    public static MoldingMachineSimulator start(Options options) throws Exception {
        return new MoldingMachineSimulator(options);
    }

    /** {@code IMM-01} for 1. */
    public static String machineId(int number) {
        return String.format("IMM-%02d", number);
    }

    /** The endpoints in machine order. */
    public List<MachineEndpoint> endpoints() {
        return endpoints;
    }

    /** The endpoint of a machine id. */
    public MachineEndpoint endpoint(String machineId) {
        return endpoints.stream()
                .filter(e -> e.machine().name().equals(machineId))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown machine '" + machineId + "'"));
    }

    /** Machine ids, in order. */
    public List<String> machineIds() {
        return endpoints.stream().map(e -> e.machine().name()).toList();
    }

    @Override
    public void setStationPower(String stationId, boolean on) {
        endpoint(stationId).setRefuseConnections(!on);
    }

    /**
     * Scenario faults: {@code drop_connections}; {@code exception} with {@code from}, {@code to} (addresses) and
     * {@code code} (Modbus exception code) until cleared; {@code slow} with {@code delay} until cleared; {@code
     * freeze} (values stop changing) until cleared; {@code counter_reset}.
     */
    @Override
    public Set<String> faults() {
        return Set.of("drop_connections", "exception", "slow", "freeze", "counter_reset");
    }

    @Override
    public void fault(String stationId, String fault, Map<String, String> params, boolean on) {
        MachineEndpoint e = endpoint(stationId);
        switch (fault) {
            case "drop_connections" -> FaultParams.once(fault, on, e::dropConnections);
            case "counter_reset" ->
                FaultParams.once(fault, on, () -> e.machine().resetCounters());
            case "exception" -> {
                if (on) {
                    e.setExceptionRange(
                            FaultParams.integer(params, "from"),
                            FaultParams.integer(params, "to"),
                            FaultParams.integer(params, "code"));
                } else {
                    e.setExceptionRange(0, 0, 0);
                }
            }
            case "slow" -> e.setResponseDelay(on ? FaultParams.duration(params, "delay") : Duration.ZERO);
            case "freeze" -> e.machine().setFrozen(on);
            default -> ScenarioTarget.super.fault(stationId, fault, params, on);
        }
    }

    @Override
    public void stopServer() {
        endpoints.forEach(MachineEndpoint::stop);
    }

    @Override
    public void startServer() {
        for (MachineEndpoint e : endpoints) {
            try {
                e.start();
            } catch (Exception ex) {
                throw new IllegalStateException("cannot rebind " + e.machine().name() + " on port " + e.port(), ex);
            }
        }
    }

    @Override
    public void close() {
        if (scenario != null) {
            scenario.close();
        }
        ticker.shutdownNow();
        endpoints.forEach(MachineEndpoint::stop);
        requests.shutdownNow();
    }

    /**
     * @param host address to listen on, e.g. 127.0.0.1
     * @param basePort port of the first machine (the others follow), 0 for a free port per machine
     * @param machines number of machines, 1..9999 (each its own port)
     * @param orders byte orders assigned to machines in turn, at least one
     * @param seed seed of the simulated behaviour
     * @param tick simulation step, positive
     * @param scenario scripted events (stations are machine ids), nullable
     */
    public record Options(
            String host,
            int basePort,
            int machines,
            List<WordOrder> orders,
            long seed,
            Duration tick,
            Scenario scenario) {
        public Options {
            if (machines < 1 || machines > 9999) {
                throw new IllegalArgumentException("machines: must be 1..9999, was " + machines);
            }
            if (basePort < 0 || basePort + machines - 1 > 65535) {
                throw new IllegalArgumentException(
                        "port: " + basePort + " leaves no room for " + machines + " machines");
            }
            if (orders == null || orders.isEmpty()) {
                orders = List.of(WordOrder.ABCD);
            }
            orders = List.copyOf(orders);
            if (tick == null || tick.isNegative() || tick.isZero()) {
                throw new IllegalArgumentException("tick: must be positive");
            }
            host = host == null ? "127.0.0.1" : host;
        }

        /** Machines on 127.0.0.1 with free ports, 200 ms tick, big-endian. */
        public static Options local(int machines) {
            return new Options("127.0.0.1", 0, machines, List.of(WordOrder.ABCD), 1, Duration.ofMillis(200), null);
        }
    }
}
