package io.floorlink.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.floorlink.collector.Collector;
import io.floorlink.collector.CollectorConfig;
import io.floorlink.collector.HttpConfig;
import io.floorlink.edge.EdgeAgent;
import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.GatewayConfig;
import io.floorlink.gateway.broker.PasswordHash;
import io.floorlink.sim.modbus.MoldingMachineSimulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 13, secrets: a full run with every kind of secret in play (edge MQTT password, a hashed and a clear edge
 * credential at the broker, HTTP admin and reviewer tokens) and every way to get one wrong (a wrong MQTT password, an
 * unknown token, a reviewer writing, a refused inventory import). Every log line of every component, the audit log
 * and the configurations' {@code toString()} are searched: no secret appears, and no password hash either.
 */
class SecretsNeverLoggedIT {
    private static final String EDGE_PASSWORD = "edge-pw-Zq8rT2vX9kLm";
    private static final String OTHER_CLEAR_PASSWORD = "other-clear-pw-Yw3nB7cD";
    private static final String ADMIN_TOKEN = "admin-token-Hs4jK8pQ2wErT6yU";
    private static final String REVIEWER_TOKEN = "reviewer-token-Lm5nB9vC3xZa";
    private static final String WRONG_TOKEN = "wrong-token-Pp0oI9uY8tRe";
    private static final String WRONG_PASSWORD = "wrong-pw-Gf6dS5aQ4wE";

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private MoldingMachineSimulator plant;
    private Collector collector;
    private EdgeAgent edge;

    @AfterEach
    void stop() throws Exception {
        JavaProcess.closeAll(edge, collector, plant);
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    @Test
    void noSecretInAnyLogLineTheAuditLogOrToString() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);

        String hash = PasswordHash.hash(EDGE_PASSWORD);
        plant = MoldingMachineSimulator.start(MoldingMachineSimulator.Options.local(1));
        Path inventory = Files.writeString(dir.resolve("inventory.yaml"), PlantYaml.inventory("Secrets", plant, 2));
        AuthConfig auth = new AuthConfig(List.of(
                new AuthConfig.EdgeCredential("edge-01", hash, List.of("ENT001"), "edge-01"),
                new AuthConfig.EdgeCredential("other", OTHER_CLEAR_PASSWORD, List.of("ENT001"), "other")));
        CollectorConfig config = CollectorConfig.defaults(dir.resolve("data"))
                .withInventory(inventory)
                .withHttp(new HttpConfig("127.0.0.1", 0, ADMIN_TOKEN)
                        .withReviewerTokens(List.of(new HttpConfig.ReviewerToken("zhang-wei", REVIEWER_TOKEN))))
                .withGateway(GatewayConfig.defaults(dir.resolve("data"))
                        .withBrokerPort(0)
                        .withAuth(auth)
                        .withFlushInterval(Duration.ofMillis(500)));
        collector = Collector.start(config, new SimpleMeterRegistry());
        URI mqtt = collector.gateway().mqttUrl();

        Path edgeYaml = Files.writeString(
                dir.resolve("edge.yaml"),
                "edge: { group: ENT001, node: edge-01 }\n"
                        + "uplink:\n"
                        + "  url: tcp://127.0.0.1:" + mqtt.getPort() + "\n"
                        + "  username: edge-01\n"
                        + "  password: " + EDGE_PASSWORD + "\n"
                        + "  primary_host: floorlink\n"
                        + PlantYaml.edgeBufferHttpAndConnectors(dir.resolve("edge-buffer.db"), "16MB", plant, 2));
        EdgeConfig edgeConfig = EdgeConfig.load(edgeYaml);
        edge = EdgeAgent.start(edgeConfig, new SimpleMeterRegistry());
        await("the edge's data in the facts").atMost(Duration.ofSeconds(60)).until(() -> {
            collector.gateway().flush();
            return collector
                            .indicators()
                            .compute("pilot", java.time.Instant.now().minusSeconds(120), java.time.Instant.now())
                            .equipment()
                            .get(0)
                            .onlineRatio()
                            .numerator()
                            .doubleValue()
                    > 0;
        });

        // every way to get a secret wrong
        for (String[] attempt : new String[][] {{"edge-01", WRONG_PASSWORD}, {"other", WRONG_PASSWORD}}) {
            Mqtt5BlockingClient c = MqttClient.builder()
                    .useMqttVersion5()
                    .serverHost("127.0.0.1")
                    .serverPort(mqtt.getPort())
                    .simpleAuth()
                    .username(attempt[0])
                    .password(attempt[1].getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth()
                    .buildBlocking();
            try {
                c.connect();
            } catch (RuntimeException refused) {
                // expected: not authorized
            }
        }
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + collector.httpPort();
        assertThat(send(http, base + "/api/v1/indicators", WRONG_TOKEN, null)).isEqualTo(401);
        assertThat(send(http, base + "/api/v1/indicators", REVIEWER_TOKEN, null))
                .isEqualTo(200);
        assertThat(send(http, base + "/api/v1/inventory", REVIEWER_TOKEN, "equipment: []\n"))
                .isEqualTo(403);
        assertThat(send(http, base + "/api/v1/inventory", ADMIN_TOKEN, "equipment: [{ id: X }]\n"))
                .isEqualTo(400);
        assertThat(send(http, base + "/api/v1/inventory", ADMIN_TOKEN, Files.readString(inventory)))
                .isEqualTo(200);

        edge.close();
        edge = null;
        collector.close();
        collector = null;

        List<String> secrets = List.of(
                EDGE_PASSWORD, OTHER_CLEAR_PASSWORD, ADMIN_TOKEN, REVIEWER_TOKEN, WRONG_TOKEN, WRONG_PASSWORD, hash);
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent e : logs.list) {
            lines.add(e.getLoggerName() + " " + e.getFormattedMessage() + " " + e.getMDCPropertyMap() + " "
                    + throwable(e.getThrowableProxy()));
        }
        lines.add(Files.readString(dir.resolve("data").resolve(Collector.AUDIT_LOG)));
        lines.add(config.toString());
        lines.add(config.http().toString());
        lines.add(String.valueOf(config.gateway()));
        lines.add(auth.toString());
        lines.add(edgeConfig.toString());
        assertThat(logs.list).as("the run logged").hasSizeGreaterThan(10);
        assertThat(lines).as("log lines mentioning the refused MQTT logins").anyMatch(l -> l.contains("refused"));
        for (String secret : secrets) {
            assertThat(lines)
                    .as("no log line, audit entry or toString() contains a secret")
                    .noneMatch(l -> l.contains(secret));
        }
    }

    private static int send(HttpClient http, String url, String token, String yaml) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
        if (yaml != null) {
            b.header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(yaml));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static String throwable(IThrowableProxy t) {
        StringBuilder b = new StringBuilder();
        for (IThrowableProxy p = t; p != null; p = p.getCause()) {
            b.append(p.getClassName()).append(": ").append(p.getMessage()).append('\n');
            for (StackTraceElementProxy s : p.getStackTraceElementProxyArray()) {
                b.append(s.getSTEAsString()).append('\n');
            }
        }
        return b.toString();
    }
}
