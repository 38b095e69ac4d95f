package io.floorlink.sim.modbus;

import com.digitalpetri.modbus.ExceptionCode;
import com.digitalpetri.modbus.FunctionCode;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.pdu.ReadCoilsRequest;
import com.digitalpetri.modbus.pdu.ReadCoilsResponse;
import com.digitalpetri.modbus.pdu.ReadDiscreteInputsRequest;
import com.digitalpetri.modbus.pdu.ReadDiscreteInputsResponse;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersResponse;
import com.digitalpetri.modbus.pdu.ReadInputRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadInputRegistersResponse;
import com.digitalpetri.modbus.server.ModbusRequestContext;
import com.digitalpetri.modbus.server.ModbusServices;
import com.digitalpetri.modbus.server.ModbusTcpServer;
import com.digitalpetri.modbus.tcp.server.NettyTcpServerTransport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One Modbus TCP endpoint serving one {@link MoldingMachine} (any unit id), with switchable faults. Thread-safe.
 */
public final class MachineEndpoint implements AutoCloseable {
    private final MoldingMachine machine;
    private final String host;
    private final ExecutorService executor;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile int port;
    private ModbusTcpServer server;

    private volatile boolean refuse;
    private volatile long delayMs;
    private final java.util.Map<Integer, Long> silentUnitsMs = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile int exceptionFrom = -1;
    private volatile int exceptionTo = -1;
    private volatile int exceptionCode;

    MachineEndpoint(MoldingMachine machine, String host, int port, ExecutorService executor) {
        this.machine = machine;
        this.host = host;
        this.port = port;
        this.executor = executor;
    }

    public MoldingMachine machine() {
        return machine;
    }

    /** The TCP port the endpoint listens on (also while stopped). */
    public int port() {
        return port;
    }

    public String host() {
        return host;
    }

