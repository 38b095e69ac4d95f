package io.floorlink.gateway;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.floorlink.gateway.influx.InfluxSink;
import java.net.URI;
import java.time.Duration;

/**
 * The optional time-series sink ({@code gateway.influx} in collector.yaml): every accepted sample is also written
 * to a server of the InfluxDB v2 write API ({@code POST /api/v2/write}: InfluxDB 2.x, or QuestDB's ILP over HTTP).
 * Validated on construction; errors name the key.
 *
 * @param url base URL of the server, {@code http://} or {@code https://}, e.g. {@code http://influx:8086}; never null
 * @param org InfluxDB organization, never blank (QuestDB ignores it)
 * @param bucket InfluxDB bucket, never blank (QuestDB ignores it: the measurement names the table)
 * @param token API token or {@code ${ENV}} / {@code ${file:...}} reference; null sends no Authorization header;
 *     never logged
 * @param batchSize most samples per write request; null means {@value #DEFAULT_BATCH_SIZE}; 1 to {@value
 *     #MAX_BATCH_SIZE}
 * @param flushInterval longest time a sample waits for its batch to fill before it is written anyway; null means
 *     1 s; 10 ms to 60 s
 * @param bufferSamples most samples waiting for the sink's thread; further samples are dropped (and counted) until
 *     it catches up; null means {@value InfluxSink#DEFAULT_BUFFER_SAMPLES}; {@code batch_size} to {@value
 *     InfluxSink#MAX_BUFFER_SAMPLES}
 * @param maxRetries how often a batch is tried again after a connection error, a 5xx or a 429 answer before it is
 *     given up (and counted); null means {@value #DEFAULT_MAX_RETRIES}; 0 to {@value #MAX_RETRIES}
 * @param timeout connect, read and write timeout of one request; null means 10 s; 100 ms to 5 min
 */
public record InfluxConfig(
        @JsonProperty("url") String url,
        @JsonProperty("org") String org,
        @JsonProperty("bucket") String bucket,
        @JsonProperty("token") String token,
        @JsonProperty("batch_size") Integer batchSize,
        @JsonProperty("flush_interval") Duration flushInterval,
        @JsonProperty("buffer_samples") Integer bufferSamples,
        @JsonProperty("max_retries") Integer maxRetries,
        @JsonProperty("timeout") Duration timeout) {

    /**
     * InfluxDB's own recommendation (5,000 lines per request); against QuestDB it wrote 1.7x the samples per second
     * of 1,000-sample batches (docs/benchmarks.md, Influx sink).
     */
    public static final int DEFAULT_BATCH_SIZE = 5000;
    /** 50,000 lines keep a request a few MB at most. */
    public static final int MAX_BATCH_SIZE = 50_000;

    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);
    public static final int DEFAULT_MAX_RETRIES = 5;
    public static final int MAX_RETRIES = 20;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public InfluxConfig {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("gateway.influx.url is required (http://host:8086)");
        }
        URI u;
        try {
            u = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("gateway.influx.url is not a URL: " + e.getMessage(), e);
        }
        if (!("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))
                || u.getHost() == null) {
            throw new IllegalArgumentException(
                    "gateway.influx.url must be http://host[:port] or https://host[:port] but was " + safe(u));
        }
        if (u.getUserInfo() != null) {
            throw new IllegalArgumentException(
                    "gateway.influx.url must not carry credentials; put the API token in gateway.influx.token");
        }
        url = url.strip();
        if (org == null || org.isBlank()) {
            throw new IllegalArgumentException("gateway.influx.org is required (the InfluxDB organization)");
        }
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("gateway.influx.bucket is required (the InfluxDB bucket)");
        }
        batchSize = batchSize == null ? DEFAULT_BATCH_SIZE : batchSize;
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException(
                    "gateway.influx.batch_size must be between 1 and " + MAX_BATCH_SIZE + " but was " + batchSize);
        }
        flushInterval = flushInterval == null ? DEFAULT_FLUSH_INTERVAL : flushInterval;
        if (flushInterval.toMillis() < 10 || flushInterval.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException(
                    "gateway.influx.flush_interval must be between 10ms and 60s but was " + flushInterval);
        }
        bufferSamples = bufferSamples == null ? Math.max(InfluxSink.DEFAULT_BUFFER_SAMPLES, batchSize) : bufferSamples;
        if (bufferSamples < batchSize || bufferSamples > InfluxSink.MAX_BUFFER_SAMPLES) {
            throw new IllegalArgumentException("gateway.influx.buffer_samples must be between batch_size (" + batchSize
                    + ") and " + InfluxSink.MAX_BUFFER_SAMPLES + " but was " + bufferSamples);
        }
        maxRetries = maxRetries == null ? DEFAULT_MAX_RETRIES : maxRetries;
        if (maxRetries < 0 || maxRetries > MAX_RETRIES) {
            throw new IllegalArgumentException(
                    "gateway.influx.max_retries must be between 0 and " + MAX_RETRIES + " but was " + maxRetries);
        }
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.toMillis() < 100 || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException(
                    "gateway.influx.timeout must be between 100ms and 5m but was " + timeout);
        }
    }

    /** The defaults for everything but where to write. */
    public static InfluxConfig of(String url, String org, String bucket, String token) {
        return new InfluxConfig(url, org, bucket, token, null, null, null, null, null);
    }

    public InfluxConfig withBatching(int newBatchSize, Duration newFlushInterval, int newBufferSamples) {
        return new InfluxConfig(
                url, org, bucket, token, newBatchSize, newFlushInterval, newBufferSamples, maxRetries, timeout);
    }

    public InfluxConfig withRetries(int newMaxRetries, Duration newTimeout) {
        return new InfluxConfig(
                url, org, bucket, token, batchSize, flushInterval, bufferSamples, newMaxRetries, newTimeout);
    }

    private static String safe(URI u) {
        return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    }

    @Override
    public String toString() {
        return "InfluxConfig[url=" + url + ", org=" + org + ", bucket=" + bucket + ", token="
                + (token == null ? "null" : "***") + ", batchSize=" + batchSize + ", flushInterval=" + flushInterval
                + ", bufferSamples=" + bufferSamples + ", maxRetries=" + maxRetries + ", timeout=" + timeout + "]";
    }
}
