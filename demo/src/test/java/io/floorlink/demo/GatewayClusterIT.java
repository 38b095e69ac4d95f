package io.floorlink.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.config.Reconnect;
import io.floorlink.edge.node.EdgeNode;
import io.floorlink.edge.point.PointSample;
import io.floorlink.edge.point.PointSpec;
import io.floorlink.gateway.host.MetricValues;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Quality;
import io.floorlink.sparkplug.StateMessage;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.floorlink.testing.TestBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 15, "more than one machine": three gateway processes of one cluster ({@code gateway.cluster}) share one facts
 * store and one MQTT service and split six enterprises (Sparkplug groups) by leases; real edge nodes (one per group,
 * two devices each, durable buffer with receipts) publish while the gateway that connected last (the newest STATE
 * birth) is killed with SIGKILL. Its groups are taken over within lease_ttl + renew_interval + slack, the
 * remaining gateways re-establish STATE online with a newer timestamp (the killed one's will, offline with the newest
 * timestamp, would otherwise leave the edges without a host), and afterwards every sample the edges sent is in the
 * facts exactly once per group and device. Runs on an embedded HiveMQ CE and an H2 TCP server always, and on
 * Mosquitto and PostgreSQL when {@code FLOORLINK_IT_MQTT_URL} and {@code FLOORLINK_IT_POSTGRES_URL} are set.
 */
@Tag("soak")
class GatewayClusterIT {
    private static final int GATEWAYS = 3;
    private static final int GROUPS = 6;
    private static final List<String> DEVICES = List.of("DEV-1", "DEV-2");
    private static final int ROUNDS = 300;
    private static final long TTL_MS = 3_000;
    private static final long RENEW_MS = 1_000;
    private static final long FLUSH_MS = 500;
    /** Start of the takeover bound beyond ttl + renew interval: a round's own work and a loaded CI machine. */
    private static final long SLACK_MS = 5_000;

    private static final String NOW_MS = "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT)";
    private static final PointSpec COUNT =
            new PointSpec("count", DataType.DOUBLE, Category.PROCESS, null, Duration.ofMillis(10), 0.0, 1e9);

    @TempDir
    Path dir;

    private final List<Process> gateways = new ArrayList<>();
    private final List<EdgeNode> edges = new ArrayList<>();
    private final Map<EdgeNode, SimpleMeterRegistry> edgeMeters = new HashMap<>();
    private TestBroker broker;
    private Server h2;
    private Mqtt5AsyncClient observer;

    /** The edges' receipts and replays at debug: the post-mortem of a failed run (restored after it). */
    private final Logger edgeLog = (Logger) LoggerFactory.getLogger(EdgeNode.class);

    private Level edgeLevel;

    @BeforeEach
    void edgeDebug() {
        edgeLevel = edgeLog.getLevel();
        edgeLog.setLevel(Level.DEBUG);
    }

    @AfterEach
    void stopAll() throws Exception {
        edgeLog.setLevel(edgeLevel);
        for (EdgeNode e : edges) {
            e.close();
        }
        for (Process p : gateways) {
            JavaProcess.kill(p);
        }
        if (observer != null) {
            observer.disconnect();
        }
        JavaProcess.closeAll(broker, h2 == null ? null : h2::stop);
    }

