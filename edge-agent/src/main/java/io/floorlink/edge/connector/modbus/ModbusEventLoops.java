package io.floorlink.edge.connector.modbus;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The Netty event loops every Modbus connector of the process runs on. A connector keeps one loop for its whole life:
 * its TCP channel, the client's response delivery and request timeouts, and the connector's own state (its strand)
 * all run there, so a poll cycle hands nothing to another thread (handing each request, response and cycle to
 * another thread cost more than a third of the Modbus work of a 20-machine plant). {@link #THREADS} daemon threads
 * ({@code floorlink-modbus-*}) whatever the number of connectors, started on first use.
 */
final class ModbusEventLoops {
    /** Loops (threads) shared by all Modbus connectors: enough for both cores of an edge box, never one each. */
    static final int THREADS = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private static final EventLoopGroup GROUP =
            new NioEventLoopGroup(THREADS, new DefaultThreadFactory("floorlink-modbus", true));

    private ModbusEventLoops() {}

    /** The next loop, round robin. */
    static EventLoop next() {
        return GROUP.next();
    }
}
