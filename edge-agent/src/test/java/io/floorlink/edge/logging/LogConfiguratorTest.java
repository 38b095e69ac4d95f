package io.floorlink.edge.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/** The edge agent's logging as configured in code: both formats on stderr, the levels, and the configuration file. */
class LogConfiguratorTest {

    @Test
    void jsonFormatWritesOneJsonObjectPerLineToStderr() throws Exception {
        String logged = stderrOf(
                context -> LogConfigurator.configure(context, true),
                context -> context.getLogger("io.floorlink.edge.EdgeAgent").info("hello \"{}\"", "world"));

        assertThat(logged.lines()).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(logged);
        assertThat(json.path("level").asText()).isEqualTo("INFO");
        assertThat(json.path("loggerName").asText()).isEqualTo("io.floorlink.edge.EdgeAgent");
        assertThat(json.path("threadName").asText())
                .isEqualTo(Thread.currentThread().getName());
        assertThat(json.path("formattedMessage").asText()).isEqualTo("hello \"world\"");
        assertThat(json.path("message").asText()).isEqualTo("hello \"{}\"");
        assertThat(json.has("timestamp")).isTrue();
        assertThat(json.has("arguments")).as("withArguments false").isFalse();
        assertThat(json.has("context")).as("withContext false").isFalse();
    }

    @Test
    void textFormatWritesTheTimestampLevelThreadLoggerAndMessageToStderr() throws Exception {
        String logged = stderrOf(
                context -> LogConfigurator.configure(context, false),
                context -> context.getLogger("io.floorlink.edge.EdgeAgent").warn("hello \"{}\"", "world"));

        assertThat(logged)
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) WARN  \\["
                        + Pattern.quote(Thread.currentThread().getName())
                        + "] io.floorlink.edge.EdgeAgent - hello \"world\"\\R");
    }

    @Test
    void librariesLogWarningsOnlyAndTheAgentInfo() throws Exception {
        String logged = stderrOf(context -> LogConfigurator.configure(context, false), context -> {
            for (String name : List.of("org.eclipse.milo.opcua.Client", "io.netty.Channel", "com.hivemq.client.Mqtt")) {
                context.getLogger(name).info("library info");
                context.getLogger(name).warn("library warn");
            }
            context.getLogger("io.floorlink.edge.EdgeAgent").debug("agent debug");
            context.getLogger("io.floorlink.edge.EdgeAgent").info("agent info");
            context.getLogger("org.sqlite.Other").info("other info");
        });

        assertThat(logged).doesNotContain("library info", "agent debug");
        assertThat(logged.lines().filter(l -> l.contains("library warn"))).hasSize(3);
        assertThat(logged).contains("agent info", "other info");
    }

    @Test
    void formatComesFromTheSystemPropertyFirstThenTheEnvironment() {
        assertThat(LogConfigurator.json(Map.of("FLOORLINK_LOG_FORMAT", "json")::get, k -> null))
                .isTrue();
        assertThat(LogConfigurator.json(k -> null, Map.of("FLOORLINK_LOG_FORMAT", "json")::get))
                .isTrue();
        assertThat(LogConfigurator.json(
                        Map.of("FLOORLINK_LOG_FORMAT", "text")::get, Map.of("FLOORLINK_LOG_FORMAT", "json")::get))
                .isFalse();
        assertThat(LogConfigurator.json(k -> null, k -> null)).isFalse();
        assertThat(LogConfigurator.json(k -> null, Map.of("FLOORLINK_LOG_FORMAT", "JSON")::get))
                .isFalse();
    }

    @Test
    void aConfigurationFileTakesOver(@TempDir Path dir) throws Exception {
        ClassLoader bare = new URLClassLoader(new URL[0], null);
        assertThat(LogConfigurator.configurationFileGiven(k -> null, bare)).isFalse();
        assertThat(LogConfigurator.configurationFileGiven(
                        Map.of("logback.configurationFile", "/etc/floorlink/logback.xml")::get, bare))
                .isTrue();
        Files.writeString(dir.resolve("logback.xml"), "<configuration/>");
        try (URLClassLoader withFile = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertThat(LogConfigurator.configurationFileGiven(k -> null, withFile))
                    .isTrue();
        }
    }

    /** The whole of Logback's start with {@code -Dlogback.configurationFile}: that file's appender, not ours. */
    @Test
    void logbackConfigurationFilePropertyConfiguresFromThatFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("custom.xml");
        Files.writeString(file, """
                <configuration>
                  <appender name="CUSTOM" class="ch.qos.logback.core.ConsoleAppender">
                    <target>System.err</target>
                    <encoder><pattern>CUSTOM %level %msg%n</pattern></encoder>
                  </appender>
                  <root level="DEBUG"><appender-ref ref="CUSTOM"/></root>
                </configuration>
                """);
        String saved = System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY);
        System.setProperty(ContextInitializer.CONFIG_FILE_PROPERTY, file.toString());
        try {
            String logged = stderrOf(
                    context -> {
                        try {
                            new ContextInitializer(context).autoConfig();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    context -> context.getLogger("org.eclipse.milo.Client").debug("from the file"));

            assertThat(logged).isEqualTo("CUSTOM DEBUG from the file" + System.lineSeparator());
        } finally {
            if (saved == null) {
                System.clearProperty(ContextInitializer.CONFIG_FILE_PROPERTY);
            } else {
                System.setProperty(ContextInitializer.CONFIG_FILE_PROPERTY, saved);
            }
        }
    }

    /**
     * Logback finds the configurator as a service; on this class path (tests bring their logback-test.xml) it leaves
     * the configuration to Logback's own configurator.
     */
    @Test
    void logbackFindsTheConfiguratorAsAServiceAndLogbackTestXmlTakesOver() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
                .contains(LogConfigurator.class);

        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        LogConfigurator configurator = new LogConfigurator();
        configurator.setContext(context);
        try {
            assertThat(configurator.configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders())
                    .isExhausted();
        } finally {
            context.stop();
        }
    }

    /** Configures a new logger context with {@code configure}, runs {@code log} and returns what went to stderr. */
    private static String stderrOf(Consumer<LoggerContext> configure, Consumer<LoggerContext> log) {
        PrintStream savedErr = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        try {
            System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            configure.accept(context);
            log.accept(context);
        } finally {
            context.stop();
            System.setErr(savedErr);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
