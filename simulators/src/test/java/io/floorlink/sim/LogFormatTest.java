package io.floorlink.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shipped logback.xml: text by default, one JSON object per line with {@code FLOORLINK_LOG_FORMAT=json}. */
class LogFormatTest {
    private static final String KEY = "FLOORLINK_LOG_FORMAT";

    @Test
    void jsonFormatWritesOneJsonObjectPerLine() throws Exception {
        String logged = log("json");

        JsonNode json = new ObjectMapper().readTree(logged.lines().findFirst().orElseThrow());
        assertThat(json.path("level").asText()).isEqualTo("INFO");
        assertThat(json.path("loggerName").asText()).isEqualTo("io.floorlink.sim.LogFormatTest");
        assertThat(json.path("formattedMessage").asText()).isEqualTo("hello \"world\"");
        assertThat(json.path("message").asText()).isEqualTo("hello \"{}\"");
        assertThat(json.has("timestamp")).isTrue();
    }

    @Test
    void textFormatIsTheDefault() throws Exception {
        assumeThat(System.getenv(KEY))
                .as("FLOORLINK_LOG_FORMAT set in this environment")
                .isNull();

        String logged = log(null);

        assertThat(logged).doesNotStartWith("{").contains("INFO").contains("hello \"world\"");
    }

    /** Configures a new logger context from the module's logback.xml and logs one line, returning what it wrote. */
    private static String log(String format) throws Exception {
        URL config = Path.of(SimulatorsMain.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .resolve("logback.xml")
                .toUri()
                .toURL();
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
