package io.floorlink.edge.node;

import io.floorlink.edge.buffer.DurableBuffer;
import io.floorlink.edge.node.EdgeNodeMetrics.ReceiptResult;
import io.floorlink.sparkplug.Receipt;
import java.time.Duration;

/**
 * When a published buffer record counts as delivered, so the buffer may delete it. With receipts: when a receipt of
 * the primary host for the buffer's epoch covers it; a record without a receipt for the receipt timeout asks for a
 * replay of what is not receipted. Without receipts: when it went out more than two keep-alive periods ago on the
 * connection that is still up. Not thread-safe (the publisher thread owns it), except {@link #outstanding()}.
 */
final class Confirmations {
    private final SentLog sent = new SentLog();
    private final String receiptHost;
    private final long timeoutNanos;
    private final long windowNanos;
    private long ridsBeforeStart;
    private boolean timeoutReplay;
    private long noTimeoutBeforeNanos;
    private volatile long outstanding;

    /**
     * @param receiptHost host_id whose receipts confirm records; null: no receipts (the window confirms them)
     * @param receiptTimeout how long a record may stay without a receipt before a replay
     * @param keepAlive MQTT keep alive; the window without receipts is twice it
     * @param ridsBeforeStart the highest rid of earlier runs (they may have sent it: a receipt may delete it)
     */
    Confirmations(String receiptHost, Duration receiptTimeout, Duration keepAlive, long ridsBeforeStart) {
        this.receiptHost = receiptHost;
        this.timeoutNanos = receiptTimeout.toNanos();
        this.windowNanos = keepAlive.toNanos() * 2;
        this.ridsBeforeStart = ridsBeforeStart;
    }

    boolean receipts() {
        return receiptHost != null;
    }

    /** The rids (none 0) went out at {@code nanos} on connection {@code generation}. */
    void sent(long nanos, int generation, long[] rids) {
        sent.sent(nanos, generation, rids);
        outstanding = sent.outstanding();
    }

    /**
     * Applies a receipt of the buffer's current epoch from the receipt host: what it covers, up to the highest rid
     * sent, is deleted by the buffer's next commit. Anything else is ignored.
     */
    ReceiptResult receipt(Receipt r, DurableBuffer buffer) {
        if (!r.hostId().equals(receiptHost)) {
            return ReceiptResult.OTHER_HOST;
        }
        if (!r.epoch().equals(buffer.epoch())) {
            return ReceiptResult.OTHER_EPOCH;
        }
        buffer.acknowledgeRanges(r.epoch(), r.ranges(), Math.max(ridsBeforeStart, sent.highestSent()));
        sent.receipted(r);
        outstanding = sent.outstanding();
        return ReceiptResult.APPLIED;
    }

    /**
     * Every batch interval. Without receipts, acknowledges what went out before the window on connection {@code
     * generation} (when connected). With receipts, tells whether a record stayed without a receipt for the timeout
     * and a replay must start (then not again before that replay finished plus the timeout).
     *
     * @return true when a replay of what is not receipted must start now
     */
    boolean tick(long nowNanos, boolean connected, boolean born, int generation, DurableBuffer buffer) {
        boolean replay = false;
        if (receiptHost == null) {
            if (connected) {
                String epoch = buffer.epoch();
                for (long[] rids : sent.expire(nowNanos - windowNanos, generation)) {
                    buffer.acknowledge(epoch, rids);
                }
            }
        } else if (born
                && !timeoutReplay
                && nowNanos - noTimeoutBeforeNanos >= 0
                && sent.oldestNanos() != Long.MAX_VALUE
                && nowNanos - sent.oldestNanos() > timeoutNanos) {
            timeoutReplay = true;
            replay = true;
        }
        outstanding = sent.outstanding();
        return replay;
    }

    /** A replay of the whole buffer starts: what was sent is sent again (and tracked again). */
    void replayStarted() {
        sent.clear();
        outstanding = 0;
    }

    /** The NBIRTH went out (its replay is not a timeout replay). */
    void birth(long nowNanos) {
        timeoutReplay = false;
        noTimeoutBeforeNanos = nowNanos;
    }

    /** A replay finished; after a timeout replay the next may only come a timeout later. */
    void replayDone(long nowNanos) {
        if (timeoutReplay) {
            timeoutReplay = false;
            noTimeoutBeforeNanos = nowNanos + timeoutNanos;
        }
    }

    /** A new or lost connection: what was sent is replayed after the next NBIRTH. */
    void connectionChanged() {
        sent.clear();
        outstanding = 0;
    }

    /** A new buffer epoch: the rids sent so far mean nothing any more. */
    void epochReset() {
        sent.reset();
        ridsBeforeStart = 0;
        outstanding = 0;
    }

    /** Records published and not confirmed. Thread-safe. */
    long outstanding() {
        return outstanding;
    }
}
