package io.floorlink.sparkplug.edge;

import io.floorlink.sparkplug.Sequence;
import io.floorlink.sparkplug.StateMessage;
import java.util.HashMap;
import java.util.Map;

/**
 * The Sparkplug B 3.0 session rules of one edge node, without MQTT and without threads: which bdSeq each CONNECT
 * carries, the seq of every message after the NBIRTH, when the node may birth (connected, subscribed, primary host
 * online), what a STATE message means, that no DATA goes out between a rebirth request and the NBIRTH, and the
 * metric aliases.
 *
 * <p>The bdSeq methods ({@link #willBdSeq}, {@link #connectionEstablished}, {@link #connectionEnded},
 * {@link #bdSeqToStore}) are thread-safe, because an MQTT client decides the will of a reconnect on its own thread;
 * everything else is meant for the one thread that publishes and is not thread-safe.
 */
public final class EdgeSession {
    /** Most aliases one edge node hands out; metrics beyond it go by name only. */
    public static final int MAX_ALIASES = 1_000_000;

    /** What a STATE message of the primary host means for the node. */
    public enum StateChange {
        /** Older than a STATE already seen: ignored. */
        IGNORED,
        /** The host is online; the node may birth when it is not born. */
        ONLINE,
        /**
         * The host is online with a newer timestamp than the STATE the current births were made under: a new host
         * session, which may have missed what was sent in the old one.
         */
        NEW_HOST_SESSION,
        /** The host is offline; a born node must publish its NDEATH and disconnect. */
        OFFLINE
    }

    private final String primaryHost;

    // Guarded by this: the bdSeq of CONNECT packets.
    private int willBdSeq;
    private boolean established;

    private boolean connected;
    private boolean subscribed;
    private boolean hostOnline;
    private boolean born;
    private boolean rebirthPending;
    private long lastStateTimestamp = Long.MIN_VALUE;
    private long birthStateTimestamp = Long.MIN_VALUE;
    private int bdSeq;
    private int seq;

    private final Map<String, Long> aliases = new HashMap<>();
    private long nextAlias = 1;

    /**
     * @param primaryHost host_id of the primary host application whose STATE gates the births; null for none (the
     *     node births once connected and subscribed)
     * @param storedBdSeq the bdSeq stored by the previous run (0..255), the bdSeq of the first CONNECT
     */
    public EdgeSession(String primaryHost, long storedBdSeq) {
        this.primaryHost = primaryHost;
        this.willBdSeq = (int) Sequence.check(storedBdSeq);
        this.hostOnline = primaryHost == null;
    }

    // ---------------------------------------------------------------- bdSeq (thread-safe)

    /** The bdSeq of the next CONNECT and its will (the NDEATH payload). */
    public synchronized int willBdSeq() {
        return willBdSeq;
    }

    /**
     * The bdSeq to store durably now, before any CONNECT carries {@link #willBdSeq()}: a later run starts there, so it
     * never reuses a bdSeq an earlier will may carry, even after a crash.
     */
    public synchronized int bdSeqToStore() {
        return Sequence.next(willBdSeq);
    }

    /** An MQTT session was established (CONNACK); returns its bdSeq. */
    public synchronized int connectionEstablished() {
        established = true;
        return willBdSeq;
    }

    /**
     * The MQTT connection ended. After an established session the next CONNECT gets the next bdSeq, unless the node
     * is closing (no further CONNECT in this run: the stored value is already the next run's bdSeq).
     *
     * @return true when {@link #willBdSeq()} advanced and {@link #bdSeqToStore()} must be stored before the next
     *     CONNECT
     */
    public synchronized boolean connectionEnded(boolean closing) {
        boolean wasEstablished = established;
        established = false;
        if (!wasEstablished || closing) {
            return false;
        }
        willBdSeq = Sequence.next(willBdSeq);
        return true;
    }

    // ---------------------------------------------------------------- session (one thread)

    /** The session with {@code sessionBdSeq} is connected: subscriptions and births are to be made again. */
    public void sessionUp(int sessionBdSeq) {
        connected = true;
        subscribed = false;
        born = false;
        rebirthPending = false;
        hostOnline = primaryHost == null;
        bdSeq = (int) Sequence.check(sessionBdSeq);
    }

