package io.floorlink.broker;

import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.BrokerConfig;
import io.floorlink.gateway.EmbeddedBrokerFactory;
import java.io.IOException;

/**
 * The gateway's embedded broker: {@link EmbeddedBroker} (HiveMQ CE), found by the gateway through {@code
 * java.util.ServiceLoader} when this module is on the class path. Stateless; thread-safe.
 */
public final class HiveMqBrokerFactory implements EmbeddedBrokerFactory {

    /** {@inheritDoc} Blocks until the broker listens. */
    @Override
    public EmbeddedBroker start(BrokerConfig config, AuthConfig auth, String hostId)
            throws IOException, InterruptedException {
        return EmbeddedBroker.start(config, auth, hostId);
    }
}
