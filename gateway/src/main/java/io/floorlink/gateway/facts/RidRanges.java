package io.floorlink.gateway.facts;

import io.floorlink.sparkplug.Receipt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The durable-buffer record ids ({@code rid}) of one edge node and buffer epoch that the host has folded into the
 * facts, as a compact set of closed ranges (adjacent ids merge). Confined to one thread; {@link #snapshot} copies
 * for the writer.
 */
public final class RidRanges {
    /**
     * Most ranges kept per node; beyond it the lowest hole is filled (see {@link #add}). The receipt's limit, so a
     * node's ranges always fit in one {@link Receipt}.
     */
    public static final int MAX_RANGES = Receipt.MAX_RANGES;

    private final String epoch;
    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    private boolean dirty;

    public RidRanges(String epoch) {
        this.epoch = epoch;
    }

    public String epoch() {
        return epoch;
    }

    public boolean contains(long rid) {
        Map.Entry<Long, Long> e = ranges.floorEntry(rid);
        return e != null && rid <= e.getValue();
    }

    /**
     * Adds one id. When more than {@link #MAX_RANGES} ranges would remain, the two lowest ranges are joined: the
     * edge replays oldest first, so a hole that old is a record that will not come any more, and treating it as
     * received bounds memory and the store row count at the price of dropping it should it still arrive.
     */
    public void add(long rid) {
        if (contains(rid)) {
            return;
        }
        dirty = true;
        Map.Entry<Long, Long> below = ranges.floorEntry(rid);
        Map.Entry<Long, Long> above = ranges.ceilingEntry(rid);
        boolean joinBelow = below != null && below.getValue() == rid - 1;
        boolean joinAbove = above != null && above.getKey() == rid + 1;
        if (joinBelow && joinAbove) {
            ranges.remove(above.getKey());
            ranges.put(below.getKey(), above.getValue());
        } else if (joinBelow) {
            ranges.put(below.getKey(), rid);
        } else if (joinAbove) {
            ranges.remove(above.getKey());
            ranges.put(rid, above.getValue());
        } else {
            ranges.put(rid, rid);
        }
        if (ranges.size() > MAX_RANGES) {
            Map.Entry<Long, Long> first = ranges.pollFirstEntry();
            Map.Entry<Long, Long> second = ranges.pollFirstEntry();
            ranges.put(first.getKey(), second.getValue());
        }
    }

    /** Adds a stored range as is (loading at start). */
    public void addRange(long from, long to) {
        for (Map.Entry<Long, Long> e : List.copyOf(ranges.entrySet())) {
            if (e.getKey() <= to + 1 && e.getValue() >= from - 1) {
                ranges.remove(e.getKey());
                from = Math.min(from, e.getKey());
                to = Math.max(to, e.getValue());
            }
        }
        ranges.put(from, to);
    }

    public int size() {
        return ranges.size();
    }

    /**
     * Makes the next {@link #takeSnapshotIfDirty} return the ranges even without a new id: the edge evidently has
     * not seen a receipt for them (it replayed a stored id, or started a session), so they are written and
     * published again.
     */
    public void markDirty() {
        dirty = true;
    }

    /** True when ids were added since the last {@link #takeSnapshotIfDirty}. */
    public boolean isDirty() {
        return dirty;
    }

    /** The ranges as {from, to} pairs in ascending order. */
    public List<long[]> ranges() {
        List<long[]> out = new ArrayList<>(ranges.size());
        ranges.forEach((f, t) -> out.add(new long[] {f, t}));
        return out;
    }

    /** A copy of the ranges for the writer when ids were added since the last call, else null. */
    public List<long[]> takeSnapshotIfDirty() {
        if (!dirty) {
            return null;
        }
        dirty = false;
        return ranges();
    }
}
