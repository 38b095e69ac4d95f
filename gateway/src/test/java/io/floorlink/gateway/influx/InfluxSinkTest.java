package io.floorlink.gateway.influx;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.floorlink.gateway.InfluxConfig;
import io.floorlink.gateway.facts.Sample;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.Quality;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class InfluxSinkTest {
    private static final long T = 1_764_900_000_123L;

    private static Sample sample(String category, DataType type, Object value, Quality q) {
        return new Sample("ENT001", "edge-01", "SEW-01", "temp", category, type, value, q, T, false);
    }

    private static String line(Sample s) {
        return InfluxSink.point(s).toLineProtocol();
    }

    @Test
    void oneLinePerSampleMeasurementPerCategoryTagsFromTheSparkplugIdsTimestampInMs() {
        assertThat(line(sample("process", DataType.DOUBLE, 21.5, Quality.GOOD)))
                .isEqualTo("process,device=SEW-01,edge=edge-01,enterprise=ENT001,point=temp quality=\"good\",value=21.5"
                        + " " + T);
    }

    @Test
    void tagsAndMeasurementAreEscaped() {
        Sample s = new Sample(
                "ENT 1", "edge,a", "d=1", "speed \"x\"", "my cat,egory", DataType.INT32, 7, Quality.UNCERTAIN, T, true);
        assertThat(line(s))
                .isEqualTo("my\\ cat\\,egory,device=d\\=1,edge=edge\\,a,enterprise=ENT\\ 1,point=speed\\ \"x\""
                        + " quality=\"uncertain\",value=7.0 " + T);
    }

    @Test
    void numericValuesAreOneFloatFieldBooleansAndStringsHaveTheirOwn() {
        assertThat(line(sample("counter", DataType.INT64, 42L, Quality.GOOD)))
                .contains(" quality=\"good\",value=42.0 ");
        assertThat(line(sample("process", DataType.FLOAT, 1.1f, Quality.GOOD))).contains(",value=1.1 ");
        assertThat(line(sample("counter", DataType.UINT64, -1L, Quality.GOOD)))
                .as("UInt64 above Long.MAX_VALUE")
                .contains(",value=18446744073709552000.0 ");
        assertThat(line(sample("state", DataType.BOOLEAN, true, Quality.GOOD)))
                .contains(" quality=\"good\",value_bool=true ");
        assertThat(line(sample("state", DataType.STRING, "run \"fast\"\\", Quality.GOOD)))
                .contains(" quality=\"good\",value_text=\"run \\\"fast\\\"\\\\\" ");
    }

    @Test
    void aRefusedSampleIsBadWithoutValueAndAPointWithoutCategoryIsUncategorized() {
        assertThat(line(sample("process", DataType.DOUBLE, null, Quality.BAD))).endsWith(" quality=\"bad\" " + T);
        assertThat(line(sample(null, DataType.DOUBLE, 3.0, Quality.GOOD))).startsWith("uncategorized,");
    }

    @Test
    void theBufferIsBoundedAndDropsAreCountedNeverBlocking() {
        InfluxConfig config = InfluxConfig.of("http://127.0.0.1:9", "org", "bucket", "secret")
                .withBatching(5, Duration.ofSeconds(1), 5);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        InfluxSink sink = new InfluxSink(config, "secret");
        sink.meterBinder().bindTo(registry);
        Logger logger = (Logger) LoggerFactory.getLogger(InfluxSink.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        // not started: nothing drains the buffer
        for (int i = 0; i < 8; i++) {
            sink.accept(sample("process", DataType.DOUBLE, (double) i, Quality.GOOD));
        }
        assertThat(sink.buffered()).isEqualTo(5);
        assertThat(registry.get("floorlink.gateway.influx.buffer").gauge().value())
                .isEqualTo(5);
        assertThat(dropped(registry, "buffer_full")).isEqualTo(3);
        logger.detachAppender(logged);
        assertThat(logged.list)
                .as("one warning per 30 s, naming the server, never the token")
                .singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage())
                        .contains("buffer full (5 samples", "http://127.0.0.1:9")
                        .doesNotContain("secret"));

        sink.close();
        assertThat(dropped(registry, "shutdown"))
                .as("left in the buffer at close")
                .isEqualTo(5);
        sink.accept(sample("process", DataType.DOUBLE, 1.0, Quality.GOOD));
        assertThat(dropped(registry, "shutdown")).as("taken after close").isEqualTo(6);
        assertThat(sink.buffered()).isZero();
    }

    private static double dropped(SimpleMeterRegistry registry, String reason) {
        return registry.get("floorlink.gateway.influx.samples.dropped")
                .tag("reason", reason)
                .counter()
                .count();
    }
}
