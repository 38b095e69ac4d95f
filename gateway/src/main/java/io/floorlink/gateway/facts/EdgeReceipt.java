package io.floorlink.gateway.facts;

import java.util.List;

/**
 * The complete set of received record ids of one edge node ({@code edge_receipt} rows), replacing what the store
 * holds for the node.
 *
 * @param epoch the edge's {@code _buffer/epoch}
 * @param ranges closed {from, to} ranges, ascending
 */
public record EdgeReceipt(String groupId, String edgeNodeId, String epoch, List<long[]> ranges) {}
