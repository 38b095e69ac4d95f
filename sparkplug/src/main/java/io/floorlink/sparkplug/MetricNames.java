package io.floorlink.sparkplug;

/** Metric and property names of the edge-agent/gateway contract (ARCHITECTURE.md, Sparkplug conventions). */
public final class MetricNames {
    /** NBIRTH/NDEATH birth-death sequence number, UInt64 (specification section 6.4.19). */
    public static final String BD_SEQ = "bdSeq";
    /** NBIRTH Boolean metric and NCMD command asking the edge node to rebirth (section 6.4.21). */
    public static final String REBIRTH = "Node Control/Rebirth";

    /** Device health: Boolean, true while the edge agent reaches the device. */
    public static final String HEALTH_CONNECTED = "_health/connected";
    /**
     * Device health: UInt64 count of successful point reads since the DBIRTH; the DBIRTH value carries the reads
     * made while the device was dead and not yet reported, so a host counts it as an increment from zero.
     */
    public static final String HEALTH_READS_OK = "_health/reads_ok";
    /** Device health: UInt64 count of failed point reads since the DBIRTH, carried the same way as reads_ok. */
    public static final String HEALTH_READS_FAILED = "_health/reads_failed";
    /** Prefix shared by all health metrics; points never start with it. */
    public static final String HEALTH_PREFIX = "_health/";

    /** Point property: category (state, counter, process, quality, energy, alarm, safety). String. */
    public static final String PROP_CATEGORY = "category";
    /** Point property: engineering unit. String. */
    public static final String PROP_UNIT = "unit";
    /** Point property: configured read interval in milliseconds. UInt64. */
    public static final String PROP_INTERVAL_MS = "interval_ms";
    /** Point property: low end of the valid range. Double. */
    public static final String PROP_ENG_LOW = "eng_low";
    /** Point property: high end of the valid range. Double. */
    public static final String PROP_ENG_HIGH = "eng_high";
    /**
     * Sample property: quality code as in OPC Classic (Int32; 192 good, 64 uncertain, 0 bad). Absent means
     * good; the property follows the convention of common Sparkplug hosts.
     */
    public static final String PROP_QUALITY = "Quality";

    /**
     * NBIRTH metric: String identifying the edge agent's durable buffer (a random id created with the buffer's state
     * and kept across restarts). The {@link #PROP_RID record ids} of a node are unique within one epoch; a host
     * keeps its duplicate filter per (group, node, epoch).
     */
    public static final String BUFFER_EPOCH = "_buffer/epoch";
    /**
     * Sample property: UInt64 id of the durable-buffer record the metric was published from, unique and increasing
     * per edge node within a {@link #BUFFER_EPOCH}. A record may be published more than once (at-least-once); a
     * host counts a (node, epoch, rid) once.
     */
    public static final String PROP_RID = "rid";
    /**
     * Health property: Boolean, true when a historical {@code _health/reads_ok} or {@code _health/reads_failed}
     * value is the increment since the device's previous buffered health record rather than a count since DBIRTH.
     */
    public static final String PROP_INCREMENT = "increment";

    /** NBIRTH/NDATA metric: UInt64, records waiting in the edge node's durable buffer. */
    public static final String BUFFER_RECORDS = "_buffer/records";
    /** NBIRTH/NDATA metric: UInt64, buffer records dropped (overflow, write failures) since the edge agent started. */
    public static final String BUFFER_DROPPED = "_buffer/dropped";
    /** NBIRTH/NDATA metric: UInt64, buffer records published and not yet confirmed by a receipt. */
    public static final String BUFFER_UNRECEIPTED = "_buffer/unreceipted";

    /**
     * Device metric: Int64 count of the device's records the edge agent's durable buffer dropped on overflow
     * ({@code buffer.max_size}); the metric's timestamp is the creation time of the newest record dropped and the
     * property {@link #PROP_LOST_FROM} that of the oldest. Published (mostly replayed) like any buffered record, with
     * a {@link #PROP_RID rid}; a host records the interval as a gap of the platform. Every DBIRTH declares it with
     * value 0, which means nothing.
     */
    public static final String BUFFER_LOST = "_buffer/lost";
    /**
     * Property of {@link #BUFFER_LOST}: DateTime (UInt64 epoch milliseconds on the wire), the creation time of the
     * oldest record dropped.
     */
    public static final String PROP_LOST_FROM = "lost_from";

    private MetricNames() {}

    public static boolean isHealthMetric(String name) {
        return name != null && name.startsWith(HEALTH_PREFIX);
    }
}
