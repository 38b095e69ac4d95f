package io.floorlink.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.floorlink.gateway.BrokerConfig;
import io.floorlink.gateway.Gateway;
import io.floorlink.gateway.GatewayConfig;
import io.floorlink.gateway.StoreConfig;
import io.floorlink.gateway.cluster.ClusterConfig;
import io.floorlink.gateway.host.HostProcessor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * A gateway of a cluster in a child JVM of {@link GatewayClusterIT}, until it is killed. Arguments: {@code <broker
 * url> <store jdbc url> <store user or -> <host id> <instance id> <groups, comma separated> <lease ttl ms> <renew
 * interval ms> <flush interval ms>}. Prints {@value #READY} once the gateway runs.
 */
public final class ClusterGatewayMain {
    static final String READY = "FLOORLINK_CLUSTER_GATEWAY_READY";

    private ClusterGatewayMain() {}

    public static void main(String[] args) throws Exception {
        // leases, receipts and rebirths at debug in the process log: the post-mortem of a failed run
        ((Logger) LoggerFactory.getLogger(HostProcessor.class)).setLevel(Level.DEBUG);
        GatewayConfig config = new GatewayConfig(
                        BrokerConfig.external(URI.create(args[0]), null, null),
                        args[3],
                        new StoreConfig(args[1], args[2].equals("-") ? null : args[2], null),
                        Duration.ofMillis(Long.parseLong(args[8])),
                        null)
                .withCluster(new ClusterConfig(
                        args[4],
                        Duration.ofMillis(Long.parseLong(args[6])),
                        Duration.ofMillis(Long.parseLong(args[7])),
                        List.of(args[5].split(","))));
        Gateway gateway = Gateway.start(config, new SimpleMeterRegistry());
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "gateway-shutdown"));
        System.out.println(READY + " " + ProcessHandle.current().pid());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
