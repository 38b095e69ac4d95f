package io.floorlink.collector.indicators;

import io.floorlink.collector.indicators.EquipmentIndicators.GapFlag;
import io.floorlink.collector.indicators.FactsReader.Declaration;
import io.floorlink.collector.indicators.FactsReader.GapFact;
import io.floorlink.collector.indicators.FactsReader.SessionFact;
import io.floorlink.gateway.facts.PlatformGap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which known gaps of the platform ({@code platform_gap}) concern which equipment, merged and bounded. Pure
 * computation over rows already read.
 */
final class DataTrust {
    /** Gap rows read for one report; a report over more is flagged as cut. */
    static final int MAX_GAP_ROWS = 100_000;
    /** Flags shown per equipment and per cause and scope; more are folded into the last one. */
    static final int MAX_FLAGS_PER_KIND = 50;

    static final String SCOPE_PLATFORM = "platform";
    static final String SCOPE_EDGE_NODE = "edge_node";
    static final String SCOPE_DEVICE = "device";

    /**
     * An edge buffer drops the oldest records a commit at a time, each loss record spanning one read cycle of the
     * device: losses less than this apart (a device reports at least every 10 s: its health metrics) are one loss.
     * Under drop_oldest nothing of the device was kept between them.
     */
    static final java.time.Duration LOSS_CONTINUES = java.time.Duration.ofSeconds(10);

    private DataTrust() {}

    /**
     * Whether minutes the edge replayed inside a not-known gap make them known: yes for a gateway outage (the edge
     * watched the device meanwhile); no for an edge buffer loss, which names the very span whose records are gone.
     */
    static boolean replayFills(GapFlag g) {
        return g.notKnownTime() && !g.cause().equals(PlatformGap.Cause.EDGE_BUFFER_LOSS.wireName());
    }

    static String scopeOf(GapFact g) {
        if (g.deviceId() != null) {
            return SCOPE_DEVICE;
        }
        return g.edgeNodeId() != null ? SCOPE_EDGE_NODE : SCOPE_PLATFORM;
    }

    /**
     * The gaps of each equipment: platform-wide ones for all; an edge node's for the equipment it declared points
     * of (latest DBIRTH) or reported sessions through; a device's for that equipment. Consecutive or overlapping
     * gaps of one cause and scope are merged. Rows, declarations and sessions are those of one group (a group-bound
     * {@link FactsReader}), so an edge node id names one node; a node gap without a group (its group id could not be
     * stored) applies to the node of that id.
     */
    static Map<String, List<GapFlag>> byEquipment(
            List<GapFact> rows,
            Collection<String> equipment,
            Map<String, Map<String, Declaration>> declarations,
            Map<String, List<SessionFact>> sessions) {
        Map<String, List<GapFlag>> out = new LinkedHashMap<>();
        if (rows.isEmpty()) {
            return out;
        }
        Map<String, Set<String>> declaredBy = new HashMap<>();
        Map<String, Set<String>> reportedBy = new HashMap<>();
        for (String id : equipment) {
            for (Declaration d : declarations.getOrDefault(id, Map.of()).values()) {
                declaredBy.computeIfAbsent(d.edgeNodeId(), k -> new HashSet<>()).add(id);
            }
            for (SessionFact s : sessions.getOrDefault(id, List.of())) {
                reportedBy.computeIfAbsent(s.edgeNodeId(), k -> new HashSet<>()).add(id);
            }
        }
        Set<String> all = new HashSet<>(equipment);
        Map<String, List<GapFact>> applicable = new LinkedHashMap<>();
        for (GapFact g : rows) {
            Collection<String> concerned;
            if (g.deviceId() != null) {
                concerned = all.contains(g.deviceId()) ? List.of(g.deviceId()) : List.of();
            } else if (g.edgeNodeId() != null) {
                Set<String> s = new HashSet<>(declaredBy.getOrDefault(g.edgeNodeId(), Set.of()));
                s.addAll(reportedBy.getOrDefault(g.edgeNodeId(), Set.of()));
                concerned = s;
            } else {
                concerned = equipment;
            }
            for (String id : concerned) {
                applicable.computeIfAbsent(id, k -> new ArrayList<>()).add(g);
            }
        }
        for (String id : equipment) {
            List<GapFact> list = applicable.get(id);
            if (list != null) {
                out.put(id, merge(list));
            }
        }
        return out;
    }

