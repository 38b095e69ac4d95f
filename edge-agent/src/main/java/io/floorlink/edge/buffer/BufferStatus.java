package io.floorlink.edge.buffer;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The durable buffer's part of the edge agent's {@code /health}. Immutable.
 *
 * @param state ok, degraded (records were dropped on overflow in the last minutes) or error (the buffer cannot
 *     write, or its file was corrupted and replaced)
 * @param code what is wrong, as a short stable word for alerts: {@value #CODE_DISK_FULL}, {@value #CODE_IO_ERROR},
 *     {@value #CODE_WRITE_ERROR}, {@value #CODE_UNAVAILABLE} (the file cannot be opened), {@value #CODE_CORRUPT} /
 *     {@value #CODE_DELETED} (the file was replaced by a fresh one, until the agent restarts), {@value
 *     #CODE_OVERFLOW} (records dropped on {@code max_size}); null while ok
 * @param reason what is wrong, in words an operator can act on; null while ok
 * @param file the buffer's database file
 * @param epoch id of the buffer's current state (see {@link DurableBuffer#epoch()})
 * @param records records in the buffer, not yet confirmed delivered (by a receipt or the confirmation window)
 * @param bytes bytes of database pages in use (the bound of {@code max_size} applies to it)
 * @param oldestRecordAgeMillis age of the oldest waiting record in milliseconds, 0 when empty
 * @param dropped records dropped since the agent started (overflow, write failures)
 */
public record BufferStatus(
        State state,
        String code,
        String reason,
        String file,
        String epoch,
        long records,
        long bytes,
        long oldestRecordAgeMillis,
        long dropped) {

    /** A write failed because the file system is full. */
    public static final String CODE_DISK_FULL = "disk_full";
    /** A write failed with an I/O error. */
    public static final String CODE_IO_ERROR = "io_error";
    /** A write failed for another reason. */
    public static final String CODE_WRITE_ERROR = "write_error";
    /** The file cannot be opened (or created); the agent runs without a buffer and keeps trying. */
    public static final String CODE_UNAVAILABLE = "unavailable";
    /** The file was corrupted; it is kept beside a fresh buffer with a new epoch. */
    public static final String CODE_CORRUPT = "corrupt";
    /** The file was deleted while the agent ran; a fresh buffer with a new epoch replaced it. */
    public static final String CODE_DELETED = "deleted";
    /** Records were dropped on the size bound in the last minutes. */
    public static final String CODE_OVERFLOW = "overflow";

    /** Overall buffer state. */
    public enum State {
        OK,
        DEGRADED,
        ERROR;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
