package io.floorlink.collector.api;

import io.floorlink.sparkplug.host.LiveView;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/sparkplug/nodes}: the primary host's live Sparkplug view (edge nodes, devices, metrics with
 * value, quality, timestamp and STALE), read-only, of the groups the caller sees. Answers 503 while no gateway is
 * attached.
 */
final class SparkplugNodesEndpoint {
    private volatile Supplier<List<LiveView.Node>> source;

    void attach(Supplier<List<LiveView.Node>> liveView) {
        this.source = liveView;
    }

    /**
     * @param visible whether the caller sees the edge nodes of a Sparkplug group (enterprise code)
     */
    void get(Context ctx, java.util.function.Predicate<String> visible) {
        Supplier<List<LiveView.Node>> s = source;
        if (s == null) {
            ctx.status(503).json(new ApiError("sparkplug_unavailable", null, "no Sparkplug host is attached"));
            return;
        }
        List<LiveView.Node> nodes;
        try {
            nodes = s.get();
        } catch (IllegalStateException e) {
            ctx.status(503).json(new ApiError("sparkplug_unavailable", null, e.getMessage()));
            return;
        }
        List<Map<String, Object>> out = new ArrayList<>(nodes.size());
        for (LiveView.Node n : nodes) {
            if (!visible.test(n.groupId())) {
                continue;
            }
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("group", n.groupId());
            node.put("node", n.edgeNodeId());
            node.put("online", n.online());
            node.put("bd_seq", n.bdSeq());
            node.put("last_birth", time(n.lastBirth()));
            node.put("last_death", time(n.lastDeath()));
            node.put("metrics", metrics(n.metrics()));
            List<Map<String, Object>> devices = new ArrayList<>(n.devices().size());
            for (LiveView.Device d : n.devices()) {
                Map<String, Object> device = new LinkedHashMap<>();
                device.put("device", d.deviceId());
                device.put("online", d.online());
                device.put("stale", d.stale());
                device.put("metrics", metrics(d.metrics()));
                devices.add(device);
            }
            node.put("devices", devices);
            out.add(node);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", out.size());
        body.put("nodes", out);
        ctx.json(body);
    }

    private static List<Map<String, Object>> metrics(List<LiveView.Metric> metrics) {
        List<Map<String, Object>> out = new ArrayList<>(metrics.size());
        for (LiveView.Metric m : metrics) {
            Map<String, Object> metric = new LinkedHashMap<>();
            metric.put("name", m.name());
            metric.put("datatype", m.datatype());
            metric.put("value", m.value());
            metric.put("quality", m.quality().name().toLowerCase(java.util.Locale.ROOT));
            metric.put("timestamp", m.timestamp() == 0 ? null : Instant.ofEpochMilli(m.timestamp()));
            metric.put("stale", m.stale());
            out.add(metric);
        }
        return out;
    }

    private static Instant time(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis);
    }
}
