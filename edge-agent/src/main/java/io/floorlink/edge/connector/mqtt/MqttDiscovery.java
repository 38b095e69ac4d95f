package io.floorlink.edge.connector.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.floorlink.sparkplug.mqtt.MqttClients;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Commissioning: listens to a topic filter for a while and reports every topic seen, its message rate and the
 * JSON fields (with inferred types) or plain value type of its payloads, and suggests a {@code connectors:} block.
 */
public final class MqttDiscovery {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_SAMPLES = 8;
    private static final int MAX_FIELDS = 200;

    private MqttDiscovery() {}

    /**
     * What to listen to.
     *
     * @param url broker, {@code tcp://host[:port]} or {@code ssl://host[:port]}, never null
     * @param topicFilter topic filter, e.g. {@code plant/#}, never null
     * @param duration how long to listen, positive
     * @param username user name, nullable
     * @param password password, nullable; never printed
     */
    public record Options(URI url, String topicFilter, Duration duration, String username, String password) {
        public Options {
            if (url == null || url.getHost() == null) {
                throw new IllegalArgumentException("--url: required, e.g. tcp://10.0.0.7:1883");
            }
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("tcp") && !scheme.equals("ssl")) {
                throw new IllegalArgumentException("--url: '" + url + "' must be tcp://host:port or ssl://host:port");
            }
            TopicFilters.check("--topic", topicFilter);
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("--seconds: must be positive");
            }
        }
    }

    /**
     * One field of a JSON payload.
     *
     * @param pointer JSON Pointer of the field
     * @param type inferred Sparkplug type name: boolean, int64, double or string
     * @param samples up to 8 distinct values seen, in order of appearance
     */
    public record Field(String pointer, String type, List<String> samples) {}

    /**
     * One topic seen.
     *
     * @param topic the topic
     * @param messages messages received
     * @param perSecond messages per second over the listening time
     * @param kind json, number, boolean, text or empty (of the last message that was not malformed)
     * @param malformed messages that looked like JSON but did not parse
     * @param fields JSON fields in order of first appearance, empty for plain payloads
     */
    public record TopicReport(
            String topic, long messages, double perSecond, String kind, long malformed, List<Field> fields) {}

    /**
     * Connects, listens for {@code options.duration()} and returns the topics seen, sorted by topic. Blocks for the
     * duration plus connection time.
     *
     * @throws IOException when the broker cannot be reached or refuses the connection or subscription
     */
    public static List<TopicReport> listen(Options options) throws IOException, InterruptedException {
        Map<String, Collector> topics = new TreeMap<>();
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "floorlink-mqtt-discover");
            t.setDaemon(true);
            return t;
        });
        Mqtt5AsyncClient client = MqttClients.v5(
                        MqttClients.builder(
                                options.url(),
                                "floorlink-discover-"
                                        + UUID.randomUUID().toString().substring(0, 8),
                                null,
                                null),
                        options.username(),
                        options.password())
                .buildAsync();
        client.publishes(
                MqttGlobalPublishFilter.ALL,
                p -> topics.computeIfAbsent(p.getTopic().toString(), Collector::new)
                        .add(p.getPayloadAsBytes()),
                task -> {
                    try {
                        worker.execute(task);
                    } catch (RejectedExecutionException done) {
                        // the session ends after the worker stopped; nothing left to collect
                    }
                });
        try {
            client.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS);
            client.subscribeWith()
                    .topicFilter(options.topicFilter())
                    .qos(MqttQos.AT_MOST_ONCE)
                    .send()
                    .get(10, TimeUnit.SECONDS);
            Thread.sleep(options.duration().toMillis());
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException("broker " + options.url() + ": " + cause.getMessage(), cause);
        } finally {
            try {
                client.disconnect().get(3, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // already gone; nothing to release
            }
            worker.shutdown();
            worker.awaitTermination(3, TimeUnit.SECONDS);
        }
        double seconds = options.duration().toMillis() / 1000.0;
        return topics.values().stream().map(c -> c.report(seconds)).toList();
    }

    /** A human-readable table of the topics. */
    public static String table(List<TopicReport> topics) {
        StringBuilder sb = new StringBuilder();
        for (TopicReport t : topics) {
            sb.append(String.format(
                    Locale.ROOT, "%s  %d msgs  %.2f/s  %s", t.topic(), t.messages(), t.perSecond(), t.kind()));
            if (t.malformed() > 0) {
                sb.append("  (").append(t.malformed()).append(" malformed)");
            }
            sb.append('\n');
            for (Field f : t.fields()) {
                sb.append("    ")
                        .append(f.pointer())
                        .append("  ")
                        .append(f.type())
                        .append("  e.g. ")
                        .append(String.join(", ", f.samples()))
                        .append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * A suggested {@code connectors:} block: topics that differ in one level only and carry the same fields become
     * one wildcard entry with {@code ids} and {@code device_segment}, the others one device each. Categories,
     * intervals and enumeration maps are guesses to review.
     */
    public static String suggestYaml(String connectorName, URI url, List<TopicReport> topics) {
        StringBuilder sb = new StringBuilder();
        sb.append("connectors:\n");
        sb.append("  - type: mqtt\n");
        sb.append("    name: ").append(connectorName).append('\n');
        sb.append("    url: ").append(url).append('\n');
        sb.append("    devices:\n");
        List<TopicReport> left = new ArrayList<>(topics.stream()
                .filter(t -> !t.kind().equals("empty") && !t.kind().equals("invalid"))
                .toList());
        List<TopicReport> statuses =
                new ArrayList<>(left.stream().filter(MqttDiscovery::isStatus).toList());
        left.removeAll(statuses);
        Set<String> usedIds = new LinkedHashSet<>();
        List<String> skipped = new ArrayList<>();
        while (!left.isEmpty()) {
            TopicReport first = left.get(0);
            List<TopicReport> group = List.of(first);
            int segment = -1;
            String[] levels = first.topic().split("/", -1);
            for (int i = 0; i < levels.length && group.size() == 1; i++) {
                final int level = i;
                List<TopicReport> same = left.stream()
                        .filter(t -> sameExceptLevel(first, t, level))
                        .toList();
                if (same.size() > 1) {
                    group = same;
                    segment = i + 1;
                }
            }
            left.removeAll(group);
            final int seg = segment;
            List<String> ids = group.size() > 1
                    ? group.stream().map(t -> t.topic().split("/", -1)[seg - 1]).toList()
                    : List.of(deviceId(first.topic()));
            if (ids.stream().anyMatch(usedIds::contains) || !ids.stream().allMatch(i -> i.matches("[A-Za-z0-9_-]+"))) {
                group.forEach(t -> skipped.add(t.topic()));
                continue;
            }
            usedIds.addAll(ids);
            String filter;
            if (group.size() > 1) {
                String[] f = first.topic().split("/", -1);
                f[segment - 1] = "+";
                filter = String.join("/", f);
                sb.append("      - ids: [").append(String.join(", ", ids)).append("]\n");
                sb.append("        topic: ").append(filter).append('\n');
                sb.append("        device_segment: ").append(segment).append('\n');
            } else {
                filter = first.topic();
                sb.append("      - id: ").append(ids.get(0)).append('\n');
                sb.append("        topic: ").append(filter).append('\n');
            }
            String status = statusFor(group, statuses, segment);
            if (status != null) {
                sb.append("        status: { topic: ").append(status).append(" }\n");
            }
            appendPoints(sb, first, group);
        }
        statuses.forEach(t -> skipped.add(t.topic()));
        for (String t : skipped) {
            sb.append("# not suggested (a status topic without its data topic, or a device id already used): ")
                    .append(t)
                    .append('\n');
        }
        return sb.toString();
    }

    private static void appendPoints(StringBuilder sb, TopicReport first, List<TopicReport> group) {
        double rate = group.stream().mapToDouble(TopicReport::perSecond).min().orElse(0);
        String interval = rate <= 0 ? "1s" : interval(1 / rate);
        if (!first.kind().equals("json")) {
            String type =
                    switch (first.kind()) {
                        case "number" -> "double";
                        case "boolean" -> "boolean";
                        default -> "string";
                    };
            sb.append("        points:\n");
            sb.append("          - { id: value, type: ")
                    .append(type)
                    .append(", category: process, interval: ")
                    .append(interval)
                    .append(" }\n");
            return;
        }
        Field ts =
                first.fields().stream().filter(f -> isTimestamp(f)).findFirst().orElse(null);
        if (ts != null) {
            sb.append("        timestamp: { pointer: ").append(ts.pointer()).append(", format: auto }\n");
        }
        sb.append("        silence_timeout: ").append(silence(rate)).append('\n');
        sb.append("        points:\n");
        Set<String> ids = new LinkedHashSet<>();
        for (Field f : first.fields()) {
            if (f == ts) {
                continue;
            }
            String id = f.pointer().substring(1).replaceAll("[^A-Za-z0-9_]", "_");
            if (id.isEmpty() || !ids.add(id)) {
                continue;
            }
            sb.append("          - { id: ").append(id).append(", pointer: ").append(f.pointer());
            if (f.type().equals("string") && looksLikeEnum(f)) {
                sb.append(", map: { ");
                for (int i = 0; i < f.samples().size(); i++) {
                    sb.append(i == 0 ? "" : ", ")
                            .append(yamlKey(f.samples().get(i)))
                            .append(": ")
                            .append(i);
                }
                sb.append(" }");
            } else {
                sb.append(", type: ").append(f.type());
            }
            sb.append(", category: ")
                    .append(category(f.pointer()))
                    .append(", interval: ")
                    .append(interval)
                    .append(" }\n");
        }
    }

    private static boolean isStatus(TopicReport t) {
        return t.kind().equals("text")
                && !t.fields().isEmpty()
                && t.fields().get(0).samples().stream()
                        .allMatch(v -> v.equalsIgnoreCase("online") || v.equalsIgnoreCase("offline"));
    }

    /**
     * The status topic (filter) of a data entry: every device of the group has a status topic that differs from
     * its data topic in the last level only, the same last level for all; those topics leave {@code statuses}.
     */
    private static String statusFor(List<TopicReport> group, List<TopicReport> statuses, int segment) {
        String last = null;
        List<TopicReport> used = new ArrayList<>();
        for (TopicReport d : group) {
            String[] dl = d.topic().split("/", -1);
            TopicReport match = null;
            for (TopicReport st : statuses) {
                String[] sl = st.topic().split("/", -1);
                if (sl.length == dl.length
                        && String.join("/", List.of(sl).subList(0, sl.length - 1))
                                .equals(String.join("/", List.of(dl).subList(0, dl.length - 1)))
                        && (last == null || last.equals(sl[sl.length - 1]))) {
                    match = st;
                    last = sl[sl.length - 1];
                    break;
                }
            }
            if (match == null) {
                return null;
            }
            used.add(match);
        }
        statuses.removeAll(used);
        String[] f = group.get(0).topic().split("/", -1);
        if (group.size() > 1) {
            f[segment - 1] = "+";
        }
        f[f.length - 1] = last;
        return String.join("/", f);
    }

    private static boolean sameExceptLevel(TopicReport a, TopicReport b, int level) {
        String[] x = a.topic().split("/", -1);
        String[] y = b.topic().split("/", -1);
        if (x.length != y.length) {
            return false;
        }
        for (int i = 0; i < x.length; i++) {
            if (i != level && !x[i].equals(y[i])) {
                return false;
            }
        }
        return a.kind().equals(b.kind())
                && a.fields().stream()
                        .map(Field::pointer)
                        .toList()
                        .equals(b.fields().stream().map(Field::pointer).toList());
    }

    private static boolean isTimestamp(Field f) {
        String name = f.pointer().toLowerCase(Locale.ROOT);
        return !f.type().equals("boolean")
                && (name.equals("/ts") || name.endsWith("time") || name.endsWith("timestamp") || name.equals("/t"))
                && !name.contains("cycle");
    }

    private static boolean looksLikeEnum(Field f) {
        return f.samples().size() < MAX_SAMPLES
                && f.samples().stream().allMatch(s -> s.matches("[A-Za-z][A-Za-z0-9_]{0,30}"));
    }

    private static String category(String pointer) {
        String p = pointer.toLowerCase(Locale.ROOT);
        if (p.contains("state") || p.contains("status") || p.contains("mode")) {
            return "state";
        }
        if (p.contains("count") || p.contains("/ok") || p.contains("/ng") || p.contains("total")) {
            return "counter";
        }
        if (p.contains("energy") || p.contains("kwh") || p.contains("power")) {
            return "energy";
        }
        if (p.contains("alarm") || p.contains("fault") || p.contains("error")) {
            return "alarm";
        }
        if (p.contains("test") || p.contains("result") || p.contains("pass")) {
            return "quality";
        }
        return "process";
    }

    private static String interval(double seconds) {
        long ms = Math.max(100, Math.round(seconds * 10) * 100);
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }

    private static String silence(double rate) {
        double period = rate <= 0 ? 1 : 1 / rate;
        return Math.max(5, (long) Math.ceil(period * 5)) + "s";
    }

    private static String yamlKey(String s) {
        return s.matches("(?i)(y|n|yes|no|on|off|true|false|null)") ? "\"" + s + "\"" : s;
    }

    private static String deviceId(String topic) {
        String[] l = topic.split("/");
        String id = l.length >= 2 ? l[l.length - 2] : l[l.length - 1];
        id = id.replaceAll("[^A-Za-z0-9_-]", "-");
        return id.isEmpty() ? "device" : id;
    }

    /** Everything seen on one topic; touched on the discovery worker thread only. */
    private static final class Collector {
        final String topic;
        long messages;
        long malformed;
        String kind = "empty";
        final Map<String, String> types = new LinkedHashMap<>();
        final Map<String, Set<String>> samples = new LinkedHashMap<>();
        final Set<String> plainSamples = new LinkedHashSet<>();

        Collector(String topic) {
            this.topic = topic;
        }

        void add(byte[] payload) {
            messages++;
            String text = new String(payload, StandardCharsets.UTF_8).trim();
            if (text.isEmpty()) {
                return;
            }
            if (text.startsWith("{") || text.startsWith("[")) {
                try {
                    JsonNode n = JSON.readTree(text);
                    kind = "json";
                    walk("", n);
                } catch (IOException e) {
                    malformed++;
                    if (kind.equals("empty")) {
                        kind = "invalid";
                    }
                }
                return;
            }
            if (plainSamples.size() < MAX_SAMPLES) {
                plainSamples.add(text.length() > 40 ? text.substring(0, 40) : text);
            }
            if (text.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?")) {
                kind = "number";
            } else if (text.matches("(?i)true|false")) {
                kind = "boolean";
            } else {
                kind = "text";
            }
        }

        private void walk(String pointer, JsonNode n) {
            if (n.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    walk(pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1"), e.getValue());
                }
            } else if (n.isArray()) {
                for (int i = 0; i < Math.min(n.size(), 10); i++) {
                    walk(pointer + "/" + i, n.get(i));
                }
            } else if (!n.isNull() && (types.containsKey(pointer) || types.size() < MAX_FIELDS)) {
                String t =
                        n.isBoolean() ? "boolean" : n.isIntegralNumber() ? "int64" : n.isNumber() ? "double" : "string";
                types.merge(pointer, t, Collector::widen);
                Set<String> s = samples.computeIfAbsent(pointer, k -> new LinkedHashSet<>());
                if (s.size() < MAX_SAMPLES) {
                    s.add(n.asText());
                }
            }
        }

        private static String widen(String a, String b) {
            if (a.equals(b)) {
                return a;
            }
            if ((a.equals("int64") && b.equals("double")) || (a.equals("double") && b.equals("int64"))) {
                return "double";
            }
            return "string";
        }

        TopicReport report(double seconds) {
            List<Field> fields = new ArrayList<>();
            types.forEach((p, t) -> fields.add(new Field(p, t, List.copyOf(samples.get(p)))));
            if (!kind.equals("json") && !plainSamples.isEmpty()) {
                fields.add(new Field("", kind, List.copyOf(plainSamples)));
            }
            return new TopicReport(topic, messages, messages / seconds, kind, malformed, fields);
        }
    }
}