    @Test
    void killedGatewaysGroupsAreTakenOverAndEverySampleIsCountedOnceOnEmbeddedBrokerAndH2Server() throws Exception {
        broker = TestBroker.start(dir.resolve("broker"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        h2 = Server.createTcpServer(
                        "-tcpPort",
                        Integer.toString(port),
                        "-ifNotExists",
                        "-baseDir",
                        dir.resolve("h2").toString())
                .start();
        String url = "jdbc:h2:tcp://127.0.0.1:" + port
                + "/facts;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
        run(broker.url(), url, "sa");
    }

    @Test
    void killedGatewaysGroupsAreTakenOverAndEverySampleIsCountedOnceOnMosquittoAndPostgresql() throws Exception {
        String mqtt = System.getenv("FLOORLINK_IT_MQTT_URL");
        String pg = System.getenv("FLOORLINK_IT_POSTGRES_URL");
        assumeTrue(mqtt != null && !mqtt.isBlank(), "FLOORLINK_IT_MQTT_URL is not set: no external broker");
        assumeTrue(pg != null && !pg.isBlank(), "FLOORLINK_IT_POSTGRES_URL is not set: no PostgreSQL");
        run(URI.create(mqtt), pg, "-");
    }

    private void run(URI mqtt, String storeUrl, String storeUser) throws Exception {
        // unique ids: a shared broker and database may hold earlier runs' retained messages and rows
        String run = UUID.randomUUID().toString().substring(0, 8);
        String hostId = "cluster-" + run;
        List<String> groups = new ArrayList<>();
        for (int i = 1; i <= GROUPS; i++) {
            groups.add("ENT-" + i + "-" + run);
        }
        // the processes' logs stay in target/ for the post-mortem of a failed run
        Path logs = Files.createDirectories(Path.of("target", "GatewayClusterIT", run));
        List<String> instances = new ArrayList<>();
        for (int i = 1; i <= GATEWAYS; i++) {
            String instance = "gw-" + i + "-" + run;
            instances.add(instance);
            Path log = logs.resolve(instance + ".log");
            gateways.add(JavaProcess.start(
                    log,
                    "256m",
                    ClusterGatewayMain.class.getName(),
                    mqtt.toString(),
                    storeUrl,
                    storeUser,
                    hostId,
                    instance,
                    String.join(",", groups),
                    Long.toString(TTL_MS),
                    Long.toString(RENEW_MS),
                    Long.toString(FLUSH_MS)));
            // one after the other: the last one started has the newest STATE birth
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> Files.readString(log).contains(ClusterGatewayMain.READY));
        }
        String dbUser = storeUser.equals("-") ? null : storeUser;
        await().atMost(Duration.ofSeconds(30))
                .alias("each of the 3 gateways serves its share: 2 of the 6 groups")
                .until(() -> owners(storeUrl, dbUser, groups).values().stream().allMatch(n -> n == 2)
                        && owners(storeUrl, dbUser, groups).size() == GATEWAYS);

        AtomicLong newestState = observeState(mqtt, hostId);
        Map<String, Published> published = observeCounts(groups);

        for (String g : groups) {
            edges.add(edge(mqtt, hostId, g));
        }
        String killed = instances.get(GATEWAYS - 1);
        List<String> killedGroups = new ArrayList<>();
        owners(storeUrl, dbUser, groups, killedGroups, killed);
        assertThat(killedGroups).hasSize(2);
        long stateBeforeKill = 0;
        long killedAt = 0;
        for (int r = 1; r <= ROUNDS; r++) {
            Instant now = Instant.now();
            for (EdgeNode e : edges) {
                for (String d : DEVICES) {
                    e.samples(List.of(new PointSample(d, "count", (double) r, Quality.GOOD, now, now)));
                }
            }
            if (r == ROUNDS / 3) {
                stateBeforeKill = newestState.get();
                gateways.get(GATEWAYS - 1).destroyForcibly().waitFor();
                killedAt = System.currentTimeMillis();
            }
            Thread.sleep(20);
        }
        long roundsEnd = System.currentTimeMillis();
        await().atMost(Duration.ofMillis(TTL_MS + RENEW_MS + SLACK_MS))
                .alias("the killed gateway's groups are served by the others")
                .until(() -> {
                    Map<String, Long> o = owners(storeUrl, dbUser, groups);
                    return !o.containsKey(killed)
                            && o.values().stream().mapToLong(Long::longValue).sum() == GROUPS;
                });
        long takeoverMs = System.currentTimeMillis() - killedAt;
        assertThat(takeoverMs).isLessThanOrEqualTo(TTL_MS + RENEW_MS + SLACK_MS);

        long before = stateBeforeKill;
        await().atMost(Duration.ofSeconds(30))
                .alias("message-flow-hid-sparkplug-state-message-delivered (section 7.3): after the newest host's"
                        + " will (offline, timestamp " + before + ") a remaining gateway publishes STATE online with a"
                        + " newer timestamp, which edges, ignoring STATE older than the newest seen, accept")
                .until(() -> newestState.get() > before);

        try {
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> edges.stream().allMatch(e -> receiptedUpTo(e, roundsEnd))
                            && mismatches(samples(storeUrl, dbUser, groups), published)
                                    .isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder why = new StringBuilder("not every record receipted and counted once within 120 s:");
            for (EdgeNode n : edges) {
                why.append("\n unreceipted ")
                        .append(unreceipted(n))
                        .append(", oldest record ")
                        .append(oldestRecordAgeSeconds(n))
                        .append(" s old, health ")
                        .append(n.health());
            }
            mismatches(samples(storeUrl, dbUser, groups), published)
                    .forEach(m -> why.append("\n ").append(m));
            throw new AssertionError(why.toString(), e);
        }
    }

    /**
     * What the facts say of point count against what the edges published, per {@code group/device}: every record
     * (rid) counted exactly once, besides which only DBIRTH values without a rid may be counted. A DBIRTH repeats the
     * point's current value; when that value's record has no receipt yet the edge sends it without its rid, so the
     * host cannot tell it from a new sample and counts it besides the record's replay (edge-agent behaviour, see the
     * report of issue 15); one published while no gateway served the group is counted by none. The records are the
     * 300 samples of the rounds plus the edge's refreshes of the unchanged last value (one per
     * {@code REFRESH_INTERVAL_MS}, 50 s, each a sample of its own). Empty when everything matches.
     */
    private static List<String> mismatches(Map<String, long[]> facts, Map<String, Published> published) {
        List<String> out = new ArrayList<>();
        for (String g : published.keySet().stream().sorted().toList()) {
            Published p = published.get(g);
            long records;
            double recordSum;
            long ridless;
            double ridlessSum;
            Set<Long> values = new HashSet<>();
            synchronized (p) {
                records = p.records.size();
                recordSum = p.records.values().stream()
                        .mapToDouble(Double::doubleValue)
                        .sum();
                p.records.values().forEach(v -> values.add(Math.round(v)));
                ridless = p.ridlessBirths;
                ridlessSum = p.ridlessBirthSum;
            }
            long[] f = facts.getOrDefault(g, new long[2]);
            boolean allSent = LongStream.rangeClosed(1, ROUNDS).allMatch(values::contains);
            long extra = f[0] - records;
            long extraSum = f[1] - Math.round(recordSum);
            if (!allSent || extra < 0 || extra > ridless || extraSum < 0 || extraSum > Math.round(ridlessSum)) {
                out.add(String.format(
                        "%s: %d samples (sum %d) in the facts; published %d records (sum %d, values 1..%d %s) and %d"
                                + " DBIRTH values without a rid (sum %d)",
                        g,
                        f[0],
                        f[1],
                        records,
                        Math.round(recordSum),
                        ROUNDS,
                        allSent ? "all there" : "NOT all there",
                        ridless,
                        Math.round(ridlessSum)));
            }
        }
        if (published.size() != GROUPS * DEVICES.size()) {
            out.add("published by " + published.size() + " devices, not " + GROUPS * DEVICES.size());
        }
        return out;
    }

    /** What one device published of point count. Guarded by itself. */
    private static final class Published {
        /** Value per record id, from DDATA (live and replayed) and DBIRTHs. */
        final Map<Long, Double> records = new HashMap<>();

        long ridlessBirths;
        double ridlessBirthSum;
        /** The alias of point count in the device's latest DBIRTH, -1 before. */
        long alias = -1;
    }

    /**
     * Per {@code group/device}: the records of point count the edges published (DBIRTH and DDATA, by rid) and the
     * DBIRTH values without a rid.
     */
    private Map<String, Published> observeCounts(List<String> groups) {
        Map<String, Published> out = new java.util.concurrent.ConcurrentHashMap<>();
        for (String g : groups) {
            // one subscription for both: a device's DBIRTH (naming the alias) is handled before its DDATA
            observer.subscribeWith()
                    .addSubscription()
                    .topicFilter(Topic.NAMESPACE + "/" + g + "/DBIRTH/#")
                    .qos(MqttQos.AT_MOST_ONCE)
                    .applySubscription()
                    .addSubscription()
                    .topicFilter(Topic.NAMESPACE + "/" + g + "/DDATA/#")
                    .qos(MqttQos.AT_MOST_ONCE)
                    .applySubscription()
                    .callback(msg -> {
                        String topic = msg.getTopic().toString();
                        Topic t = Topic.parse(topic);
                        boolean birth = t.type() == MessageType.DBIRTH;
                        Published p = out.computeIfAbsent(t.groupId() + "/" + t.deviceId(), k -> new Published());
                        synchronized (p) {
                            for (Metric m : Metrics.decode(topic, msg.getPayloadAsBytes())
                                    .getMetricsList()) {
                                boolean count = m.getName().equals("count")
                                        || (m.getName().isEmpty() && m.hasAlias() && m.getAlias() == p.alias);
                                if (!count) {
                                    continue;
                                }
                                if (birth && m.hasAlias()) {
                                    p.alias = m.getAlias();
                                }
                                if (m.getIsNull()) {
                                    continue;
                                }
                                long rid = MetricValues.longProperty(m.getProperties(), MetricNames.PROP_RID);
                                if (rid >= 0) {
                                    p.records.put(rid, m.getDoubleValue());
                                } else if (birth) {
                                    p.ridlessBirths++;
                                    p.ridlessBirthSum += m.getDoubleValue();
                                } else {
                                    // not expected: the facts check reports it as a record missing
                                    p.records.put(-1L - p.records.size(), Double.NaN);
                                }
                            }
                        }
                    })
                    .send()
                    .join();
        }
        return out;
    }

    private EdgeNode edge(URI mqtt, String hostId, String group) {
        EdgeConfig.Uplink uplink = new EdgeConfig.Uplink(
                mqtt,
                null,
                null,
                hostId,
                null,
                null,
                new Reconnect(Duration.ofMillis(100), Duration.ofMillis(500)),
                null,
                null,
                null,
                null,
                true,
                Duration.ofSeconds(3));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        EdgeNode n = new EdgeNode(
                new EdgeConfig.Edge(group, "edge-1"),
                uplink,
                new EdgeConfig.Buffer(dir.resolve("buffer-" + group + ".db"), null, null, 5000, null),
                Duration.ofSeconds(1),
                Duration.ofMillis(100),
                1000,
                100_000,
                meters);
        edgeMeters.put(n, meters);
        n.declareDevices(DEVICES);
        n.start();
        for (String d : DEVICES) {
            n.deviceUp(d, List.of(COUNT));
        }
        return n;
    }

    /** Age of the oldest record in the edge's buffer (one not receipted yet), 0 when it is empty. */
    private double oldestRecordAgeSeconds(EdgeNode e) {
        return edgeMeters.get(e).get("floorlink.edge.buffer.oldest.age").gauge().value();
    }

    /**
     * Whether no record the edge wrote up to {@code atMs} is left in its buffer: a record is deleted once a receipt
     * covers it, so the oldest one left is younger. The edge keeps writing health records (every device, every
     * second) and the newest of them wait for the host's next flush, so the buffer is never empty for long and the
     * records without a receipt at a given moment are rarely zero on all edges at once; what must be receipted is
     * everything written before the check began. The buffer's age gauge is refreshed every 500 ms, hence the second
     * of margin.
     */
    private boolean receiptedUpTo(EdgeNode e, long atMs) {
        return oldestRecordAgeSeconds(e) < (System.currentTimeMillis() - atMs - 1_000) / 1000.0;
    }

    /** Records the edge published that no receipt covers yet. */
    private double unreceipted(EdgeNode e) {
        return edgeMeters
                .get(e)
                .get("floorlink.edge.buffer.unreceipted")
                .gauge()
                .value();
    }

    /** The newest STATE timestamp seen online for {@code hostId}. */
    private AtomicLong observeState(URI mqtt, String hostId) {
        AtomicLong newest = new AtomicLong();
        observer = MqttClient.builder()
                .useMqttVersion5()
                .identifier("cluster-observer-" + hostId)
                .serverHost(mqtt.getHost())
                .serverPort(mqtt.getPort())
                .buildAsync();
        observer.connect().join();
        observer.subscribeWith()
                .topicFilter(Topic.state(hostId).toString())
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> {
                    StateMessage s = StateMessage.parse(p.getPayloadAsBytes());
                    if (s.online()) {
                        newest.accumulateAndGet(s.timestamp(), Math::max);
                    }
                })
                .send()
                .join();
        await().atMost(Duration.ofSeconds(10)).until(() -> newest.get() > 0);
        return newest;
    }

