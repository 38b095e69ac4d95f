package io.floorlink.gateway;

import static io.floorlink.gateway.TestEdge.point;
import static io.floorlink.gateway.TestEdge.rid;
import static io.floorlink.gateway.TestEdge.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.floorlink.broker.EmbeddedBroker;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Receipt;
import io.floorlink.sparkplug.StateMessage;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.host.LiveView;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The primary host against the Sparkplug 3.0 host requirements, on a real HiveMQ CE whose extension records what the
 * host sends, with raw MQTT clients playing edge nodes and observers.
 */
class HostConformanceIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long T0 = 1_767_225_600_000L;

    @TempDir
    static Path dir;

    static ObservedBroker broker;
    static Gateway gateway;
    static SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeAll
    static void start() throws Exception {
        broker = new ObservedBroker(dir.resolve("observed"));
        gateway = Gateway.start(config(dir.resolve("conf"), "conf", Duration.ofHours(1)), registry);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static GatewayConfig config(Path d, String hostId, Duration flush) {
        return GatewayConfig.defaults(d)
                .withBroker(BrokerConfig.external(broker.url(), null, null))
                .withHostId(hostId)
                .withFlushInterval(flush);
    }

    private static List<ObservedBroker.Event> hostEvents(String hostId) {
        return broker.events().stream()
                .filter(e -> e.clientId().startsWith("floorlink-host-" + hostId + "-"))
                .toList();
    }

    private static Mqtt5BlockingClient observer(URI url) {
        Mqtt5BlockingClient c = MqttClient.builder()
                .useMqttVersion5()
                .serverHost(url.getHost())
                .serverPort(url.getPort())
                .buildBlocking();
        c.connect();
        return c;
    }

    /** The retained message on {@code topic}, or empty when none comes within 3 s. */
    private static Optional<Mqtt5Publish> retained(URI url, String topic) throws InterruptedException {
        Mqtt5BlockingClient c = observer(url);
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = c.publishes(MqttGlobalPublishFilter.ALL)) {
            c.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            return publishes.receive(3, TimeUnit.SECONDS);
        } finally {
            c.disconnect();
        }
    }

    private static StateMessage retainedState(URI url, String hostId) throws InterruptedException {
        Mqtt5Publish p = retained(url, Topic.state(hostId).toString()).orElseThrow();
        assertThat(p.isRetain()).isTrue();
        return StateMessage.parse(p.getPayloadAsBytes());
    }

    private static void publishState(String hostId, StateMessage state) {
        Mqtt5BlockingClient other = observer(broker.url());
        try {
            other.publishWith()
                    .topic(Topic.state(hostId).toString())
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .retain(true)
                    .payload(state.toJson())
                    .send();
        } finally {
            other.disconnect();
        }
    }

    private static List<Metric.Builder> records(int from, int to) {
        List<Metric.Builder> out = new ArrayList<>();
        for (int r = from; r <= to; r++) {
            out.add(rid(sample("speed", DataType.DOUBLE, (double) r, T0 + r * 1000L), r));
        }
        return out;
    }

    private static double counter(String name) {
        return registry.find(name).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    @Test
    @DisplayName("message-flow-phid-sparkplug-clean-session-50: every host CONNECT has Clean Start true and Session"
            + " Expiry 0")
    void message_flow_phid_sparkplug_clean_session_50() {
        List<ObservedBroker.Event> connects = hostEvents("conf").stream()
                .filter(e -> e.kind().equals("CONNECT"))
                .toList();
        assertThat(connects).isNotEmpty().allSatisfy(e -> {
            assertThat(e.cleanStart()).isTrue();
            assertThat(e.expiry()).isZero();
        });
    }

    @Test
    @DisplayName(
            "host-topic-phid-birth-sub-required, message-flow-phid-sparkplug-subscription, payloads-state-subscribe:"
                    + " the host subscribes to its own STATE topic and to spBv1.0/# before it publishes STATE online")
    void host_topic_phid_birth_sub_required_and_subscriptions_before_state_birth() {
        List<ObservedBroker.Event> ev = hostEvents("conf");
        String state = Topic.state("conf").toString();
        int sessions = 0;
        for (int i = 0; i < ev.size(); i++) {
            if (!ev.get(i).kind().equals("CONNECT")) {
                continue;
            }
            List<String> subscribed = new ArrayList<>();
            ObservedBroker.Event birth = null;
            for (int j = i + 1; j < ev.size(); j++) {
                ObservedBroker.Event e = ev.get(j);
                if (e.kind().equals("SUBSCRIBE")) {
                    subscribed.add(e.topic());
                } else if (e.kind().equals("PUBLISH")) {
                    birth = e;
                    break;
                }
            }
            assertThat(birth).as("the first message of the session").isNotNull();
            assertThat(birth.topic()).as("STATE is the first message").isEqualTo(state);
            assertThat(StateMessage.parse(birth.payload()).online()).isTrue();
            assertThat(birth.qos()).isEqualTo(1);
            assertThat(birth.retain()).isTrue();
            assertThat(subscribed).contains(state, Topic.NAMESPACE + "/#");
            sessions++;
        }
        assertThat(sessions).isPositive();
    }

    @Test
    @DisplayName("message-flow-hid-sparkplug-state-message-delivered: an offline STATE arriving right after the host's"
            + " online (before its PUBACK) is answered with online and the same timestamp")
    void message_flow_hid_sparkplug_state_message_delivered_race(@TempDir Path d) throws Exception {
        String topic = Topic.state("race").toString();
        // the broker publishes the offline while it handles the online, before acknowledging it
        broker.inject(new ObservedBroker.Injection(topic, topic, payload -> {
            StateMessage s = StateMessage.parse(payload);
            return s.online() ? new StateMessage(false, s.timestamp()).toJson() : null;
        }));
        try (Gateway gw = Gateway.start(config(d, "race", Duration.ofHours(1)), new SimpleMeterRegistry())) {
            long ts = gw.stateTimestamps().get(0);
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                List<ObservedBroker.Event> onlines = hostEvents("race").stream()
                        .filter(e -> e.kind().equals("PUBLISH") && e.topic().equals(topic))
                        .filter(e -> StateMessage.parse(e.payload()).online())
                        .toList();
                assertThat(onlines).hasSizeGreaterThanOrEqualTo(2);
                assertThat(onlines).allSatisfy(e -> assertThat(
                                StateMessage.parse(e.payload()).timestamp())
                        .isEqualTo(ts));
                assertThat(retainedState(broker.url(), "race")).isEqualTo(new StateMessage(true, ts));
            });
        }
    }

    @Test
    @DisplayName("message-flow-hid-sparkplug-state-message-delivered: an offline STATE newer than the host's own makes"
            + " it start a new session (no will) and publish online with a newer timestamp")
    void message_flow_hid_sparkplug_state_message_delivered_newer_timestamp(@TempDir Path d) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Gateway gw = Gateway.start(config(d, "renew", Duration.ofHours(1)), registry)) {
            long ts0 = gw.stateTimestamps().get(0);
            long offending = ts0 + 600_000;
            Mqtt5BlockingClient watcher = observer(broker.url());
            try (Mqtt5BlockingClient.Mqtt5Publishes seen = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
                watcher.subscribeWith()
                        .topicFilter(Topic.state("renew").toString())
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .send();
                publishState("renew", new StateMessage(false, offending));
                await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                    StateMessage now = retainedState(broker.url(), "renew");
                    assertThat(now.online()).isTrue();
                    assertThat(now.timestamp()).isGreaterThan(offending);
                });
                assertThat(gw.stateTimestamps().get(0)).isGreaterThan(offending);
                List<ObservedBroker.Event> connects = hostEvents("renew").stream()
                        .filter(e -> e.kind().equals("CONNECT"))
                        .toList();
                assertThat(connects).hasSize(2).allMatch(e -> e.cleanStart() && e.expiry() == 0);
                List<StateMessage> states = new ArrayList<>();
                for (Optional<Mqtt5Publish> p; (p = seen.receive(500, TimeUnit.MILLISECONDS)).isPresent(); ) {
                    states.add(StateMessage.parse(p.get().getPayloadAsBytes()));
                }
                assertThat(states)
                        .as("the old session's will was not sent")
                        .doesNotContain(new StateMessage(false, ts0));
                try (TestEdge edge = new TestEdge(broker.url(), "ENTR", "edge-renew", 1)) {
                    edge.connect();
                    edge.nbirth(T0);
                    await().atMost(WAIT)
                            .alias("the new session takes messages (the client's publish flow is registered again)")
                            .until(
                                    () -> registry
                                                    .find("floorlink.gateway.messages.received")
                                                    .tag("type", "nbirth")
                                                    .counters()
                                                    .stream()
                                                    .mapToDouble(c -> c.count())
                                                    .sum()
                                            >= 1);
                }
            } finally {
                watcher.disconnect();
            }
        }
    }

    @Test
    @DisplayName("payloads-ncmd-qos, payloads-ncmd-retain, topics-ncmd-mqtt: the rebirth NCMD is QoS 0, not retained")
    void payloads_ncmd_qos_and_retain() throws Exception {
        try (TestEdge edge = new TestEdge(broker.url(), "ENTC", "edge-ncmd", 1);
                Mqtt5BlockingClient.Mqtt5Publishes ncmd = edge.connectWithCommands()) {
            edge.device(MessageType.DDATA, "D", T0, List.of(sample("speed", DataType.DOUBLE, 1.0, T0)));
            Mqtt5Publish p = ncmd.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(p.getQos()).isEqualTo(MqttQos.AT_MOST_ONCE);
            assertThat(p.isRetain()).isFalse();
            Payload payload = Metrics.decode("ncmd", p.getPayloadAsBytes());
            assertThat(payload.getMetrics(0).getName()).isEqualTo(MetricNames.REBIRTH);
            String topic = Topic.node("ENTC", MessageType.NCMD, "edge-ncmd").toString();
            assertThat(hostEvents("conf"))
                    .filteredOn(e -> e.kind().equals("PUBLISH") && e.topic().equals(topic))
                    .isNotEmpty()
                    .allMatch(e -> e.qos() == 0 && !e.retain());
        }
        assertThat(retained(
                        broker.url(),
                        Topic.node("ENTC", MessageType.NCMD, "edge-ncmd").toString()))
                .isEmpty();
    }

    @Test
    @DisplayName("payloads-nbirth-bdseq, topics-nbirth-bdseq-included: an NBIRTH without bdSeq opens no session, is"
            + " counted and answered with a rebirth request")
    void payloads_nbirth_bdseq_missing_is_refused() throws Exception {
        double refused = counter("floorlink.gateway.births.refused");
        try (TestEdge edge = new TestEdge(broker.url(), "ENTC", "edge-nobdseq", 1);
                Mqtt5BlockingClient.Mqtt5Publishes ncmd = edge.connectWithCommands()) {
            edge.publish(
                    Topic.node("ENTC", MessageType.NBIRTH, "edge-nobdseq"),
                    Payload.newBuilder()
                            .setTimestamp(T0)
                            .setSeq(0)
                            .addMetrics(Metrics.metric(MetricNames.REBIRTH, DataType.BOOLEAN, false))
                            .build());
            Mqtt5Publish p = ncmd.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(Metrics.decode("ncmd", p.getPayloadAsBytes())
                            .getMetrics(0)
                            .getName())
                    .isEqualTo(MetricNames.REBIRTH);
            await().atMost(WAIT)
                    .ignoreExceptions()
                    .until(() -> counter("floorlink.gateway.births.refused") == refused + 1);
            assertThat(gateway.liveView()).noneMatch(n -> n.edgeNodeId().equals("edge-nobdseq"));
            gateway.flush();
            assertThat(Db.count(
                            gateway.dataSource(),
                            "SELECT COUNT(*) FROM edge_session WHERE edge_node_id = 'edge-nobdseq'"))
                    .isZero();
        }
    }

    private static Optional<LiveView.Node> live(String node) {
        return gateway.liveView().stream()
                .filter(n -> n.edgeNodeId().equals(node))
                .findFirst();
    }

    @Test
    @DisplayName("operational-behavior-edge-node-termination-host-action-ddeath-devices-tags-stale,"
            + " ...-ndeath-node-tags-stale, ...-ndeath-devices-tags-stale: the live view marks metrics STALE")
    void tags_stale_after_ddeath_and_ndeath() {
        try (TestEdge edge = new TestEdge(broker.url(), "ENTC", "edge-stale", 3)) {
            edge.connect();
            edge.nbirth(T0);
            edge.device(
                    MessageType.DBIRTH, "D1", T0, List.of(point("speed", DataType.DOUBLE, 1.0, "process", null, null)));
            edge.device(
                    MessageType.DBIRTH, "D2", T0, List.of(point("speed", DataType.DOUBLE, 2.0, "process", null, null)));
            edge.device(MessageType.DDATA, "D1", T0 + 1000, List.of(sample("speed", DataType.DOUBLE, 7.0, T0 + 1000)));
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                LiveView.Node n = live("edge-stale").orElseThrow();
                assertThat(n.online()).isTrue();
                assertThat(n.bdSeq()).isEqualTo(3L);
                assertThat(n.devices()).hasSize(2);
                LiveView.Metric speed = n.devices().get(0).metrics().stream()
                        .filter(m -> m.name().equals("speed"))
                        .findFirst()
                        .orElseThrow();
                assertThat(speed.value()).isEqualTo(7.0);
                assertThat(speed.timestamp()).isEqualTo(T0 + 1000);
                assertThat(speed.stale()).isFalse();
            });
            edge.device(MessageType.DDEATH, "D1", T0 + 2000, List.of());
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                LiveView.Node n = live("edge-stale").orElseThrow();
                assertThat(n.devices().get(0).online()).isFalse();
                assertThat(n.devices().get(0).metrics()).isNotEmpty().allMatch(LiveView.Metric::stale);
                assertThat(n.devices().get(1).metrics()).isNotEmpty().noneMatch(LiveView.Metric::stale);
                assertThat(n.metrics()).isNotEmpty().noneMatch(LiveView.Metric::stale);
            });
            edge.ndeath(3);
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                LiveView.Node n = live("edge-stale").orElseThrow();
                assertThat(n.online()).isFalse();
                assertThat(n.lastDeath()).isNotNull();
                assertThat(n.metrics()).isNotEmpty().allMatch(LiveView.Metric::stale);
                assertThat(n.devices()).allSatisfy(dev -> {
                    assertThat(dev.online()).isFalse();
                    assertThat(dev.metrics()).isNotEmpty().allMatch(LiveView.Metric::stale);
                });
            });
        }
    }

    @Test
    @DisplayName("receipts: after the commit, a retained QoS 1 receipt covers the stored rids of the node's epoch")
    void receipts_after_commit_cover_the_stored_rids() throws Exception {
        double published = counter("floorlink.gateway.receipts.published");
        String topic = Receipt.topic("conf", "ENTC", "edge-rcpt");
        try (TestEdge edge = new TestEdge(broker.url(), "ENTC", "edge-rcpt", 1)) {
            edge.connect();
            edge.nbirth(T0, "epoch-R");
            edge.device(
                    MessageType.DBIRTH, "R1", T0, List.of(point("speed", DataType.DOUBLE, 1.0, "process", null, null)));
            edge.device(MessageType.DDATA, "R1", T0, records(1, 3));
            edge.device(MessageType.DDATA, "R1", T0, records(5, 5));
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                gateway.flush();
                Mqtt5Publish p = retained(broker.url(), topic).orElseThrow();
                assertThat(p.isRetain()).isTrue();
                Receipt r = Receipt.parse(p.getPayloadAsBytes());
                assertThat(r.hostId()).isEqualTo("conf");
                assertThat(r.epoch()).isEqualTo("epoch-R");
                assertThat(r.ranges()).containsExactly(new long[] {1, 3}, new long[] {5, 5});
            });
            assertThat(hostEvents("conf"))
                    .filteredOn(e -> e.kind().equals("PUBLISH") && e.topic().equals(topic))
                    .isNotEmpty()
                    .allMatch(e -> e.qos() == 1 && e.retain());
            assertThat(counter("floorlink.gateway.receipts.published")).isGreaterThan(published);
        }
    }

    @Test
    @DisplayName("receipts: a node's stored ranges are published again after its next NBIRTH, so a receipt lost in a"
            + " gateway crash comes back without new records")
    void receipts_are_published_again_after_a_rebirth(@TempDir Path d) throws Exception {
        String topic = Receipt.topic("again", "ENTC", "edge-again");
        GatewayConfig cfg = config(d, "again", Duration.ofHours(1));
        try (Gateway gw = Gateway.start(cfg, new SimpleMeterRegistry());
                TestEdge edge = new TestEdge(broker.url(), "ENTC", "edge-again", 1)) {
            edge.connect();
            edge.nbirth(T0, "epoch-A");
            edge.device(
                    MessageType.DBIRTH, "A1", T0, List.of(point("speed", DataType.DOUBLE, 1.0, "process", null, null)));
            edge.device(MessageType.DDATA, "A1", T0, records(1, 2));
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                gw.flush();
                assertThat(retained(broker.url(), topic)).isPresent();
            });
        }
        // the receipt is lost (as if the gateway died between the commit and the publish)
        Mqtt5BlockingClient eraser = observer(broker.url());
        eraser.publishWith()
                .topic(topic)
                .qos(MqttQos.AT_LEAST_ONCE)
                .retain(true)
                .payload(new byte[0])
                .send();
        eraser.disconnect();
        assertThat(retained(broker.url(), topic)).isEmpty();
        try (Gateway gw = Gateway.start(cfg, new SimpleMeterRegistry());
                TestEdge edge = new TestEdge(broker.url(), "ENTC", "edge-again", 2)) {
            edge.connect();
            edge.nbirth(T0 + 60_000, "epoch-A");
            edge.device(
                    MessageType.DBIRTH,
                    "A1",
                    T0 + 60_000,
                    List.of(point("speed", DataType.DOUBLE, 1.0, "process", null, null)));
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                gw.flush();
                Receipt r = Receipt.parse(
                        retained(broker.url(), topic).orElseThrow().getPayloadAsBytes());
                assertThat(r.epoch()).isEqualTo("epoch-A");
                assertThat(r.ranges()).containsExactly(new long[] {1, 2});
            });
        }
    }

    @Test
    @DisplayName("receipts: no receipt for a node without a buffer epoch (third-party edge)")
    void no_receipt_without_an_epoch() throws Exception {
        try (TestEdge edge = new TestEdge(broker.url(), "ENTC", "edge-noepoch", 1)) {
            edge.connect();
            edge.nbirth(T0);
            edge.device(
                    MessageType.DBIRTH, "N1", T0, List.of(point("speed", DataType.DOUBLE, 1.0, "process", null, null)));
            edge.device(MessageType.DDATA, "N1", T0, records(1, 2));
            gateway.flush();
            gateway.flush();
            assertThat(retained(broker.url(), Receipt.topic("conf", "ENTC", "edge-noepoch")))
                    .isEmpty();
        }
    }

    @Test
    @DisplayName("receipts: none while the facts write fails; the receipt follows the commit once it succeeds")
    void no_receipt_for_a_failed_write(@TempDir Path d) throws Exception {
        String topic = Receipt.topic("failing", "ENTC", "edge-fail");
        try (Gateway gw = Gateway.start(config(d, "failing", Duration.ofMillis(200)), new SimpleMeterRegistry());
                TestEdge edge = new TestEdge(broker.url(), "ENTC", "edge-fail", 1)) {
            try (Connection c = gw.dataSource().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("ALTER TABLE edge_receipt RENAME TO edge_receipt_away");
            }
            edge.connect();
            edge.nbirth(T0, "epoch-F");
            edge.device(
                    MessageType.DBIRTH, "F1", T0, List.of(point("speed", DataType.DOUBLE, 1.0, "process", null, null)));
            edge.device(MessageType.DDATA, "F1", T0, records(1, 2));
            Thread.sleep(2_000);
            assertThat(retained(broker.url(), topic))
                    .as("nothing committed, no receipt")
                    .isEmpty();
            try (Connection c = gw.dataSource().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("ALTER TABLE edge_receipt_away RENAME TO edge_receipt");
            }
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                Receipt r = Receipt.parse(
                        retained(broker.url(), topic).orElseThrow().getPayloadAsBytes());
                assertThat(r.ranges()).containsExactly(new long[] {1, 2});
            });
            assertThat(Db.count(
                            gw.dataSource(),
                            "SELECT COUNT(*) FROM edge_receipt WHERE edge_node_id = 'edge-fail' AND rid_to = 2"))
                    .isEqualTo(1);
        }
    }

    @Test
    @DisplayName("operational-behavior-primary-application-state-with-multiple-servers-state: one host on two MQTT"
            + " servers: STATE birth on each, rebirth requests and receipts reach an edge on either")
    void multiple_servers(@TempDir Path d) throws Exception {
        try (EmbeddedBroker second = EmbeddedBroker.start(
                BrokerConfig.embedded("127.0.0.1", 0, d.resolve("second")), AuthConfig.anonymousOnLoopback())) {
            GatewayConfig cfg = GatewayConfig.defaults(d)
                    .withBroker(BrokerConfig.externalServers(List.of(broker.url(), second.url()), null, null))
                    .withHostId("multi")
                    .withFlushInterval(Duration.ofHours(1));
            try (Gateway gw = Gateway.start(cfg, new SimpleMeterRegistry());
                    TestEdge edge = new TestEdge(second.url(), "ENTM", "edge-b", 1);
                    Mqtt5BlockingClient.Mqtt5Publishes ncmd = edge.connectWithCommands()) {
                assertThat(gw.mqttUrls()).containsExactly(broker.url(), second.url());
                List<Long> ts = gw.stateTimestamps();
                assertThat(retainedState(broker.url(), "multi")).isEqualTo(new StateMessage(true, ts.get(0)));
                assertThat(retainedState(second.url(), "multi")).isEqualTo(new StateMessage(true, ts.get(1)));
                assertThat(hostEvents("multi"))
                        .filteredOn(e -> e.kind().equals("CONNECT"))
                        .hasSize(1);

                // an edge on the second server, not born for this host: the rebirth request reaches it
                edge.device(MessageType.DDATA, "B1", T0, List.of(sample("speed", DataType.DOUBLE, 1.0, T0)));
                assertThat(ncmd.receive(10, TimeUnit.SECONDS)).isPresent();
                edge.nbirth(T0, "epoch-M");
                edge.device(
                        MessageType.DBIRTH,
                        "B1",
                        T0,
                        List.of(point("speed", DataType.DOUBLE, 1.0, "process", null, null)));
                edge.device(MessageType.DDATA, "B1", T0, records(1, 4));
                String topic = Receipt.topic("multi", "ENTM", "edge-b");
                await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                    gw.flush();
                    for (URI url : List.of(broker.url(), second.url())) {
                        Receipt r =
                                Receipt.parse(retained(url, topic).orElseThrow().getPayloadAsBytes());
                        assertThat(r.ranges()).containsExactly(new long[] {1, 4});
                    }
                });
                assertThat(gw.liveView()).anyMatch(n -> n.edgeNodeId().equals("edge-b") && n.online());
            }
        }
    }
}
