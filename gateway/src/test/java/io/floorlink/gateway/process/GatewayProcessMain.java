package io.floorlink.gateway.process;

import io.floorlink.gateway.BrokerConfig;
import io.floorlink.gateway.Gateway;
import io.floorlink.gateway.GatewayConfig;
import io.floorlink.gateway.StoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of the gateway child process that {@link GatewayProcess} launches: a {@link Gateway} on an external
 * broker, writing to a facts store, until the process is killed.
 *
 * <p>Arguments: {@code <broker url tcp://host:port> <store JDBC URL> <host id> <flush interval ms>}. The broker
 * user name comes from the environment variable {@value #ENV_BROKER_USER} and the password from {@value
 * #ENV_BROKER_PASSWORD} (both optional), so no secret shows on a command line. Prints {@value #READY} followed
 * by the pid to stdout once the gateway is started (store migrated, host subscribed, STATE online published).
 * A SIGTERM closes the gateway cleanly (shutdown hook); a SIGKILL does not.
 */
public final class GatewayProcessMain {
    /** First word of the line printed once the gateway runs. */
    public static final String READY = "FLOORLINK_GATEWAY_READY";

    static final String ENV_BROKER_USER = "FLOORLINK_TEST_BROKER_USER";
    static final String ENV_BROKER_PASSWORD = "FLOORLINK_TEST_BROKER_PASSWORD";

    private GatewayProcessMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: GatewayProcessMain <broker url> <store jdbc url> <host id> <flush ms>");
            System.exit(2);
        }
        String user = System.getenv(ENV_BROKER_USER);
        BrokerConfig broker = BrokerConfig.external(
                URI.create(args[0]),
                user,
                System.getenv(ENV_BROKER_PASSWORD) == null ? null : "${" + ENV_BROKER_PASSWORD + "}");
        GatewayConfig config = new GatewayConfig(
                broker,
                args[2],
                new StoreConfig(args[1], "sa", null),
                Duration.ofMillis(Long.parseLong(args[3])),
                null);
        Gateway gateway = Gateway.start(config, new SimpleMeterRegistry());
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "gateway-shutdown"));
        System.out.println(READY + " " + ProcessHandle.current().pid());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
