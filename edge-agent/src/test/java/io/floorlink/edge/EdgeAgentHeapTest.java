package io.floorlink.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.edge.config.EdgeConfig;
import org.junit.jupiter.api.Test;

/** The start-up warning for a heap too small for the configuration (the shipped unit's heap is 90 MB). */
class EdgeAgentHeapTest {
    private static final long UNIT_HEAP = 90L << 20;

    @Test
    void theShippedHeapHoldsTenThousandPointsWithAFullQueue() {
        assertThat(EdgeAgent.heapAdvice(10_000, EdgeConfig.Buffer.DEFAULT_QUEUE_SAMPLES, UNIT_HEAP))
                .isEmpty();
    }

    @Test
    void aHundredThousandPointsAskForALargerHeapNamingTheOption() {
        assertThat(EdgeAgent.heapAdvice(100_000, EdgeConfig.Buffer.DEFAULT_QUEUE_SAMPLES, UNIT_HEAP))
                .hasValueSatisfying(w -> assertThat(w)
                        .contains("90 MB")
                        .contains("100,000 points")
                        .contains("-Xmx")
                        .contains("ExecStart="));
    }

    @Test
    void aLargeQueueCountsToo() {
        assertThat(EdgeAgent.heapAdvice(1_000, EdgeConfig.Buffer.MAX_QUEUE_SAMPLES, UNIT_HEAP))
                .isPresent();
    }
}
