package io.floorlink.gateway.facts;

import io.floorlink.sparkplug.Limits;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A known gap of the platform itself ({@code platform_gap}, V7): an interval in which FloorLink did not observe,
 * store or accept part of the data. The collector flags every figure whose window overlaps one.
 *
 * @param cause why, never null
 * @param groupId Sparkplug group of the affected edge node; null when the gap concerns every node of the host
 * @param edgeNodeId affected edge node; null when the gap concerns every node of the host
 * @param deviceId affected device; null when the gap concerns every device of the node (or of the host)
 * @param from start of the gap, inclusive, never null
 * @param to end of the gap, exclusive, not before {@code from}, never null
 * @param events messages or records concerned; 0 when the cause has no count
 * @param detail a short human-readable explanation, at most {@link #DETAIL_LENGTH} characters; nullable
 */
public record PlatformGap(
        Cause cause,
        String groupId,
        String edgeNodeId,
        String deviceId,
        Instant from,
        Instant to,
        long events,
        String detail) {

    /** Width of {@code platform_gap.detail}. */
    public static final int DETAIL_LENGTH = 256;

    public PlatformGap {
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("gap ends before it starts: " + from + " .. " + to);
        }
        groupId = clip(groupId, Limits.MAX_ID_LENGTH);
        edgeNodeId = clip(edgeNodeId, Limits.MAX_ID_LENGTH);
        deviceId = clip(deviceId, Limits.MAX_ID_LENGTH);
        detail = clip(detail, DETAIL_LENGTH);
    }

    private static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    /** Why the platform has a gap; stored by its {@link #wireName()}. */
    public enum Cause {
        /**
         * The gateway (primary host) was not running: from its last heartbeat to its next start. Nothing was
         * observed live; edges that buffer replay it later.
         */
        GATEWAY_DOWN(true),
        /**
         * The facts store refused every commit (unreachable, or the writer stalled) from the first failure to the
         * next commit. The gateway kept what it received in memory and edges kept their records (no receipt), so
         * the data arrives late, not lost, unless the gateway was stopped meanwhile (then a gateway_down follows).
         */
        STORE_UNREACHABLE(false),
        /**
         * The edge agent's durable buffer overflowed while the uplink or host was down and dropped the oldest
         * records of a device: from the oldest to the newest record dropped. What happened then is not known.
         */
        EDGE_BUFFER_LOSS(true),
        /** Messages of an edge node the host could not decode or refused (bad payload, limits), per minute. */
        DECODE_ERRORS(false),
        /** Records the facts store refused for a data reason, kept in {@code fact_quarantine}, per minute. */
        QUARANTINE(false);

        private final boolean unknownTime;

        Cause(boolean unknownTime) {
            this.unknownTime = unknownTime;
        }

        /**
         * Whether the time of such a gap is "not known" for a device without facts of it: the collector then
         * leaves it out of the device's online ratio and completeness instead of counting it as offline.
         */
        public boolean unknownTime() {
            return unknownTime;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The cause of a stored wire name, or null when this version does not know it. */
        public static Cause ofWireName(String s) {
            for (Cause c : values()) {
                if (c.wireName().equals(s)) {
                    return c;
                }
            }
            return null;
        }
    }
}
