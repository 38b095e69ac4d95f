package io.floorlink.edge.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;

/**
 * The edge agent's logging, configured in code (found by Logback as a {@link Configurator} service) so that Logback's
 * XML configuration machinery, about 240 classes and 2 MB of metaspace, is never loaded on an edge box.
 *
 * <p>{@code FLOORLINK_LOG_FORMAT=json} (a {@code -D} system property, else the environment variable) writes one JSON
 * object per line with Logback's {@link JsonEncoder} (the formatted message, not the arguments nor the context); any
 * other value or none writes text lines ({@value #TEXT_PATTERN}). Both go to stderr. Levels: INFO, Milo, Netty and the
 * HiveMQ client WARN.
 *
 * <p>A configuration file replaces all of this as in any Logback application: {@code -Dlogback.configurationFile=...},
 * or a {@code logback-test.xml} or {@code logback.xml} on the class path (tests, or a jar that bundles the agent with
 * its own {@code logback.xml}); then Logback's default configurator reads that file.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    /** The system property or environment variable that selects the format; {@code json} selects JSON. */
    public static final String FORMAT_KEY = "FLOORLINK_LOG_FORMAT";

    /** The layout of the text format. */
    public static final String TEXT_PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";

    private static final Map<String, Level> LEVELS = Map.of(
            "io.floorlink", Level.INFO,
            "org.eclipse.milo", Level.WARN,
            "io.netty", Level.WARN,
            "com.hivemq.client", Level.WARN,
            "com.hivemq", Level.WARN);

    /** Called by Logback's service loader. */
    public LogConfigurator() {}

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (configurationFileGiven(System::getProperty, getClass().getClassLoader())) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        configure(context, json(System::getProperty, System::getenv));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * Whether Logback's own configuration applies: {@code logback.configurationFile} is set, or {@code
     * logback-test.xml} or {@code logback.xml} is on the class path of {@code loader}.
     */
    static boolean configurationFileGiven(UnaryOperator<String> systemProperty, ClassLoader loader) {
        return systemProperty.apply(ContextInitializer.CONFIG_FILE_PROPERTY) != null
                || loader.getResource(ContextInitializer.TEST_AUTOCONFIG_FILE) != null
                || loader.getResource(ContextInitializer.AUTOCONFIG_FILE) != null;
    }

    /** {@code FLOORLINK_LOG_FORMAT} is {@code json}: the system property first, as Logback's XML condition read it. */
    static boolean json(UnaryOperator<String> systemProperty, UnaryOperator<String> environment) {
        String format = systemProperty.apply(FORMAT_KEY);
        if (format == null) {
            format = environment.apply(FORMAT_KEY);
        }
        return "json".equals(format);
    }

    /** Replaces the configuration of {@code context}: one stderr appender in the given format and the levels. */
    static void configure(LoggerContext context, boolean json) {
        context.reset();
        Encoder<ILoggingEvent> encoder = json ? jsonEncoder(context) : textEncoder(context);
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("STDERR");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
    }

    private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        // formattedMessage: the message with its arguments filled in; message keeps the template
        encoder.setWithFormattedMessage(true);
        encoder.setWithArguments(false);
        encoder.setWithContext(false);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        return encoder;
    }
}
