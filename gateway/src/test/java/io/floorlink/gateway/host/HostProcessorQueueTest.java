package io.floorlink.gateway.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Issue 15: the host's processing queue is bounded by the payload bytes it holds as well as by messages. */
class HostProcessorQueueTest {

    @Test
    void theQueueIsBoundedByPayloadBytesAndTakesMessagesAgainOnceProcessed() throws Exception {
        HostProcessor processor =
                new HostProcessor("queue-host", 1_000, 3_600_000, batch -> CompletableFuture.completedFuture(null));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        processor.meterBinder().bindTo(registry);
        processor.maxQueuedBytes(10_000);
        byte[] payload = new byte[1_000];
        try {
            for (int i = 0; i < 10; i++) {
                assertThat(processor.offer("spBv1.0/G/DDATA/node/dev", payload, 0))
                        .isTrue();
            }
            assertThat(processor.offer("spBv1.0/G/DDATA/node/dev", payload, 0))
                    .as("an 11th message of 1,000 bytes would hold 11,000 bytes, bound 10,000")
                    .isFalse();
            assertThat(registry.get("floorlink.gateway.queue.dropped").counter().count())
                    .isEqualTo(1);
            assertThat(registry.get("floorlink.gateway.queue.payload").gauge().value())
                    .isEqualTo(10_000);
            assertThat(registry.get("floorlink.gateway.queue.depth").gauge().value())
                    .as("far below the message bound")
                    .isEqualTo(10);

            processor.start();
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(registry.get("floorlink.gateway.queue.payload")
                                    .gauge()
                                    .value())
                            .isZero());
            assertThat(processor.offer("spBv1.0/G/DDATA/node/dev", new byte[20_000], 0))
                    .as("a message larger than the bound is taken when the queue is empty")
                    .isTrue();
        } finally {
            processor.stop(10_000);
        }
    }
}
