package io.floorlink.gateway.facts;

/** Which utilisation facts a point's category asks for (V4__state_static_counters.sql). */
enum PointKind {
    /** time in each value */
    STATE,
    /** increases and static runs (counter, energy) */
    COUNTER,
    /** static runs (process) */
    STATIC,
    OTHER;

    static PointKind of(String category) {
        if (category == null) {
            return OTHER;
        }
        return switch (category) {
            case "state" -> STATE;
            case "counter", "energy" -> COUNTER;
            case "process" -> STATIC;
            default -> OTHER;
        };
    }
}
