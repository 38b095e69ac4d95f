package io.floorlink.collector.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.floorlink.collector.audit.AuditLog;
import io.floorlink.gateway.Pem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * An evidence bundle: a zip of the files behind an acceptance figure, a {@code manifest.json} with the SHA-256 of
 * every file and what the bundle is about (scope, period, profile, generation time), {@code manifest.sig} (the
 * Ed25519 signature of the manifest's exact bytes, Base64) and {@code platform-key.pem} (the public key that made
 * it). {@link #verify} checks a bundle offline and names every file that was changed, removed or added.
 *
 * <p>The key inside the bundle proves only that nothing changed since it was signed; that the platform signed it
 * is proved by comparing with the platform's key, {@code GET /api/v1/keys} ({@code verify --key}).
 */
public final class EvidenceBundle {
    public static final String FORMAT = "floorlink-evidence-bundle/1";
    public static final String MANIFEST = "manifest.json";
    public static final String SIGNATURE = "manifest.sig";
    public static final String PUBLIC_KEY = "platform-key.pem";
    /** Most files a bundle may hold, when written and when verified (a zip bomb guard). */
    public static final int MAX_FILES = 10_000;
    /** Most bytes all files of a bundle may hold uncompressed, when written and when verified. */
    public static final long MAX_BYTES = 512L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EvidenceBundle() {}

    /** One file of a bundle: a relative name with {@code /} separators, and its content. */
    public record Entry(String name, byte[] content) {
        public Entry {
            checkName(name);
        }
    }

    /**
     * Writes a signed bundle to {@code out} (not closed). Blocks on I/O.
     *
     * @param about what the bundle is about (scope, from, to, profile...), copied into the manifest; never null
     * @throws IllegalArgumentException for duplicate or reserved names, or more than the limits
     */
    public static void write(OutputStream out, List<Entry> files, Map<String, ?> about, PlatformKey key)
            throws IOException {
        if (files.size() > MAX_FILES) {
            throw new IllegalArgumentException("a bundle holds at most " + MAX_FILES + " files, not " + files.size());
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", FORMAT);
        manifest.putAll(about);
        manifest.put("algorithm", PlatformKey.ALGORITHM);
        manifest.put("key_id", key.id());
        List<Map<String, Object>> list = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        long total = 0;
        for (Entry f : files) {
            if (!names.add(f.name()) || isReserved(f.name())) {
                throw new IllegalArgumentException("bundle file name used twice or reserved: " + f.name());
            }
            total += f.content().length;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", f.name());
            m.put("size", f.content().length);
            m.put("sha256", AuditLog.sha256(f.content()));
            list.add(m);
        }
        if (total > MAX_BYTES) {
            throw new IllegalArgumentException("a bundle holds at most " + MAX_BYTES + " bytes, not " + total);
        }
        manifest.put("files", list);
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
        put(zip, MANIFEST, manifestBytes);
        put(
                zip,
                SIGNATURE,
                (Base64.getEncoder().encodeToString(key.sign(manifestBytes)) + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
        put(zip, PUBLIC_KEY, key.publicKeyPem().getBytes(StandardCharsets.US_ASCII));
        for (Entry f : files) {
            put(zip, f.name(), f.content());
        }
        zip.finish();
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry e = new ZipEntry(name);
        zip.putNextEntry(e);
        zip.write(content);
        zip.closeEntry();
    }

    /**
     * The outcome of {@link #verify}.
     *
     * @param valid the signature holds, the key is the trusted one (when given) and every file is as signed
     * @param keyId the id of the key in the bundle, null when there is none
     * @param problems each problem in one line naming the file; empty when valid
     * @param files how many files the manifest lists
     * @param manifest the manifest, null when it cannot be read
     */
    public record Verification(boolean valid, String keyId, List<String> problems, int files, JsonNode manifest) {}

    /**
     * Checks a bundle offline. Blocks on file I/O.
     *
     * @param trustedKeyPem the platform's public key (PEM) the bundle must be signed with, or null to accept the
     *     key inside the bundle (integrity only)
     * @throws IOException when the file cannot be read as a zip
     */
    public static Verification verify(Path bundle, String trustedKeyPem) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        try (InputStream in = Files.newInputStream(bundle);
                ZipInputStream zip = new ZipInputStream(in, StandardCharsets.UTF_8)) {
            long total = 0;
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (entries.size() >= MAX_FILES + 3) {
                    throw new IOException(bundle + ": more than " + MAX_FILES + " files; not a FloorLink bundle");
                }
                byte[] content = readLimited(zip, MAX_BYTES - total, bundle);
                total += content.length;
                if (entries.put(e.getName(), content) != null) {
                    problems.add("duplicate: " + e.getName() + " is in the zip twice");
                }
            }
        }
        byte[] manifestBytes = entries.remove(MANIFEST);
        byte[] signature = entries.remove(SIGNATURE);
        byte[] keyPem = entries.remove(PUBLIC_KEY);
        if (manifestBytes == null || signature == null || keyPem == null) {
            problems.add("missing: " + (manifestBytes == null ? MANIFEST : signature == null ? SIGNATURE : PUBLIC_KEY)
                    + " (not a FloorLink evidence bundle, or damaged)");
            return new Verification(false, null, problems, 0, null);
        }
        byte[] spki;
        try {
            spki = Pem.decode(new String(keyPem, StandardCharsets.US_ASCII), "PUBLIC KEY", PUBLIC_KEY);
        } catch (IllegalArgumentException e) {
            problems.add("changed: " + PUBLIC_KEY + " is not a public key");
            return new Verification(false, null, problems, 0, null);
        }
        String keyId = PlatformKey.id(spki);
        boolean signed;
        try {
            signed = PlatformKey.verify(
                    spki,
                    manifestBytes,
                    Base64.getDecoder().decode(new String(signature, StandardCharsets.US_ASCII).strip()));
        } catch (IllegalArgumentException e) {
            signed = false;
        }
        if (!signed) {
            problems.add("changed: " + MANIFEST + " or " + SIGNATURE + ": the signature does not match the manifest");
        }
        if (trustedKeyPem != null) {
            byte[] trusted = Pem.decode(trustedKeyPem, "PUBLIC KEY", "the trusted key");
            if (!java.util.Arrays.equals(trusted, spki)) {
                problems.add("signed by key " + keyId + ", not by the trusted platform key " + PlatformKey.id(trusted));
            }
        }
        JsonNode manifest;
        try {
            manifest = JSON.readTree(manifestBytes);
        } catch (IOException e) {
            problems.add("changed: " + MANIFEST + " is not JSON");
            return new Verification(false, keyId, problems, 0, null);
        }
        if (!FORMAT.equals(manifest.path("format").asText())) {
            problems.add(MANIFEST + ": format is '" + manifest.path("format").asText() + "', expected " + FORMAT);
        }
        int listed = 0;
        for (JsonNode f : manifest.path("files")) {
            listed++;
            String name = f.path("name").asText();
            byte[] content = entries.remove(name);
            if (content == null) {
                problems.add("missing: " + name);
            } else if (!AuditLog.sha256(content).equals(f.path("sha256").asText())
                    || content.length != f.path("size").asLong(-1)) {
                problems.add("changed: " + name + " (sha256 " + AuditLog.sha256(content) + ", signed "
                        + f.path("sha256").asText() + ")");
            }
        }
        for (String extra : entries.keySet()) {
            problems.add("added: " + extra + " is not in the manifest");
        }
        return new Verification(problems.isEmpty(), keyId, List.copyOf(problems), listed, manifest);
    }

    private static byte[] readLimited(InputStream in, long remaining, Path bundle) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        long n = 0;
        for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
            n += r;
            if (n > remaining) {
                throw new IOException(
                        bundle + ": more than " + MAX_BYTES + " bytes uncompressed; not a FloorLink" + " bundle");
            }
            out.write(buf, 0, r);
        }
        return out.toByteArray();
    }

    private static boolean isReserved(String name) {
        return name.equals(MANIFEST) || name.equals(SIGNATURE) || name.equals(PUBLIC_KEY);
    }

    private static void checkName(String name) {
        if (name == null
                || name.isEmpty()
                || name.startsWith("/")
                || name.contains("\\")
                || name.contains("\0")
                || List.of(name.split("/", -1)).contains("..")
                || name.length() > 255) {
            throw new IllegalArgumentException("bad bundle file name: " + name);
        }
    }
}
