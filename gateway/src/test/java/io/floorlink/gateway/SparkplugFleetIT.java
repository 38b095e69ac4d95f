package io.floorlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.gateway.broker.PasswordHash;
import io.floorlink.sim.sparkplug.SparkplugFleet;
import io.floorlink.sim.sparkplug.SparkplugFleetOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load generator of bench/gateway-load.sh ({@code floorlink-simulators.jar sparkplug-fleet}) against the real
 * gateway with its authenticating broker: the gateway accepts its births and stores exactly the samples the fleet
 * had acknowledged, with every declared point, and nothing is ignored or dropped.
 */
class SparkplugFleetIT {
    private static final String GROUP = "LOADGRP";
    private static final String HOST = "fleet-host";
    private static final String PASSWORD = "fleet-secret";
    private static final int NODES = 3;
    private static final int DEVICES = 4;
    private static final int POINTS = 25;

    @Test
    void theGatewayStoresExactlyWhatTheFleetSent(@TempDir Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<AuthConfig.EdgeCredential> edges = new ArrayList<>();
        String hash = PasswordHash.hash(PASSWORD);
        for (int i = 0; i < NODES; i++) {
            String node = "edge-" + String.format("%02d", i + 1);
            edges.add(new AuthConfig.EdgeCredential("bench-" + node, hash, List.of(GROUP), node));
        }
        try (Gateway gateway = Gateway.start(
                GatewayConfig.defaults(dir)
                        .withHostId(HOST)
                        .withAuth(new AuthConfig(edges))
                        .withBrokerPort(0)
                        .withFlushInterval(Duration.ofMillis(500)),
                registry)) {
            SparkplugFleetOptions options = new SparkplugFleetOptions(
                    gateway.mqttUrl(),
                    GROUP,
                    "edge",
                    NODES,
                    DEVICES,
                    POINTS,
                    6_000,
                    Duration.ofMillis(50),
                    "bench-{node}",
                    PASSWORD,
                    HOST,
                    1000);
            SparkplugFleet fleet = SparkplugFleet.start(options);
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> fleet.nodesBorn() == NODES);
                await().atMost(Duration.ofSeconds(30)).until(() -> fleet.samplesAcknowledged() >= 12_000);
            } finally {
                fleet.close(Duration.ofSeconds(10));
            }
            long sent = fleet.samplesSent();
            assertThat(fleet.samplesAcknowledged()).isEqualTo(sent);
            assertThat(fleet.messagesFailed()).isZero();
            assertThat(fleet.births()).isEqualTo(NODES);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                gateway.flush();
                assertThat(Db.count(
                                gateway.dataSource(),
                                "SELECT COALESCE(SUM(samples), 0) FROM point_minute WHERE group_id = ?",
                                GROUP))
                        .isEqualTo(sent);
            });
            assertThat(Db.count(
                            gateway.dataSource(),
                            "SELECT COUNT(DISTINCT device_id || '/' || point_id) FROM point_minute WHERE group_id = ?",
                            GROUP))
                    .isEqualTo((long) NODES * DEVICES * POINTS);
            assertThat(Db.count(
                            gateway.dataSource(),
                            "SELECT COALESCE(SUM(samples), 0) FROM point_hour WHERE group_id = ?",
                            GROUP))
                    .isEqualTo(sent);
            assertThat(Db.count(
                            gateway.dataSource(),
                            "SELECT COALESCE(SUM(bad + uncertain), 0) FROM point_minute WHERE group_id = ?",
                            GROUP))
                    .isZero();
            for (String counter : List.of(
                    "floorlink.gateway.seq.gaps",
                    "floorlink.gateway.queue.dropped",
                    "floorlink.gateway.messages.ignored",
                    "floorlink.gateway.decode.errors",
                    "floorlink.gateway.samples.rejected",
                    "floorlink.gateway.rebirth.requests")) {
                assertThat(registry.find(counter).counters())
                        .as(counter)
                        .allSatisfy(c -> assertThat(c.count()).as(counter).isZero());
            }
        }
    }
}
