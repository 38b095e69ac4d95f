package io.floorlink.gateway.facts;

/**
 * Takes every accepted sample on the host's processing thread ({@link FactsAggregator#sampleSink}). An
 * implementation must return at once: never block, never do I/O on the caller's thread.
 */
@FunctionalInterface
public interface SampleSink {
    /** @param sample the accepted sample, never null */
    void accept(Sample sample);
}
