package io.floorlink.edge.buffer;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The durable buffer's part of the edge agent's {@code /health}. Immutable.
 *
 * @param state ok, degraded (records were dropped on overflow in the last minutes) or error (the buffer cannot
 *     write, or its file was corrupted and replaced)
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
        String reason,
        String file,
        String epoch,
        long records,
        long bytes,
        long oldestRecordAgeMillis,
        long dropped) {

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
