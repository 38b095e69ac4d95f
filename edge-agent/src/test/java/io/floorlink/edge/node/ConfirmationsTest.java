package io.floorlink.edge.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.edge.buffer.DurableBuffer;
import io.floorlink.edge.buffer.Overflow;
import io.floorlink.edge.node.EdgeNodeMetrics.ReceiptResult;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Receipt;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The confirmation rules against a real SQLite buffer. */
class ConfirmationsTest {
    private static final long S = 1_000_000_000L;

    @TempDir
    Path dir;

    private DurableBuffer buffer(int records) {
        DurableBuffer b = DurableBuffer.open(
                dir.resolve("buffer.db"), 64L << 20, Overflow.DROP_OLDEST, new SimpleMeterRegistry());
        for (int i = 0; i < records; i++) {
            b.append(
                    "SEW-01",
                    Metrics.metric("speed", DataType.DOUBLE, (double) i).build());
        }
        b.commit();
        return b;
    }

    private static int count(DurableBuffer b) {
        return b.read(0, Long.MAX_VALUE, 1000).size();
    }

    @Test
    void receiptsOfTheEpochDeleteWhatWasSentAndAnOverdueReceiptAsksForOneReplayPerTimeout() {
        try (DurableBuffer b = buffer(10)) {
            Confirmations c = new Confirmations("host", Duration.ofSeconds(2), Duration.ofSeconds(30), 0);
            c.birth(0);
            c.sent(0, 1, new long[] {1, 2, 3, 4, 5});
            assertThat(c.outstanding()).isEqualTo(5);
            assertThat(c.receipt(new Receipt("other", b.epoch(), 0, List.of(new long[] {1, 10})), b))
                    .isEqualTo(ReceiptResult.OTHER_HOST);
            assertThat(c.receipt(new Receipt("host", "other", 0, List.of(new long[] {1, 10})), b))
                    .isEqualTo(ReceiptResult.OTHER_EPOCH);
            assertThat(c.receipt(new Receipt("host", b.epoch(), 0, List.of(new long[] {1, 10})), b))
                    .isEqualTo(ReceiptResult.APPLIED);
            b.commit();
            assertThat(count(b)).as("clipped to the rids sent").isEqualTo(5);
            assertThat(c.outstanding()).isZero();

            c.sent(S, 1, new long[] {6});
            assertThat(c.tick(2 * S, true, true, 1, b)).isFalse();
            assertThat(c.tick(3 * S + 1, true, true, 1, b)).as("overdue").isTrue();
            assertThat(c.tick(4 * S, true, true, 1, b))
                    .as("one replay at a time")
                    .isFalse();
            c.replayStarted();
            c.sent(5 * S, 1, new long[] {6});
            c.replayDone(6 * S);
            assertThat(c.tick(7 * S + 1, true, true, 1, b))
                    .as("overdue, but not before the replay finished + the timeout")
                    .isFalse();
            assertThat(c.tick(8 * S, true, false, 1, b)).as("not born").isFalse();
            assertThat(c.tick(8 * S, true, true, 1, b)).isTrue();
        }
    }

    @Test
    void withoutReceiptsTwoKeepAlivesOnTheSameConnectionConfirm() {
        try (DurableBuffer b = buffer(4)) {
            Confirmations c = new Confirmations(null, Duration.ofSeconds(30), Duration.ofSeconds(1), 0);
            c.sent(0, 1, new long[] {1, 2});
            c.sent(0, 2, new long[] {3});
            c.sent(S, 2, new long[] {4});
            assertThat(c.tick(S, true, true, 2, b)).isFalse();
            b.commit();
            assertThat(count(b)).isEqualTo(4);
            c.tick(2 * S + 1, true, true, 2, b);
            b.commit();
            assertThat(count(b))
                    .as("rid 3 confirmed; 1 and 2 went out on an earlier connection, 4 is in the window")
                    .isEqualTo(3);
            c.connectionChanged();
            assertThat(c.outstanding()).isZero();
        }
    }
}
