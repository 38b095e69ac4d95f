package io.floorlink.gateway;

import java.util.List;

/**
 * The gateway's liveness as seen by its own parts: {@code UP} with no reasons, or {@code DOWN} with one or more
 * reasons (snake_case, documented in docs/operations.md, "Troubleshooting"):
 *
 * <ul>
 *   <li>{@link #WRITER_STALLED}: batches of facts wait and nothing was committed for longer than the writer's
 *       stall bound;
 *   <li>{@link #STORE_UNREACHABLE}: the last write attempt could not reach the facts store;
 *   <li>{@link #STOPPED}: the gateway was closed.
 * </ul>
 *
 * @param status {@code UP} or {@code DOWN}, never null
 * @param reasons why it is DOWN, in a stable order; empty when UP; never null
 */
public record GatewayHealth(String status, List<String> reasons) {
    public static final String UP = "UP";
    public static final String DOWN = "DOWN";
    public static final String WRITER_STALLED = io.floorlink.gateway.facts.FactsWriter.WRITER_STALLED;
    public static final String STORE_UNREACHABLE = io.floorlink.gateway.facts.FactsWriter.STORE_UNREACHABLE;
    public static final String STOPPED = "stopped";

    public GatewayHealth {
        reasons = List.copyOf(reasons);
    }

    /** UP when there are no reasons, else DOWN with them. */
    public static GatewayHealth of(List<String> reasons) {
        return new GatewayHealth(reasons.isEmpty() ? UP : DOWN, reasons);
    }

    public boolean isUp() {
        return UP.equals(status);
    }
}
