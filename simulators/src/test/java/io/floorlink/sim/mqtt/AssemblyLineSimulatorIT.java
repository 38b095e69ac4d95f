package io.floorlink.sim.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.floorlink.sim.scenario.Scenario;
import io.floorlink.sim.scenario.ScenarioLoader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator against an external Mosquitto ({@code FLOORLINK_IT_MQTT_URL}, started by .ci/run), observed by a
 * real subscriber; skipped without it. Topics carry a random prefix because the broker is shared.
 */
class AssemblyLineSimulatorIT {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String prefix = "simit-" + UUID.randomUUID().toString().substring(0, 8) + "/asm1";
    private final List<String[]> received = new CopyOnWriteArrayList<>();
    private final Map<String, String> lastStatus = new ConcurrentHashMap<>();
    private URI url;
    private Mqtt5AsyncClient subscriber;
    private AssemblyLineSimulator sim;

    @BeforeEach
    void subscribe() throws Exception {
        String env = System.getenv("FLOORLINK_IT_MQTT_URL");
        assumeTrue(env != null && !env.isBlank(), "FLOORLINK_IT_MQTT_URL is not set (an external Mosquitto, .ci/run)");
        url = URI.create(env);
        subscriber = MqttClient.builder()
                .useMqttVersion5()
                .identifier("sub-" + UUID.randomUUID())
                .serverHost(url.getHost())
                .serverPort(url.getPort())
                .buildAsync();
        subscriber.publishes(MqttGlobalPublishFilter.ALL, p -> {
            String topic = p.getTopic().toString();
            String payload = new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
            if (topic.endsWith("/status")) {
                lastStatus.put(topic, payload);
            } else {
                received.add(new String[] {topic, payload});
            }
        });
        subscriber.connect().get();
        subscriber
                .subscribeWith()
                .topicFilter(prefix + "/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .send()
                .get();
    }

    @AfterEach
    void stop() throws Exception {
        if (sim != null) {
            sim.close();
            await().atMost(WAIT).until(() -> lastStatus.values().stream().allMatch("offline"::equals));
        }
        if (subscriber != null) {
            // Clear the retained statuses this test left on the shared broker.
            for (String topic : lastStatus.keySet()) {
                subscriber
                        .publishWith()
                        .topic(topic)
                        .retain(true)
                        .payload(new byte[0])
                        .send()
                        .get();
            }
            subscriber.disconnect().get();
        }
    }

    private List<JsonNode> dataOf(String station) {
        return received.stream()
                .filter(r -> r[0].equals(prefix + "/" + station + "/data"))
                .map(r -> {
                    try {
                        return JSON.readTree(r[1]);
                    } catch (Exception e) {
                        return null;
                    }
                })
                .toList();
    }

    @Test
    void stationsPublishJsonWithStatusLastWillSkewAndMalformedMessages() {
        sim = AssemblyLineSimulator.start(AssemblyLineOptions.defaults(url)
                .withStations(3)
                .withPrefix(prefix)
                .withInterval(Duration.ofMillis(100))
                .withClockSkew(Map.of("ST-02", Duration.ofMinutes(-5))));

        await().atMost(WAIT)
                .until(() -> sim.stationIds().stream().allMatch(s -> dataOf(s).size() >= 3));
        assertThat(lastStatus).containsEntry(prefix + "/ST-01/status", "online");
        JsonNode st1 = dataOf("ST-01").get(2);
        assertThat(st1.get("station").asText()).isEqualTo("ST-01");
        assertThat(st1.get("state").asText()).isIn("IDLE", "RUNNING", "BLOCKED", "FAULT");
        assertThat(st1.at("/counts/ok").isIntegralNumber()).isTrue();
        assertThat(st1.get("energy_kwh").isNumber()).isTrue();
        assertThat(st1.has("test")).isFalse();
        JsonNode eol = dataOf("ST-03").get(2);
        assertThat(eol.at("/test/result").asText()).isIn("PASS", "FAIL");
        assertThat(eol.at("/test/values/leak_rate/high").asDouble()).isEqualTo(2.0);
        long now = System.currentTimeMillis();
        assertThat(st1.get("ts").asLong()).isBetween(now - 10_000, now);
        assertThat(dataOf("ST-02").get(2).get("ts").asLong()).isBetween(now - 310_000, now - 290_000);

        sim.setStationPower("ST-01", false);
        await().atMost(WAIT).until(() -> "offline".equals(lastStatus.get(prefix + "/ST-01/status")));
        sim.setStationPower("ST-01", true);
        await().atMost(WAIT).until(() -> "online".equals(lastStatus.get(prefix + "/ST-01/status")));

        int before = received.size();
        sim.publishMalformed("ST-02");
        sim.burst("ST-02", 20);
        await().atMost(WAIT).until(() -> received.size() >= before + 21);
        assertThat(dataOf("ST-02")).contains((JsonNode) null);
    }

    @Test
    void scenarioFileFaultsSilenceSkewAndBurstStations() throws Exception {
        Scenario scenario = ScenarioLoader.parse("faults.yaml", """
                events:
                  - { at: 0s, station: ST-01, action: fault, fault: silent }
                  - { at: 0s, station: ST-02, action: fault, fault: clock_skew, skew: -5m }
                  - { at: 1s, station: ST-02, action: fault, fault: burst, count: 30 }
                  - { at: 2s, station: ST-01, action: clear, fault: silent }
                """);
        long started = System.currentTimeMillis();
        sim = AssemblyLineSimulator.start(AssemblyLineOptions.defaults(url)
                .withStations(2)
                .withPrefix(prefix)
                .withInterval(Duration.ofMillis(200))
                .withScenario(scenario));

        await().atMost(WAIT).until(() -> dataOf("ST-02").size() >= 30);
        long now = System.currentTimeMillis();
        List<JsonNode> skewed = dataOf("ST-02");
        assertThat(skewed.get(skewed.size() - 1).get("ts").asLong()).isBetween(now - 310_000, now - 290_000);
        await().atMost(WAIT).until(() -> dataOf("ST-01").size() >= 3);
        assertThat(dataOf("ST-01").get(0).get("ts").asLong())
                .as("ST-01 is silent until the clear at 2 s")
                .isGreaterThanOrEqualTo(started + 1_900);
    }
}
