package io.floorlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facts store as a network peer: a real H2 TCP server that is not up yet when the gateway starts. */
class StoreRetryIT {

    @Test
    void aStoreThatIsNotReachableYetIsRetriedUntilItComesUp(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:facts;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        GatewayConfig cfg = GatewayConfig.defaults(dir).withBrokerPort(0).withStore(new StoreConfig(url, "sa", null));
        CompletableFuture<Gateway> starting = CompletableFuture.supplyAsync(() -> {
            try {
                return Gateway.start(cfg, new SimpleMeterRegistry());
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        Thread.sleep(1500);
        assertThat(starting).as("start waits for the store").isNotDone();
        Server h2 = Server.createTcpServer("-tcpPort", String.valueOf(port), "-ifNotExists")
                .start();
        try (Gateway gateway = starting.get(30, TimeUnit.SECONDS)) {
            assertThat(Db.count(gateway.dataSource(), "SELECT COUNT(*) FROM edge_session"))
                    .isZero();
        } finally {
            h2.stop();
        }
    }

    @Test
    void aStoreThatRefusesTheCredentialsEndsTheStart(@TempDir Path dir) throws Exception {
        Server h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        try {
            String url =
                    "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/mem:creds;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
            try (java.sql.Connection owner = java.sql.DriverManager.getConnection(url, "owner", "right")) {
                assertThat(owner.isValid(1))
                        .as("the database exists with its owner")
                        .isTrue();
                GatewayConfig cfg =
                        GatewayConfig.defaults(dir).withBrokerPort(0).withStore(new StoreConfig(url, "owner", "wrong"));
                assertThatThrownBy(() -> Gateway.start(cfg, new SimpleMeterRegistry()))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("facts store jdbc:h2:tcp://127.0.0.1:" + h2.getPort());
            }
        } finally {
            h2.stop();
        }
    }
}
