package io.floorlink.collector.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only audit log of every change of inventory, profiles and credentials: one JSON object per line
 * ({@code seq}, {@code time}, {@code actor}, {@code action}, {@code target}, {@code result}, {@code details},
 * {@code prev}, {@code hash}), each line chained to the one before by SHA-256, so a line edited, removed or
 * inserted later is found by {@link #verify(Path)}. Every append is forced to disk before it returns. Secrets never
 * go in: callers give fingerprints (SHA-256) of credentials, never their values.
 *
 * <p>Thread-safe; appends block on file I/O.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GENESIS = "0".repeat(64);
    /** Longest line read back; a longer one is corrupt (entries are small). */
    private static final int MAX_LINE_CHARS = 64 * 1024;

    private final Path file;
    private final Clock clock;
    private final FileChannel channel;
    private long seq;
    private String last;
    private final Map<String, String> fingerprints = new LinkedHashMap<>();

    private AuditLog(Path file, Clock clock, FileChannel channel, long seq, String last) {
        this.file = file;
        this.clock = clock;
        this.channel = channel;
        this.seq = seq;
        this.last = last;
    }

    /**
     * Opens (creating it and its folder if needed) the log for appending. A log whose chain does not verify is kept
     * as it is; the first entry appended then says so ({@code audit.chain_broken}).
     *
     * @throws IOException if the file cannot be read or opened for appending
     */
    public static AuditLog open(Path file, Clock clock) throws IOException {
        Objects.requireNonNull(file, "file");
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Verification v = Files.exists(file) ? verify(file) : new Verification(true, 0, null, GENESIS, Map.of());
        FileChannel ch =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        AuditLog log = new AuditLog(file, clock, ch, v.entries(), v.lastHash());
        log.fingerprints.putAll(v.fingerprints());
        if (!v.intact()) {
            LOG.error("Audit log {} does not verify: {}; kept as it is, new entries chain on", file, v.problem());
            log.append("collector", "audit.chain_broken", "audit_log", "found", Map.of("problem", v.problem()));
        }
        return log;
    }

    /** The file appended to. */
    public Path file() {
        return file;
    }

    /**
     * Appends one entry and forces it to disk.
     *
     * @param actor who: a token name, {@code admin}, or {@code collector} for what the collector found at start
     * @param action what, dotted, e.g. {@code inventory.import}
     * @param target what was changed, e.g. {@code inventory}
     * @param result e.g. {@code accepted}, {@code refused}, {@code changed}
     * @param details small values (strings, numbers, booleans, lists of them); never a secret
     * @return where the entry stands in the chain
     * @throws java.io.UncheckedIOException if the entry cannot be written
     */
    public synchronized Appended append(
            String actor, String action, String target, String result, Map<String, ?> details) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("seq", seq + 1);
        e.put("time", clock.instant().toString());
        e.put("actor", actor);
        e.put("action", action);
        e.put("target", target);
        e.put("result", result);
        e.put("details", details == null ? Map.of() : details);
        e.put("prev", last);
        try {
            String body = JSON.writeValueAsString(e);
            String hash = sha256(last + "\n" + body);
            e.put("hash", hash);
            String line = JSON.writeValueAsString(e) + "\n";
            ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(true);
            seq++;
            last = hash;
            return new Appended(seq, hash);
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException("cannot append to the audit log " + file, ex);
        }
    }

    /**
     * Records a configuration fingerprint found at start when it differs from the last one recorded for the same
     * target ({@code config.changed}, or {@code config.initial} the first time); nothing when it is unchanged.
     *
     * @param target e.g. {@code profiles}, {@code http_tokens}, {@code edge_credentials}
     * @param fingerprint a digest of the configuration (never the secret itself)
     * @param details what to show beside it (names, versions; never a secret)
     * @return true when an entry was written
     */
    public synchronized boolean recordConfig(String target, String fingerprint, Map<String, ?> details) {
        String before = fingerprints.get(target);
        if (fingerprint.equals(before)) {
            return false;
        }
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put("fingerprint", fingerprint);
        if (before != null) {
            d.put("previous_fingerprint", before);
        }
        append("collector", before == null ? "config.initial" : "config.changed", target, "recorded", d);
        fingerprints.put(target, fingerprint);
        return true;
    }

    /**
     * An entry's place in the chain.
     *
     * @param seq its sequence number, from 1
     * @param hash its SHA-256 (hex), which the next entry chains to
     */
    public record Appended(long seq, String hash) {}

    /**
     * The entries whose {@code target} is one of {@code targets}, oldest first, at most the newest {@code max}. Blocks
     * on reading the whole file; an unreadable line is skipped ({@link #verify} names it).
     */
    public static List<JsonNode> entries(Path file, java.util.Set<String> targets, int max) throws IOException {
        java.util.ArrayDeque<JsonNode> out = new java.util.ArrayDeque<>();
        if (!Files.exists(file)) {
            return List.of();
        }
        try (java.io.BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isEmpty() || line.length() > MAX_LINE_CHARS) {
                    continue;
                }
                JsonNode e;
                try {
                    e = JSON.readTree(line);
                } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                    continue;
                }
                if (targets.contains(e.path("target").asText())) {
                    if (out.size() == max) {
                        out.removeFirst();
                    }
                    out.addLast(e);
                }
            }
        }
        return List.copyOf(out);
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    /**
     * The result of checking a log.
     *
     * @param intact every line parses and chains to the one before
     * @param entries lines read
     * @param problem the first problem found (file line number and what), null when intact
     * @param lastHash hash of the last line that chains (the genesis value for an empty log)
     * @param fingerprints the latest configuration fingerprint per target
     */
    public record Verification(
            boolean intact, long entries, String problem, String lastHash, Map<String, String> fingerprints) {}

    /** Checks every line's hash and its link to the line before. Blocks on file I/O. */
    public static Verification verify(Path file) throws IOException {
        String prev = GENESIS;
        long n = 0;
        Map<String, String> fingerprints = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty() && i == lines.size() - 1) {
                break;
            }
            String at = file.getFileName() + ":" + (i + 1);
            if (line.length() > MAX_LINE_CHARS) {
                return new Verification(false, n, at + ": line too long", prev, fingerprints);
            }
            LinkedHashMap<String, Object> e;
            try {
                e = JSON.readValue(line, new TypeReference<LinkedHashMap<String, Object>>() {});
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                return new Verification(
                        false, n, at + ": not JSON (" + ex.getOriginalMessage() + ")", prev, fingerprints);
            }
            Object hash = e.remove("hash");
            if (!prev.equals(e.get("prev"))) {
                return new Verification(false, n, at + ": does not chain to the line before", prev, fingerprints);
            }
            if (!(hash instanceof String h) || !h.equals(sha256(prev + "\n" + JSON.writeValueAsString(e)))) {
                return new Verification(false, n, at + ": hash does not match its content", prev, fingerprints);
            }
            if (String.valueOf(e.get("action")).startsWith("config.") && e.get("details") instanceof Map<?, ?> d) {
                fingerprints.put(String.valueOf(e.get("target")), String.valueOf(d.get("fingerprint")));
            }
            prev = h;
            n++;
        }
        return new Verification(true, n, null, prev, fingerprints);
    }

    /** Lowercase hex SHA-256 of UTF-8 text. */
    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Lowercase hex SHA-256 of bytes. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
