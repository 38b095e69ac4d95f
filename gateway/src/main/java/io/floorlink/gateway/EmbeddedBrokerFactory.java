package io.floorlink.gateway;

import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.net.URI;
import java.util.Iterator;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Port to the in-process MQTT broker. The gateway itself carries no broker: module {@code floorlink-broker}
 * ({@code io.floorlink.broker}, HiveMQ CE) implements this and registers it in {@code
 * META-INF/services/io.floorlink.gateway.EmbeddedBrokerFactory}; {@link #find()} sees it only when that module is on
 * the class path ({@code floorlink-collector.jar} has it, {@code floorlink-collector-slim.jar} does not).
 */
public interface EmbeddedBrokerFactory {

    /** Where a missing broker is explained: the jar that carries it. */
    String FULL_JAR = "floorlink-collector.jar";

    /**
     * Starts the broker; blocks until it listens.
     *
     * @param config an embedded broker's settings ({@link BrokerConfig#isEmbedded()}), never null
     * @param auth nullable: without it only the gateway's own host client may connect
     * @param hostId the primary host id whose STATE topic edges may read, never null
     * @throws IllegalArgumentException for settings that cannot work, naming the setting
     * @throws IllegalStateException when the broker does not start
     */
    Running start(BrokerConfig config, AuthConfig auth, String hostId) throws IOException, InterruptedException;

    /** A started broker; its meters are bound by {@link #bindTo}. */
    interface Running extends MeterBinder, AutoCloseable {
        /** The URL the host client connects to, {@code tcp://host:port} with the real port. */
        URI url();

        /** The TLS listener's URL, {@code ssl://host:port} with the real port; null without {@code broker.tls}. */
        URI tlsUrl();

        /** User name of the gateway's own host client; random per start. */
        String hostUser();

        /** Password of the gateway's own host client; random per start, never logged. */
        String hostPassword();

        /** Stops the broker; blocks up to 30 s. */
        @Override
        void close();
    }

    /** The broker module's implementation, or empty when it is not on the class path. Blocks on class loading. */
    static Optional<EmbeddedBrokerFactory> find() {
        Iterator<EmbeddedBrokerFactory> it = ServiceLoader.load(
                        EmbeddedBrokerFactory.class, EmbeddedBrokerFactory.class.getClassLoader())
                .iterator();
        return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
    }
}