    /** What makes two gaps the same kind: cause and scope. */
    private static List<Object> kind(GapFlag f) {
        return java.util.Arrays.asList(f.cause(), f.scope(), f.groupId(), f.edgeNodeId(), f.deviceId());
    }

    /** Merges overlapping or touching gaps of the same cause and scope; ordered by start. */
    static List<GapFlag> merge(List<GapFact> rows) {
        List<GapFact> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(GapFact::from).thenComparing(GapFact::to));
        Map<List<Object>, GapFlag> open = new LinkedHashMap<>();
        List<GapFlag> out = new ArrayList<>();
        for (GapFact g : sorted) {
            PlatformGap.Cause cause = PlatformGap.Cause.ofWireName(g.cause());
            GapFlag next = new GapFlag(
                    g.cause(),
                    scopeOf(g),
                    g.groupId(),
                    g.edgeNodeId(),
                    g.deviceId(),
                    g.from(),
                    g.to(),
                    1,
                    g.events(),
                    g.detail(),
                    cause != null && cause.unknownTime(),
                    0);
            GapFlag last = open.get(kind(next));
            Instant reach = last == null
                    ? null
                    : next.cause().equals(PlatformGap.Cause.EDGE_BUFFER_LOSS.wireName())
                            ? last.to().plus(LOSS_CONTINUES)
                            : last.to();
            if (last != null && !next.from().isAfter(reach)) {
                open.put(
                        kind(next),
                        new GapFlag(
                                last.cause(),
                                last.scope(),
                                last.groupId(),
                                last.edgeNodeId(),
                                last.deviceId(),
                                last.from(),
                                Interval.max(last.to(), next.to()),
                                last.intervals() + 1,
                                last.events() + next.events(),
                                last.detail(),
                                last.notKnownTime(),
                                0));
            } else {
                if (last != null) {
                    out.add(last);
                }
                open.put(kind(next), next);
            }
        }
        out.addAll(open.values());
        out.sort(Comparator.comparing(GapFlag::from).thenComparing(GapFlag::cause));
        return out;
    }

    /**
     * Bounds the flags of one equipment: beyond {@link #MAX_FLAGS_PER_KIND} of one cause and scope, the rest are
     * folded into one flag from the first to the last of them (their counts and not-known seconds summed).
     */
    static List<GapFlag> bound(List<GapFlag> flags) {
        Map<List<Object>, List<GapFlag>> byKind = new LinkedHashMap<>();
        for (GapFlag f : flags) {
            byKind.computeIfAbsent(kind(f), k -> new ArrayList<>()).add(f);
        }
        if (byKind.values().stream().allMatch(l -> l.size() <= MAX_FLAGS_PER_KIND)) {
            return flags;
        }
        List<GapFlag> out = new ArrayList<>();
        for (List<GapFlag> l : byKind.values()) {
            if (l.size() <= MAX_FLAGS_PER_KIND) {
                out.addAll(l);
                continue;
            }
            out.addAll(l.subList(0, MAX_FLAGS_PER_KIND - 1));
            List<GapFlag> rest = l.subList(MAX_FLAGS_PER_KIND - 1, l.size());
            GapFlag first = rest.get(0);
            int intervals = 0;
            long events = 0;
            double notKnown = 0;
            Instant to = first.to();
            for (GapFlag f : rest) {
                intervals += f.intervals();
                events += f.events();
                notKnown += f.notKnownSeconds();
                to = Interval.max(to, f.to());
            }
            out.add(new GapFlag(
                    first.cause(),
                    first.scope(),
                    first.groupId(),
                    first.edgeNodeId(),
                    first.deviceId(),
                    first.from(),
                    to,
                    intervals,
                    events,
                    rest.size() + " gaps folded into one (more than " + MAX_FLAGS_PER_KIND + " in the window); "
                            + "first: " + first.detail(),
                    first.notKnownTime(),
                    notKnown));
        }
        out.sort(Comparator.comparing(GapFlag::from));
        return out;
    }
}
