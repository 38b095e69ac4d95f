package io.floorlink.sim.scenario;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays a {@link Scenario} against a {@link ScenarioTarget} on its own daemon thread, each event at its time after
 * {@link #start}. Events with equal times run in file order. A failing action is logged and the scenario goes on.
 */
public final class ScenarioRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ScenarioRunner.class);

    private final Scenario scenario;
    private final ScenarioTarget target;
    private final ScheduledExecutorService executor;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final AtomicInteger remaining;

    private ScenarioRunner(Scenario scenario, ScenarioTarget target) {
        this.scenario = scenario;
        this.target = target;
        this.remaining = new AtomicInteger(scenario.events().size());
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "floorlink-scenario");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts playing the scenario now. Does not block.
     *
     * @param scenario the events
     * @param target the plant to act on
     * @return the running scenario; close it to cancel the events not yet played
     * @throws ScenarioException naming the line of a fault the target does not have, before anything is played
     */
    public static ScenarioRunner start(Scenario scenario, ScenarioTarget target) {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(target, "target");
        for (ScenarioEvent e : scenario.events()) {
            if (e.fault() != null && !target.faults().contains(e.fault())) {
                throw ScenarioException.at(
                        scenario.source(),
                        e.line(),
                        "fault",
                        "unknown fault '" + e.fault() + "' for this simulator; expected one of "
                                + String.join(", ", new java.util.TreeSet<>(target.faults())));
            }
        }
        ScenarioRunner runner = new ScenarioRunner(scenario, target);
        runner.schedule();
        return runner;
    }

    private void schedule() {
        List<ScenarioEvent> events = scenario.events();
        if (events.isEmpty()) {
            finished.complete(null);
            return;
        }
        for (ScenarioEvent event : events) {
            executor.schedule(() -> play(event), event.at().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void play(ScenarioEvent event) {
        String station = event.station() == null ? "" : " " + event.station();
        log.info(
                "Scenario {} at {}: {}{}",
                scenario.source(),
                event.at(),
                event.action().yamlName(),
                station);
        try {
            switch (event.action()) {
                case POWER_OFF -> target.setStationPower(event.station(), false);
                case POWER_ON -> target.setStationPower(event.station(), true);
                case SERVER_STOP -> target.stopServer();
                case SERVER_START -> target.startServer();
                case FAULT -> target.fault(event.station(), event.fault(), event.params(), true);
                case CLEAR -> target.fault(event.station(), event.fault(), event.params(), false);
            }
        } catch (RuntimeException e) {
            log.warn(
                    "Scenario {} at {}: {}{} failed: {}",
                    scenario.source(),
                    event.at(),
                    event.action().yamlName(),
                    station,
                    e.toString());
        }
        if (remaining.decrementAndGet() == 0) {
            finished.complete(null);
        }
    }

    /**
     * Completes normally once every event has been played (also when an action failed); never completes when the
     * runner is closed before the last event.
     */
    public CompletableFuture<Void> finished() {
        return finished.copy();
    }

    /** Cancels the events not yet played and waits briefly for a running one to end. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
