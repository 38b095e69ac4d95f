package io.floorlink.edge.node;

import io.floorlink.sparkplug.Receipt;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The buffer records published and not confirmed yet, in publishing order: one entry per DDATA with its rids, the
 * time it went out and the MQTT connection it went out on. Bounded: past {@link #MAX_RIDS} the oldest entries are
 * forgotten (their records stay in the buffer and are replayed later; nothing is lost). Not thread-safe (the
 * publisher thread owns it).
 */
final class SentLog {
    /** Most rids tracked at once. */
    static final int MAX_RIDS = 1_000_000;

    private static final class Entry {
        final long nanos;
        final int generation;
        final long[] rids;
        int remaining;

        Entry(long nanos, int generation, long[] rids) {
            this.nanos = nanos;
            this.generation = generation;
            this.rids = rids;
            this.remaining = rids.length;
        }
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long outstanding;
    private long highestSent;

    /** Records that {@code rids} (none 0) went out at {@code nanos} on connection {@code generation}. */
    void sent(long nanos, int generation, long[] rids) {
        if (rids.length == 0) {
            return;
        }
        for (long rid : rids) {
            highestSent = Math.max(highestSent, rid);
        }
        entries.addLast(new Entry(nanos, generation, rids.clone()));
        outstanding += rids.length;
        while (outstanding > MAX_RIDS && !entries.isEmpty()) {
            outstanding -= entries.removeFirst().remaining;
        }
    }

    /** Forgets the rids a receipt covers. */
    void receipted(Receipt receipt) {
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            for (int i = 0; i < e.rids.length; i++) {
                if (e.rids[i] != 0 && receipt.covers(e.rids[i])) {
                    e.rids[i] = 0;
                    e.remaining--;
                    outstanding--;
                }
            }
            if (e.remaining == 0) {
                it.remove();
            }
        }
    }

    /** When the oldest unconfirmed record went out, or {@link Long#MAX_VALUE} when there is none. */
    long oldestNanos() {
        Entry e = entries.peekFirst();
        return e == null ? Long.MAX_VALUE : e.nanos;
    }

    /**
     * Removes the entries that went out before {@code beforeNanos} and returns the rids of those that went out on
     * connection {@code generation} (the connection stayed up since): confirmed by time.
     */
    List<long[]> expire(long beforeNanos, int generation) {
        List<long[]> out = new ArrayList<>();
        while (!entries.isEmpty() && entries.peekFirst().nanos - beforeNanos < 0) {
            Entry e = entries.removeFirst();
            outstanding -= e.remaining;
            if (e.generation == generation) {
                out.add(e.rids);
            }
        }
        return out;
    }

    /** Records published and not confirmed. */
    long outstanding() {
        return outstanding;
    }

    /** The highest rid ever recorded as sent (0 before the first). */
    long highestSent() {
        return highestSent;
    }

    /** Forgets every entry (their records stay in the buffer for a replay). */
    void clear() {
        entries.clear();
        outstanding = 0;
    }

    /** Forgets everything, also the highest rid sent (a new buffer epoch). */
    void reset() {
        clear();
        highestSent = 0;
    }
}