    /** Binds the endpoint (again, on the same port); blocks until bound. Does nothing when running. */
    public synchronized void start() throws Exception {
        if (server != null) {
            return;
        }
        Exception last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int candidate = port == 0 ? freePort() : port;
            try {
                bind(candidate);
                port = candidate;
                return;
            } catch (Exception e) {
                last = e;
                if (port != 0) {
                    break;
                }
            }
        }
        throw last;
    }

    private void bind(int bindPort) throws Exception {
        NettyTcpServerTransport transport = NettyTcpServerTransport.create(cfg -> {
            cfg.setBindAddress(host);
            cfg.setPort(bindPort);
            cfg.setExecutor(executor);
            cfg.setPipelineCustomizer(pipeline -> pipeline.addFirst("floorlink-faults", new Gate()));
        });
        ModbusTcpServer s = ModbusTcpServer.create(transport, new Services());
        s.start();
        server = s;
    }

    /** Unbinds the endpoint and closes its connections: clients get "connection refused". */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // stopping is best effort; the next start binds a fresh server
        }
        server = null;
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    public synchronized boolean running() {
        return server != null;
    }

    /** Closes every open client connection now (a TCP drop); new connections are accepted. */
    public void dropConnections() {
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    /** While true, every new connection is closed at once after accept and open ones are dropped. */
    public void setRefuseConnections(boolean refuse) {
        this.refuse = refuse;
        if (refuse) {
            dropConnections();
        }
    }

    /** Delays every response by {@code delay} (zero for none). */
    public void setResponseDelay(Duration delay) {
        this.delayMs = delay.toMillis();
    }

    /**
     * Makes one unit id behave like a device gone silent behind a Modbus TCP gateway: its requests wait {@code
     * gatewayTimeout} (the gateway waiting for its serial line) and are answered with exception 11 (gateway target
     * device failed to respond). {@link Duration#ZERO} makes the unit answer again. Like real gateways, the endpoint
     * answers requests one at a time, so the wait also holds up requests to other units.
     */
    public void setUnitSilent(int unit, Duration gatewayTimeout) {
        if (gatewayTimeout.isZero()) {
            silentUnitsMs.remove(unit);
        } else {
            silentUnitsMs.put(unit, gatewayTimeout.toMillis());
        }
    }

    /**
     * Answers every read touching registers (or bits) {@code from..to} (0-based, inclusive) with Modbus exception
     * {@code code} (e.g. 2 illegal data address, 4 server device failure); {@code code} 0 clears it.
     */
    public void setExceptionRange(int from, int to, int code) {
        this.exceptionCode = code;
        this.exceptionFrom = code == 0 ? -1 : from;
        this.exceptionTo = code == 0 ? -1 : to;
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    private void check(int unit, FunctionCode function, int address, int quantity, int limit)
            throws ModbusResponseException {
        Long silent = silentUnitsMs.get(unit);
        long d = delayMs + (silent == null ? 0 : silent);
        if (d > 0) {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (silent != null) {
            throw new ModbusResponseException(function, ExceptionCode.GATEWAY_TARGET_DEVICE_FAILED_TO_RESPONSE);
        }
        if (quantity < 1 || address < 0 || address + quantity > limit) {
            throw new ModbusResponseException(function, ExceptionCode.ILLEGAL_DATA_ADDRESS);
        }
        int from = exceptionFrom;
        int to = exceptionTo;
        if (from >= 0 && address <= to && address + quantity - 1 >= from) {
            throw new ModbusResponseException(function.getCode(), exceptionCode);
        }
    }

    private static byte[] pack(boolean[] bits) {
        byte[] out = new byte[(bits.length + 7) / 8];
        for (int i = 0; i < bits.length; i++) {
            if (bits[i]) {
                out[i / 8] |= (byte) (1 << (i % 8));
            }
        }
        return out;
    }

    private final class Services implements ModbusServices {
        @Override
        public ReadHoldingRegistersResponse readHoldingRegisters(
                ModbusRequestContext context, int unitId, ReadHoldingRegistersRequest request)
                throws ModbusResponseException {
            check(
                    unitId,
                    FunctionCode.READ_HOLDING_REGISTERS,
                    request.address(),
                    request.quantity(),
                    MoldingMachine.REGISTERS);
            return new ReadHoldingRegistersResponse(machine.readRegisters(request.address(), request.quantity()));
        }

        @Override
        public ReadInputRegistersResponse readInputRegisters(
                ModbusRequestContext context, int unitId, ReadInputRegistersRequest request)
                throws ModbusResponseException {
            check(
                    unitId,
                    FunctionCode.READ_INPUT_REGISTERS,
                    request.address(),
                    request.quantity(),
                    MoldingMachine.REGISTERS);
            return new ReadInputRegistersResponse(machine.readRegisters(request.address(), request.quantity()));
        }

        @Override
        public ReadCoilsResponse readCoils(ModbusRequestContext context, int unitId, ReadCoilsRequest request)
                throws ModbusResponseException {
            check(unitId, FunctionCode.READ_COILS, request.address(), request.quantity(), MoldingMachine.bitCount());
            return new ReadCoilsResponse(pack(machine.readBits(false, request.address(), request.quantity())));
        }

        @Override
        public ReadDiscreteInputsResponse readDiscreteInputs(
                ModbusRequestContext context, int unitId, ReadDiscreteInputsRequest request)
                throws ModbusResponseException {
            check(
                    unitId,
                    FunctionCode.READ_DISCRETE_INPUTS,
                    request.address(),
                    request.quantity(),
                    MoldingMachine.bitCount());
            return new ReadDiscreteInputsResponse(pack(machine.readBits(true, request.address(), request.quantity())));
        }
    }

    private final class Gate extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            Channel ch = ctx.channel();
            if (refuse) {
                ch.close();
                return;
            }
            channels.add(ch);
            super.channelActive(ctx);
        }
    }
}
