package io.floorlink.edge.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.sparkplug.Receipt;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentLogTest {

    @Test
    void receiptsForgetWhatTheyCoverAndTheOldestUnconfirmedDecidesTheTimeout() {
        SentLog log = new SentLog();
        assertThat(log.oldestNanos()).isEqualTo(Long.MAX_VALUE);
        log.sent(100, 1, new long[] {1, 2, 3});
        log.sent(200, 1, new long[] {4, 5});
        assertThat(log.outstanding()).isEqualTo(5);
        assertThat(log.highestSent()).isEqualTo(5);

        log.receipted(new Receipt("h", "e", 0, List.of(new long[] {1, 3})));
        assertThat(log.outstanding()).isEqualTo(2);
        assertThat(log.oldestNanos()).as("the first entry is fully receipted").isEqualTo(200);
        log.receipted(new Receipt("h", "e", 0, List.of(new long[] {1, 5})));
        assertThat(log.outstanding()).isZero();
        assertThat(log.oldestNanos()).isEqualTo(Long.MAX_VALUE);
        assertThat(log.highestSent()).as("kept for clipping receipts").isEqualTo(5);
    }

    @Test
    void withoutReceiptsOnlyWhatWentOutOnTheCurrentConnectionBeforeTheWindowIsConfirmed() {
        SentLog log = new SentLog();
        log.sent(100, 1, new long[] {1, 2});
        log.sent(200, 2, new long[] {3});
        log.sent(300, 2, new long[] {4});
        List<long[]> confirmed = log.expire(250, 2);
        assertThat(confirmed).hasSize(1);
        assertThat(confirmed.get(0)).containsExactly(3);
        assertThat(log.outstanding()).isEqualTo(1);
        log.clear();
        assertThat(log.outstanding()).isZero();
        assertThat(log.expire(Long.MAX_VALUE, 2)).isEmpty();
    }

    @Test
    void isBounded() {
        SentLog log = new SentLog();
        long[] chunk = new long[1000];
        for (int i = 0; i < SentLog.MAX_RIDS / 1000 + 10; i++) {
            for (int j = 0; j < chunk.length; j++) {
                chunk[j] = (long) i * 1000 + j + 1;
            }
            log.sent(i, 1, chunk);
        }
        assertThat(log.outstanding()).isLessThanOrEqualTo(SentLog.MAX_RIDS);
        assertThat(log.oldestNanos()).as("the oldest were forgotten").isGreaterThan(0);
    }
}
