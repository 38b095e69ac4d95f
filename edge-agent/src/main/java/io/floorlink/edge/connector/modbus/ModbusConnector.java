package io.floorlink.edge.connector.modbus;

import com.digitalpetri.modbus.TimeoutScheduler;
import com.digitalpetri.modbus.client.ModbusTcpClient;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.pdu.ReadCoilsRequest;
import com.digitalpetri.modbus.pdu.ReadCoilsResponse;
import com.digitalpetri.modbus.pdu.ReadDiscreteInputsRequest;
import com.digitalpetri.modbus.pdu.ReadDiscreteInputsResponse;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersResponse;
import com.digitalpetri.modbus.pdu.ReadInputRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadInputRegistersResponse;
import com.digitalpetri.modbus.tcp.client.NettyTcpClientTransport;
import io.floorlink.edge.connector.Backoff;
import io.floorlink.edge.connector.Connector;
import io.floorlink.edge.connector.DeviceSink;
import io.floorlink.edge.connector.Strand;
import io.floorlink.edge.connector.modbus.ModbusConnectorConfig.Device;
import io.floorlink.edge.connector.modbus.ModbusConnectorConfig.Point;
import io.floorlink.edge.point.PointSample;
import io.floorlink.edge.point.PointSpec;
import io.floorlink.sparkplug.Quality;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the devices behind one Modbus TCP endpoint (see {@link ModbusConnectorConfig} and this package's README).
 * One TCP connection per connector; each device is polled once per its interval, its requests sent without waiting
 * for other devices, so a slow unit delays only itself. All state lives on the connector's {@link Strand} over one of
 * the {@link ModbusEventLoops} (no thread per connector), the loop its channel, response delivery and request
 * timeouts also run on: a poll cycle crosses no thread.
 */
public final class ModbusConnector implements Connector {
    private static final Logger log = LoggerFactory.getLogger(ModbusConnector.class);
    private static final long WARN_PERIOD_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final ModbusConnectorConfig config;
    private final MeterRegistry registry;
    private final ModbusMetrics metrics;
    private final EventLoop loop;
    private final Strand executor;
    private final Backoff backoff;
    private final List<DeviceState> devices = new ArrayList<>();
    private final Map<String, Long> lastWarn = new HashMap<>();

    private DeviceSink sink;
    private ModbusTcpClient client;
    private long generation;
    private boolean connected;
    // A connection the peer closed before its connect completion was handled (the events race).
    private long lostBeforeConnect = -1;
    private int connectFailures;
    private volatile boolean closed;

    /** A connector for {@code config}; meters go to {@code registry} from {@link #start}. Does not connect. */
    public ModbusConnector(ModbusConnectorConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
        this.metrics = new ModbusMetrics(config.name());
        this.backoff = new Backoff(
                config.reconnect().initialDelay(), config.reconnect().maxDelay(), new Random());
        this.loop = ModbusEventLoops.next();
        this.executor = Strand.on(loop);
        for (Device d : config.devices()) {
            devices.add(new DeviceState(d, ReadPlan.of(d, config.addressing())));
        }
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public List<String> deviceIds() {
        return config.devices().stream().map(Device::id).toList();
    }

    /** Connects in the background and returns at once; an unreachable endpoint is retried with backoff. */
    @Override
    public void start(DeviceSink sink) {
        this.sink = sink;
        metrics.bindTo(registry);
        executor.execute(this::connect);
    }

    /**
     * The exception code of the last Modbus exception response for a point, empty when its last read was not an
     * exception. Thread-safe, non-blocking.
     */
    public OptionalInt lastExceptionCode(String deviceId, String pointId) {
        for (DeviceState d : devices) {
            if (d.device.id().equals(deviceId)) {
                Integer code = d.lastException.get(pointId);
                return code == null ? OptionalInt.empty() : OptionalInt.of(code);
            }
        }
        return OptionalInt.empty();
    }

    private void connect() {
        if (closed) {
            return;
        }
        long gen = ++generation;
        NettyTcpClientTransport transport = NettyTcpClientTransport.create(cfg -> {
            cfg.setHostname(config.host());
            cfg.setPort(config.port());
            cfg.setConnectTimeout(config.connectTimeout());
            cfg.setConnectPersistent(false);
            cfg.setEventLoopGroup(loop);
            // A cycle's requests (one per register group, sent from one loop task) leave in one write call: the
            // flushes of a task are consolidated into one after it, where each was a system call of its own.
            cfg.setPipelineCustomizer(p -> p.addFirst(new FlushConsolidationHandler(
                    FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true)));
            // The client's connection state machine and response delivery never block (only its synchronous
            // methods do, which this connector does not call), so they run on the loop as well.
            cfg.setExecutor(loop);
        });
        ModbusTcpClient c = ModbusTcpClient.create(transport, cfg -> cfg.setRequestTimeout(config.requestTimeout())
                .setTimeoutScheduler(TimeoutScheduler.create(loop, loop)));
        transport.addConnectionListener(new NettyTcpClientTransport.ConnectionListener() {
            @Override
            public void onConnection() {}

            @Override
            public void onConnectionLost() {
                submit(() -> onLost(gen));
            }
        });
        client = c;
        c.connectAsync().whenComplete((v, ex) -> submit(() -> onConnect(gen, c, ex)));
    }

    private void onConnect(long gen, ModbusTcpClient c, Throwable failure) {
        if (closed || gen != generation) {
            c.disconnectAsync();
            return;
        }
        if (failure == null && lostBeforeConnect == gen) {
            // Accepted and closed at once (a machine refusing clients does this): a failed attempt, not a session.
            failure = new java.nio.channels.ClosedChannelException();
        }
        if (failure != null) {
            metrics.connectFailed.increment();
            for (DeviceState d : devices) {
                countReads(d, 0, d.device.points().size());
            }
            Duration delay = backoff.delay(connectFailures++);
            warn(
                    "connect",
                    "Modbus connector {}: cannot connect to {}:{} ({}); retrying in {} ms",
                    config.name(),
                    config.host(),
                    config.port(),
                    rootMessage(failure),
                    delay.toMillis());
            client = null;
            c.disconnectAsync();
            executor.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        metrics.connectSucceeded.increment();
        metrics.connected.set(1);
        connected = true;
        log.info("Modbus connector {}: connected to {}:{}", config.name(), config.host(), config.port());
        for (DeviceState d : devices) {
            d.failures = 0;
            d.inFlight = false;
            long period = d.device.interval().toNanos();
            d.task = executor.scheduleAtFixedRate(
                    () -> poll(d, gen), 0, period, TimeUnit.NANOSECONDS, metrics.cyclesSkipped::increment);
        }
    }

    private void onLost(long gen) {
        if (closed || gen != generation) {
            return;
        }
        if (!connected) {
            lostBeforeConnect = gen;
            return;
        }
        metrics.connectionsLost.increment();
        warn("lost", "Modbus connector {}: connection to {}:{} lost", config.name(), config.host(), config.port());
        teardown("connection_lost");
        // connectFailures is reset only by an answer, so an endpoint that accepts and drops at once backs off too
        Duration delay = backoff.delay(connectFailures++);
        executor.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ends the current connection: completions still in flight belong to an older generation and are ignored. */
    private void teardown(String reason) {
        generation++;
        connected = false;
        metrics.connected.set(0);
        for (DeviceState d : devices) {
            if (d.task != null) {
                d.task.cancel(false);
                d.task = null;
            }
            if (d.inFlight && reason != null) {
                // the cycle waiting when the connection went away gets no answer any more
                countReads(d, 0, d.device.points().size());
            }
            d.inFlight = false;
            if (d.up) {
                d.up = false;
                metrics.devicesUp.decrementAndGet();
                if (sink != null && reason != null) {
                    sink.deviceDown(d.device.id(), reason);
                }
            }
        }
        ModbusTcpClient c = client;
        client = null;
        if (c != null) {
            c.disconnectAsync();
        }
    }

    private void poll(DeviceState d, long gen) {
        if (gen != generation || !connected) {
            return;
        }
        if (d.inFlight) {
            metrics.cyclesSkipped.increment();
            return;
        }
        long now = System.nanoTime();
        if (!d.up && d.failures > 0 && now - d.nextProbe < 0) {
            // a silent unit is probed at the backoff pace so it never crowds out the answering ones
            return;
        }
        d.inFlight = true;
        ModbusTcpClient c = client;
        List<CompletableFuture<Object>> results = new ArrayList<>();
        for (ReadPlan.Group g : d.groups) {
            CompletableFuture<Object> f = new CompletableFuture<>();
            send(c, d.device.unit(), g).whenComplete((raw, ex) -> f.complete(ex == null ? raw : unwrap(ex)));
            results.add(f);
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .whenComplete((v, ex) -> submit(() -> finish(d, gen, results, now)));
    }

    private static CompletionStage<byte[]> send(ModbusTcpClient c, int unit, ReadPlan.Group g) {
        return switch (g.area()) {
            case HOLDING_REGISTER ->
                c.readHoldingRegistersAsync(unit, new ReadHoldingRegistersRequest(g.start(), g.count()))
                        .thenApply(ReadHoldingRegistersResponse::registers);
            case INPUT_REGISTER ->
                c.readInputRegistersAsync(unit, new ReadInputRegistersRequest(g.start(), g.count()))
                        .thenApply(ReadInputRegistersResponse::registers);
            case COIL ->
                c.readCoilsAsync(unit, new ReadCoilsRequest(g.start(), g.count()))
                        .thenApply(ReadCoilsResponse::coils);
            case DISCRETE_INPUT ->
                c.readDiscreteInputsAsync(unit, new ReadDiscreteInputsRequest(g.start(), g.count()))
                        .thenApply(ReadDiscreteInputsResponse::inputs);
        };
    }

    private void finish(DeviceState d, long gen, List<CompletableFuture<Object>> results, long started) {
        if (gen != generation) {
            return;
        }
        d.inFlight = false;
        int points = d.device.points().size();
        boolean answered = results.stream()
                .map(CompletableFuture::join)
                .anyMatch(r -> r instanceof byte[] || (r instanceof ModbusResponseException mre && !gatewayMiss(mre)));
        boolean channelClosed = results.stream()
                .map(CompletableFuture::join)
                .anyMatch(r -> r instanceof java.nio.channels.ClosedChannelException);
        if (channelClosed && connected) {
            countReads(d, 0, points);
            onLost(gen);
            return;
        }
        if (!answered) {
            metrics.requestsFailed.add(results.size());
            for (CompletableFuture<Object> r : results) {
                if (r.join() instanceof ModbusResponseException mre) {
                    metrics.exception(mre.getExceptionCode());
                }
            }
            Duration delay = backoff.delay(d.failures++);
            d.nextProbe = System.nanoTime() + delay.toNanos();
            countReads(d, 0, points);
            Object first = results.get(0).join();
            if (d.up) {
                d.up = false;
                metrics.devicesUp.decrementAndGet();
                sink.deviceDown(d.device.id(), "no_response");
            }
            warn(
                    "silent:" + d.device.id(),
                    "Modbus connector {}: device {} (unit {}) does not answer ({}); probing every {} ms",
                    config.name(),
                    d.device.id(),
                    d.device.unit(),
                    rootMessage((Throwable) first),
                    delay.toMillis());
            return;
        }
        connectFailures = 0;
        if (!d.up) {
            d.up = true;
            d.failures = 0;
            metrics.devicesUp.incrementAndGet();
            sink.deviceUp(d.device.id(), d.specs);
        }
        Instant readTime = Instant.now();
        List<PointSample> samples = new ArrayList<>(points);
        long ok = 0;
        long failed = 0;
        boolean gapRefused = false;
        for (int i = 0; i < d.groups.size(); i++) {
            ReadPlan.Group g = d.groups.get(i);
            Object r = results.get(i).join();
            if (r instanceof byte[] raw) {
                metrics.requestsOk.increment();
                for (ReadPlan.Member m : g.members()) {
                    d.lastException.remove(m.point().id());
                    Object value = decode(d.device, g.area(), m, raw);
                    samples.add(
                            new PointSample(d.device.id(), m.point().id(), value, Quality.GOOD, readTime, readTime));
                    ok++;
                }
                continue;
            }
            metrics.requestsFailed.increment();
            if (r instanceof ModbusResponseException mre) {
                metrics.exception(mre.getExceptionCode());
                gapRefused |= g.spansGap() && !gatewayMiss(mre);
                warn(
                        "exception:" + d.device.id() + ":" + g.area() + ":" + g.start(),
                        "Modbus connector {}: device {} answers {} {}..{} with exception code {}",
                        config.name(),
                        d.device.id(),
                        g.area().shortName(),
                        g.start(),
                        g.start() + g.count() - 1,
                        mre.getExceptionCode());
            }
            for (ReadPlan.Member m : g.members()) {
                if (r instanceof ModbusResponseException mre) {
                    d.lastException.put(m.point().id(), mre.getExceptionCode());
                } else {
                    d.lastException.remove(m.point().id());
                }
                samples.add(new PointSample(d.device.id(), m.point().id(), null, Quality.BAD, readTime, readTime));
                failed++;
            }
        }
        sink.samples(samples);
        countReads(d, ok, failed);
        metrics.cycle(System.nanoTime() - started);
        if (gapRefused) {
            // The device does not map every register of its gaps (max_gap): from the next cycle on it is read as if
            // max_gap were 0, which costs requests but never an exception the points themselves do not cause.
            d.groups = ReadPlan.withoutGaps(d.device, config.addressing());
            log.warn(
                    "Modbus connector {}: device {} answers a read across unmapped registers with an exception;"
                            + " reading it without gaps from now on ({} requests a cycle; set max_gap: 0 for it)",
                    config.name(),
                    d.device.id(),
                    d.groups.size());
        }
    }

    /**
     * Exceptions 10 (gateway path unavailable) and 11 (gateway target device failed to respond) come from a gateway
     * on behalf of a device that did not answer: the device counts as silent, not as answering.
     */
    private static boolean gatewayMiss(ModbusResponseException e) {
        return e.getExceptionCode() == 10 || e.getExceptionCode() == 11;
    }

    /** The value of one point from its request's response, in the Java type of its Sparkplug datatype. */
    static Object decode(Device device, Area area, ReadPlan.Member m, byte[] raw) {
        Point p = m.point();
        if (!area.registers()) {
            return RegisterCodec.packedBit(raw, m.index());
        }
        ByteOrder order = device.orderOf(p);
        return switch (p.type()) {
            case BOOL -> RegisterCodec.bit(raw, m.index(), p.bit());
            case STRING -> RegisterCodec.text(raw, m.index(), p.length(), order);
            default -> {
                Object n = RegisterCodec.number(raw, m.index(), p.type(), order);
                if (!p.scaled()) {
                    yield n;
                }
                double scale = p.scale() == null ? 1.0 : p.scale();
                double offset = p.offset() == null ? 0.0 : p.offset();
                yield RegisterCodec.asDouble(n, p.type()) * scale + offset;
            }
        };
    }

    private void countReads(DeviceState d, long ok, long failed) {
        metrics.readsOk.add(ok);
        metrics.readsFailed.add(failed);
        if (sink != null && (ok > 0 || failed > 0)) {
            sink.reads(d.device.id(), ok, failed);
        }
    }

    private void submit(Runnable task) {
        try {
            executor.execute(task);
        } catch (RuntimeException rejectedAfterClose) {
            // the connector is closing; late callbacks have nothing left to update
        }
    }

    private void warn(String key, String format, Object... args) {
        long now = System.nanoTime();
        Long last = lastWarn.get(key);
        if (last == null || now - last >= WARN_PERIOD_NANOS) {
            if (lastWarn.size() > 1000) {
                lastWarn.clear();
            }
            lastWarn.put(key, now);
            log.warn(format, args);
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r.getClass().getSimpleName() + (r.getMessage() == null ? "" : ": " + r.getMessage());
    }

    /** Stops polling and closes the connection; blocks up to a few seconds. Devices are not reported down. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            executor.submit(() -> {
                        teardown(null);
                        return null;
                    })
                    .get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("Modbus connector {}: close: {}", config.name(), e.toString());
        }
        executor.shutdown();
        metrics.unbind();
    }

    private static final class DeviceState {
        final Device device;
        /** The requests of a cycle; replaced (on the device's strand) when the device refuses to read its gaps. */
        List<ReadPlan.Group> groups;

        final List<PointSpec> specs;
        final Map<String, Integer> lastException = new ConcurrentHashMap<>();
        boolean up;
        boolean inFlight;
        int failures;
        long nextProbe;
        ScheduledFuture<?> task;

        DeviceState(Device device, List<ReadPlan.Group> groups) {
            this.device = device;
            this.groups = groups;
            this.specs = device.points().stream()
                    .map(p -> new PointSpec(
                            p.id(), p.dataType(), p.category(), p.unit(), device.interval(), p.engLow(), p.engHigh()))
                    .toList();
        }
    }
}
