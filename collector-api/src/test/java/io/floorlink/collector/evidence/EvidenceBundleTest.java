package io.floorlink.collector.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceBundleTest {
    @TempDir
    Path dir;

    private static final List<EvidenceBundle.Entry> FILES = List.of(
            new EvidenceBundle.Entry(
                    "indicators.csv", "equipment,online_ratio\nSEW-01,0.9\n".getBytes(StandardCharsets.UTF_8)),
            new EvidenceBundle.Entry(
                    "inventory.yaml", "enterprise: { code: ENT001 }\n".getBytes(StandardCharsets.UTF_8)),
            new EvidenceBundle.Entry(
                    "equipment/SEW-01.csv", "day,online\n2026-12-01,0.9\n".getBytes(StandardCharsets.UTF_8)));

    private Path bundle(PlatformKey key) throws IOException {
        Path zip = dir.resolve("bundle-" + System.nanoTime() + ".zip");
        try (OutputStream out = Files.newOutputStream(zip)) {
            EvidenceBundle.write(out, FILES, Map.of("enterprise", "ENT001", "from", "2026-12-01T00:00:00Z"), key);
        }
        return zip;
    }

    @Test
    void theKeyIsMadeOnceOwnerOnlyAndReloadedTheSame() throws Exception {
        PlatformKey first = PlatformKey.loadOrCreate(dir.resolve("keys"));
        PlatformKey again = PlatformKey.loadOrCreate(dir.resolve("keys"));
        assertThat(again.id()).isEqualTo(first.id()).hasSize(16);
        assertThat(Files.getPosixFilePermissions(dir.resolve("keys").resolve(PlatformKey.PRIVATE_FILE)))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(first.publicKeyPem()).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(first.toString()).doesNotContain("PRIVATE");

        Files.delete(dir.resolve("keys").resolve(PlatformKey.PUBLIC_FILE));
        assertThatThrownBy(() -> PlatformKey.loadOrCreate(dir.resolve("keys")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(PlatformKey.PUBLIC_FILE)
                .hasMessageContaining("is missing");
    }

    @Test
    void anUntouchedBundleVerifiesAndNamesItsKey() throws Exception {
        PlatformKey key = PlatformKey.loadOrCreate(dir.resolve("keys"));
        EvidenceBundle.Verification v = EvidenceBundle.verify(bundle(key), key.publicKeyPem());
        assertThat(v.problems()).isEmpty();
        assertThat(v.valid()).isTrue();
        assertThat(v.keyId()).isEqualTo(key.id());
        assertThat(v.files()).isEqualTo(3);
        assertThat(v.manifest().path("enterprise").asText()).isEqualTo("ENT001");
    }

    @Test
    void oneChangedByteRemovedOrAddedFilesAreNamed() throws Exception {
        PlatformKey key = PlatformKey.loadOrCreate(dir.resolve("keys"));
        Path good = bundle(key);

        Path changed = rewrite(good, (name, content) -> {
            if (name.equals("equipment/SEW-01.csv")) {
                content[content.length - 2] ^= 1;
            }
            return content;
        });
        EvidenceBundle.Verification v = EvidenceBundle.verify(changed, null);
        assertThat(v.valid()).isFalse();
        assertThat(v.problems()).singleElement().asString().startsWith("changed: equipment/SEW-01.csv");

        Path removed = rewrite(good, (name, content) -> name.equals("inventory.yaml") ? null : content);
        assertThat(EvidenceBundle.verify(removed, null).problems()).containsExactly("missing: inventory.yaml");

        Path added = dir.resolve("added.zip");
        Files.copy(good, added);
        appendEntry(good, added, "extra.csv", "x".getBytes(StandardCharsets.UTF_8));
        assertThat(EvidenceBundle.verify(added, null).problems())
                .containsExactly("added: extra.csv is not in the manifest");
    }

    @Test
    void anEditedManifestOrAnotherKeyIsRefused() throws Exception {
        PlatformKey key = PlatformKey.loadOrCreate(dir.resolve("keys"));
        Path good = bundle(key);
        Path edited = rewrite(
                good,
                (name, content) -> name.equals(EvidenceBundle.MANIFEST)
                        ? new String(content, StandardCharsets.UTF_8)
                                .replace("ENT001", "ENT002")
                                .getBytes(StandardCharsets.UTF_8)
                        : content);
        assertThat(EvidenceBundle.verify(edited, null).problems())
                .singleElement()
                .asString()
                .contains("the signature does not match the manifest");

        PlatformKey other = PlatformKey.loadOrCreate(dir.resolve("other-keys"));
        Path resigned = bundle(other);
        EvidenceBundle.Verification v = EvidenceBundle.verify(resigned, key.publicKeyPem());
        assertThat(v.valid()).isFalse();
        assertThat(v.problems())
                .containsExactly("signed by key " + other.id() + ", not by the trusted platform key " + key.id());
        assertThat(EvidenceBundle.verify(resigned, null).valid())
                .as("integrity alone holds: that is why --key exists")
                .isTrue();
    }

    @Test
    void unsafeOrReservedNamesAreRefusedWhenWriting() throws Exception {
        for (String bad : List.of("../etc/passwd", "/abs.csv", "a\\b.csv", "")) {
            assertThatThrownBy(() -> new EvidenceBundle.Entry(bad, new byte[0]))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        PlatformKey key = PlatformKey.loadOrCreate(dir.resolve("keys"));
        assertThatThrownBy(() -> EvidenceBundle.write(
                        new ByteArrayOutputStream(),
                        List.of(new EvidenceBundle.Entry(EvidenceBundle.MANIFEST, new byte[0])),
                        Map.of(),
                        key))
                .hasMessageContaining("reserved");
    }

    /** A copy of the zip with each entry passed through {@code edit} (null drops it). */
    private Path rewrite(Path zip, BiFunction<String, byte[], byte[]> edit) throws IOException {
        Map<String, byte[]> entries = read(zip);
        Path out = dir.resolve("edited-" + System.nanoTime() + ".zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(out))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                byte[] content = edit.apply(e.getKey(), e.getValue());
                if (content != null) {
                    z.putNextEntry(new ZipEntry(e.getKey()));
                    z.write(content);
                    z.closeEntry();
                }
            }
        }
        return out;
    }

    private void appendEntry(Path from, Path to, String name, byte[] content) throws IOException {
        Map<String, byte[]> entries = read(from);
        entries.put(name, content);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(to))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
    }

    private static Map<String, byte[]> read(Path zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(zip);
                ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                entries.put(e.getName(), z.readAllBytes());
            }
        }
        return entries;
    }
}
