package io.floorlink.edge.connector.mqtt;

import java.util.ArrayList;
import java.util.List;

/** MQTT topic filter syntax and matching (MQTT 3.1.1 section 4.7). */
final class TopicFilters {
    private TopicFilters() {}

    static boolean hasWildcard(String filter) {
        return filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
    }

    /** Throws naming {@code field} when {@code filter} is not a valid topic filter. */
    static void check(String field, String filter) {
        if (filter == null || filter.isEmpty()) {
            throw new IllegalArgumentException(field + ": required");
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String l = levels[i];
            if (l.contains("#") && (!l.equals("#") || i != levels.length - 1)) {
                throw new IllegalArgumentException(field + ": '" + filter + "': # must be the whole last level");
            }
            if (l.contains("+") && !l.equals("+")) {
                throw new IllegalArgumentException(field + ": '" + filter + "': + must be a whole level");
            }
        }
    }

    /** Throws naming {@code field} unless level {@code segment} (1-based) of {@code filter} is a {@code +}. */
    static void checkSegment(String field, String filter, int segment) {
        String[] levels = filter.split("/", -1);
        if (segment < 1 || segment > levels.length || !levels[segment - 1].equals("+")) {
            List<String> plus = new ArrayList<>();
            for (int i = 0; i < levels.length; i++) {
                if (levels[i].equals("+")) {
                    plus.add(String.valueOf(i + 1));
                }
            }
            throw new IllegalArgumentException(field + ": level " + segment + " of '" + filter
                    + "' must be a + wildcard (levels count from 1; + is at level "
                    + (plus.isEmpty() ? "none" : String.join(", ", plus)) + ")");
        }
    }

    /** Whether {@code topic} (no wildcards) matches {@code filter}. */
    static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return !(i == 0 && topic.startsWith("$"));
            }
            if (i >= t.length) {
                return false;
            }
            if (f[i].equals("+")) {
                if (i == 0 && t[0].startsWith("$")) {
                    return false;
                }
                continue;
            }
            if (!f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }

    /** Level {@code segment} (1-based) of {@code topic}, or null when it has fewer levels. */
    static String segment(String topic, int segment) {
        String[] t = topic.split("/", -1);
        return segment <= t.length ? t[segment - 1] : null;
    }
}
