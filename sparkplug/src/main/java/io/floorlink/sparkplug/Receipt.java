package io.floorlink.sparkplug;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A FloorLink end-to-end receipt: the record ids ({@link MetricNames#PROP_RID rid}) of one edge node's buffer epoch
 * that the primary host has durably stored in its facts. The host publishes one after every facts commit that
 * stored new rids of the node, retained at QoS 1, on {@link #topic}; an edge node deletes a buffered record only
 * once a receipt of its epoch covers it.
 *
 * <p>The topic lies outside the Sparkplug namespace ({@code spBv1.0/}), so Sparkplug-only clients never see it:
 * {@code floorlink/v1/RECEIPT/<host_id>/<group_id>/<edge_node_id>}. The payload is UTF-8 JSON:
 *
 * <pre>{"host":"floorlink","epoch":"4f0c…","timestamp":1733280000000,"ranges":[[1,5000],[5002,5100]]}</pre>
 *
 * <p>{@code ranges} is the cumulative set of stored rids of the epoch as inclusive {@code [from, to]} pairs,
 * ascending and disjoint, at most {@link #MAX_RANGES}; a receipt replaces the previous one (it is a state, not a
 * delta), so a retained receipt read after a reconnect is complete by itself.
 *
 * @param hostId the primary host that stored the records, never null
 * @param epoch the edge node's buffer epoch ({@link MetricNames#BUFFER_EPOCH}) the rids belong to, never null
 * @param timestamp epoch milliseconds of the commit the receipt follows
 * @param ranges inclusive {from, to} pairs, ascending, disjoint, each {@code 1 <= from <= to}; copied
 */
public record Receipt(String hostId, String epoch, long timestamp, List<long[]> ranges) {
    /** First topic levels of every receipt. */
    public static final String TOPIC_PREFIX = "floorlink/v1/RECEIPT";
    /** Most ranges in one receipt; the host keeps no more per node (it fills the lowest hole instead). */
    public static final int MAX_RANGES = 4096;
    /** Longest epoch string accepted. */
    public static final int MAX_EPOCH_LENGTH = 64;

    private static final ObjectMapper JSON = new ObjectMapper();

    public Receipt {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(epoch, "epoch");
        if (epoch.isEmpty() || epoch.length() > MAX_EPOCH_LENGTH) {
            throw new SparkplugException("receipt epoch must have 1.." + MAX_EPOCH_LENGTH + " characters");
        }
        if (ranges.size() > MAX_RANGES) {
            throw new SparkplugException(
                    "receipt has " + ranges.size() + " ranges, more than the limit of " + MAX_RANGES);
        }
        List<long[]> copy = new ArrayList<>(ranges.size());
        long last = 0;
        for (long[] r : ranges) {
            if (r.length != 2 || r[0] < 1 || r[1] < r[0] || r[0] <= last) {
                throw new SparkplugException("receipt ranges must be ascending, disjoint [from, to] pairs with"
                        + " 1 <= from <= to; bad range after " + last);
            }
            last = r[1];
            copy.add(new long[] {r[0], r[1]});
        }
        ranges = List.copyOf(copy);
    }

    /** The topic of the receipts for one edge node, e.g. {@code floorlink/v1/RECEIPT/floorlink/ENT001/edge-01}. */
    public static String topic(String hostId, String groupId, String edgeNodeId) {
        Topic.requireId("host_id", hostId);
        Topic.requireId("group_id", groupId);
        Topic.requireId("edge_node_id", edgeNodeId);
        return TOPIC_PREFIX + "/" + hostId + "/" + groupId + "/" + edgeNodeId;
    }

    /**
     * Ranges for a log line: {@code "[1-5, 7-9]"}; beyond eight ranges the first and last four with the number left
     * out between them, so a line stays short however fragmented the set is.
     *
     * @param ranges inclusive {from, to} pairs, not null
     */
    public static String describe(List<long[]> ranges) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ranges.size(); i++) {
            if (ranges.size() > 8 && i == 4) {
                sb.append("... ").append(ranges.size() - 8).append(" more, ");
                i = ranges.size() - 4;
            }
            sb.append(ranges.get(i)[0]).append('-').append(ranges.get(i)[1]);
            if (i < ranges.size() - 1) {
                sb.append(", ");
            }
        }
        return sb.append(']').toString();
    }

    /** Whether {@code rid} is in one of the ranges (binary search). */
    public boolean covers(long rid) {
        int lo = 0;
        int hi = ranges.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long[] r = ranges.get(mid);
            if (rid < r[0]) {
                hi = mid - 1;
            } else if (rid > r[1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** The UTF-8 JSON payload described in the class comment. */
    public byte[] toJson() {
        StringBuilder sb = new StringBuilder(64 + ranges.size() * 24);
        sb.append("{\"host\":");
        quote(sb, hostId);
        sb.append(",\"epoch\":");
        quote(sb, epoch);
        sb.append(",\"timestamp\":").append(timestamp).append(",\"ranges\":[");
        for (int i = 0; i < ranges.size(); i++) {
            long[] r = ranges.get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append('[').append(r[0]).append(',').append(r[1]).append(']');
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses a receipt payload.
     *
     * @throws SparkplugException naming the field when the payload is not a receipt as described in the class
     *     comment (not JSON, a field missing or of the wrong type, ranges out of order or over the limit)
     */
    public static Receipt parse(byte[] payload) {
        JsonNode node;
        try {
            node = JSON.readTree(payload);
        } catch (IOException e) {
            throw new SparkplugException("receipt payload is not JSON", e);
        }
        if (node == null || !node.isObject()) {
            throw new SparkplugException("receipt payload must be a JSON object");
        }
        if (!node.path("host").isTextual()) {
            throw new SparkplugException("receipt field 'host' must be a string");
        }
        if (!node.path("epoch").isTextual()) {
            throw new SparkplugException("receipt field 'epoch' must be a string");
        }
        if (!node.path("timestamp").canConvertToLong()) {
            throw new SparkplugException("receipt field 'timestamp' must be a number");
        }
        JsonNode rs = node.path("ranges");
        if (!rs.isArray()) {
            throw new SparkplugException("receipt field 'ranges' must be an array");
        }
        if (rs.size() > MAX_RANGES) {
            throw new SparkplugException("receipt has " + rs.size() + " ranges, more than the limit of " + MAX_RANGES);
        }
        List<long[]> ranges = new ArrayList<>(rs.size());
        for (JsonNode r : rs) {
            if (!r.isArray()
                    || r.size() != 2
                    || !r.get(0).canConvertToLong()
                    || !r.get(1).canConvertToLong()) {
                throw new SparkplugException("receipt field 'ranges' must hold [from, to] pairs of integers");
            }
            ranges.add(new long[] {r.get(0).longValue(), r.get(1).longValue()});
        }
        return new Receipt(
                node.get("host").textValue(),
                node.get("epoch").textValue(),
                node.get("timestamp").longValue(),
                ranges);
    }

    private static void quote(StringBuilder sb, String s) {
        try {
            sb.append(JSON.writeValueAsString(s));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
