package io.floorlink.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.floorlink.collector.CollectorMain;
import io.floorlink.sim.SimulatorsMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The logback.xml shipped in the collector, simulators and demo jars (each next to its main class): text by
 * default, one JSON object per line with {@code FLOORLINK_LOG_FORMAT=json}. The edge agent's is checked from its jar
 * by {@code EdgeAgentJarIT}.
 */
class LogFormatTest {
    private static final String KEY = "FLOORLINK_LOG_FORMAT";

    static List<Class<?>> mains() {
        return List.of(CollectorMain.class, SimulatorsMain.class, DemoMain.class);
    }

    @ParameterizedTest
    @MethodSource("mains")
    void jsonFormatWritesOneJsonObjectPerLine(Class<?> main) throws Exception {
        String logged = log(main, "json");

        JsonNode json = new ObjectMapper().readTree(logged.lines().findFirst().orElseThrow());
        assertThat(json.path("level").asText()).isEqualTo("INFO");
        assertThat(json.path("loggerName").asText()).isEqualTo("io.floorlink.demo.LogFormatTest");
        assertThat(json.path("formattedMessage").asText()).isEqualTo("hello \"world\"");
        assertThat(json.path("message").asText()).isEqualTo("hello \"{}\"");
        assertThat(json.has("timestamp")).isTrue();
    }

    @ParameterizedTest
    @MethodSource("mains")
    void textFormatIsTheDefault(Class<?> main) throws Exception {
        assumeThat(System.getenv(KEY))
                .as("FLOORLINK_LOG_FORMAT set in this environment")
                .isNull();

        String logged = log(main, null);

        assertThat(logged).doesNotStartWith("{").contains("INFO").contains("hello \"world\"");
    }

    /**
     * Configures a new logger context from the logback.xml beside {@code main} (its classes folder or jar) and logs
     * one line, returning what it wrote.
     */
    private static String log(Class<?> main, String format) throws Exception {
        Path codeSource =
                Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI());
        URL config = Files.isDirectory(codeSource)
                ? codeSource.resolve("logback.xml").toUri().toURL()
                : new URL("jar:" + codeSource.toUri() + "!/logback.xml");
        PrintStream savedOut = System.out;
        String savedFormat = System.getProperty(KEY);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        try {
            if (format == null) {
                System.clearProperty(KEY);
            } else {
                System.setProperty(KEY, format);
            }
            System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(config);
            context.getLogger(LogFormatTest.class).info("hello \"{}\"", "world");
        } finally {
            context.stop();
            System.setOut(savedOut);
            if (savedFormat == null) {
                System.clearProperty(KEY);
            } else {
                System.setProperty(KEY, savedFormat);
            }
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