    /** Unexpired leases of {@code groups} per owner. */
    private static Map<String, Long> owners(String url, String user, List<String> groups) throws Exception {
        return owners(url, user, groups, new ArrayList<>(), null);
    }

    private static Map<String, Long> owners(
            String url, String user, List<String> groups, List<String> ownedBy, String owner) throws Exception {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url, user, null);
                PreparedStatement ps =
                        c.prepareStatement("SELECT group_id, owner_id FROM group_lease WHERE expires_at > " + NOW_MS)) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (groups.contains(rs.getString(1))) {
                        out.merge(rs.getString(2), 1L, Long::sum);
                        if (rs.getString(2).equals(owner)) {
                            ownedBy.add(rs.getString(1));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Per {@code group/device} of {@code groups}: samples and the sum of their values of point count. */
    private static Map<String, long[]> samples(String url, String user, List<String> groups) throws Exception {
        Map<String, long[]> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url, user, null);
                PreparedStatement ps = c.prepareStatement("SELECT group_id, device_id, SUM(samples), SUM(value_sum)"
                        + " FROM point_minute WHERE point_id = 'count' GROUP BY group_id, device_id")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (groups.contains(rs.getString(1))) {
                        out.put(
                                rs.getString(1) + "/" + rs.getString(2),
                                new long[] {rs.getLong(3), Math.round(rs.getDouble(4))});
                    }
                }
            }
        }
        return out;
    }
}