    /** The subscriptions of the session (NCMD, DCMD, STATE, ...) are acknowledged. */
    public void subscriptionsAcknowledged() {
        if (connected) {
            subscribed = true;
        }
    }

    /** The connection is gone: nothing is born any more. */
    public void sessionDown() {
        connected = false;
        subscribed = false;
        born = false;
        rebirthPending = false;
        hostOnline = primaryHost == null;
    }

    /**
     * A STATE message of the primary host. A STATE older than the newest one seen (by its timestamp) is ignored; one
     * with the same timestamp counts (a retained STATE delivered again after a reconnect).
     */
    public StateChange state(StateMessage state) {
        if (state.timestamp() < lastStateTimestamp) {
            return StateChange.IGNORED;
        }
        lastStateTimestamp = state.timestamp();
        if (!state.online()) {
            hostOnline = false;
            return StateChange.OFFLINE;
        }
        hostOnline = true;
        if (born && state.timestamp() > birthStateTimestamp) {
            birthStateTimestamp = state.timestamp();
            return StateChange.NEW_HOST_SESSION;
        }
        return StateChange.ONLINE;
    }

    /** Whether an NBIRTH may go out now: connected, subscribed, host online, and not born or a rebirth pending. */
    public boolean mayBirth() {
        return connected && subscribed && hostOnline && (!born || rebirthPending);
    }

    /**
     * The NBIRTH goes out: seq starts again at 0, the node is born, a pending rebirth is done.
     *
     * @return the seq of the NBIRTH, 0
     * @throws IllegalStateException when {@link #mayBirth()} is false
     */
    public int nodeBirth() {
        if (!mayBirth()) {
            throw new IllegalStateException("no NBIRTH now: connected=" + connected + ", subscribed=" + subscribed
                    + ", hostOnline=" + hostOnline + ", born=" + born);
        }
        seq = 0;
        born = true;
        rebirthPending = false;
        birthStateTimestamp = lastStateTimestamp;
        return 0;
    }

    /**
     * The seq of the next DBIRTH, DDATA, NDATA or DDEATH: one more than the previous message's, 255 followed by 0.
     *
     * @throws IllegalStateException when the node is not born
     */
    public int nextSeq() {
        if (!born) {
            throw new IllegalStateException("not born: no seq");
        }
        seq = Sequence.next(seq);
        return seq;
    }

    /** Whether DDATA and NDATA may go out: born and no rebirth pending. */
    public boolean mayPublishData() {
        return born && !rebirthPending;
    }

    /**
     * An NCMD {@code Node Control/Rebirth} = true arrived: no DATA until the next {@link #nodeBirth()}.
     *
     * @return true when the node is born and must birth again now; false when it is not born (the next birth comes
     *     anyway)
     */
    public boolean rebirthRequested() {
        if (!born) {
            return false;
        }
        rebirthPending = true;
        return true;
    }

    /** The node published its NDEATH (or is about to disconnect): nothing is born any more. */
    public void nodeDeath() {
        born = false;
        rebirthPending = false;
    }

    /**
     * The alias of a metric of the node (device null) or of one of its devices: unique across the node and all its
     * devices, the same for the same metric as long as this object lives.
     *
     * @return the alias, or -1 when {@link #MAX_ALIASES} are handed out already (the metric goes by name only)
     */
    public long alias(String deviceId, String metric) {
        String key = (deviceId == null ? "" : deviceId) + '\u0000' + metric;
        Long a = aliases.get(key);
        if (a != null) {
            return a;
        }
        if (aliases.size() >= MAX_ALIASES) {
            return -1;
        }
        long next = nextAlias++;
        aliases.put(key, next);
        return next;
    }

    public boolean connected() {
        return connected;
    }

    public boolean subscribed() {
        return subscribed;
    }

    /** Whether the primary host is online per its latest STATE (always true without a primary host). */
    public boolean hostOnline() {
        return hostOnline;
    }

    public boolean born() {
        return born;
    }

    public boolean rebirthPending() {
        return rebirthPending;
    }

    /** The bdSeq of the current (or last) session, as its NBIRTH carries it. */
    public int bdSeq() {
        return bdSeq;
    }

    /** The seq of the latest message. */
    public int seq() {
        return seq;
    }

    /** Timestamp of the newest STATE seen, {@link Long#MIN_VALUE} before the first. */
    public long lastStateTimestamp() {
        return lastStateTimestamp;
    }
}
