/**
 * The edge agent's durable store-and-forward buffer.
 *
 * <p>{@link io.floorlink.edge.buffer.DurableBuffer} is one SQLite file (WAL journal, {@code synchronous=NORMAL})
 * between the connectors and the uplink. The edge node writes every changed sample, every refresh of an unchanged
 * value and every {@code _health/*} value to it before publishing (write-ahead, group commit on the publisher's
 * batch interval), publishes DDATA at QoS 1 with the record id ({@code rid} property) and deletes a record only
 * when the broker acknowledged its DDATA. Whatever was written while the uplink or the primary host was
 * unavailable, or was not acknowledged before a disconnect or a crash, is replayed after the next NBIRTH in rid
 * order as {@code is_historical} DDATA, at {@code buffer.replay_rate} beside live data. A host drops duplicates by
 * (edge node, {@code _buffer/epoch}, rid).
 *
 * <p>Bounds and failures: the database pages in use are bounded by {@code buffer.max_size} with the
 * {@link io.floorlink.edge.buffer.Overflow overflow policy}; every dropped record is counted in {@code
 * floorlink.edge.buffer.dropped} and shown in {@code /health}. A corrupted file is moved aside and replaced by a
 * fresh buffer (new epoch); a full disk or an I/O error is reported and retried, and collection goes on without
 * the buffer meanwhile. The next bdSeq is kept in a small state file beside the database.
 */
package io.floorlink.edge.buffer;
