package io.floorlink.sparkplug.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerOnlyFilesTest {
    @TempDir
    Path dir;

    @Test
    void newFileIsOwnerOnlyWithItsContent() throws IOException {
        assumeTrue(OwnerOnlyFiles.isPosix(dir), "POSIX file system");
        Path file = dir.resolve("secret.password");

        OwnerOnlyFiles.writeString(file, "s3cret\n");

        assertThat(file).hasContent("s3cret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void replacesAWiderFileAtomicallyByANewOwnerOnlyOne() throws IOException {
        assumeTrue(OwnerOnlyFiles.isPosix(dir), "POSIX file system");
        Path file = dir.resolve("config.xml");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Object oldInode = Files.readAttributes(file, "unix:ino").get("ino");
        Path reader = dir.resolve("reader-link");
        Files.createLink(reader, file); // a reader that opened the old file keeps the old, whole content

        OwnerOnlyFiles.write(file, "new".getBytes(StandardCharsets.UTF_8));

        assertThat(file).hasContent("new");
        assertThat(reader).hasContent("old");
        assertThat(Files.readAttributes(file, "unix:ino").get("ino")).isNotEqualTo(oldInode);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }

    @Test
    void failedContentLeavesTheTargetAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("store.p12");
        Files.writeString(file, "before");

        assertThatThrownBy(() -> OwnerOnlyFiles.write(file, out -> {
                    out.write("partial".getBytes(StandardCharsets.UTF_8));
                    throw new IOException("store failed");
                }))
                .hasMessage("store failed");

        assertThat(file).hasContent("before");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void createNewRefusesAnExistingFileAndLeavesIt() throws IOException {
        Path file = dir.resolve("platform.key");
        OwnerOnlyFiles.createNew(file, "first".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> OwnerOnlyFiles.createNew(file, "second".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(FileAlreadyExistsException.class);

        assertThat(file).hasContent("first");
        assertThat(leftovers()).isEmpty();
        if (OwnerOnlyFiles.isPosix(dir)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void directoriesAreOwnerOnlyNewOrExisting() throws IOException {
        assumeTrue(OwnerOnlyFiles.isPosix(dir), "POSIX file system");
        Path made = OwnerOnlyFiles.createDirectories(dir.resolve("a/b/secrets"));
        Path existing = Files.createDirectory(dir.resolve("keys"));
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-xr-x"));

        OwnerOnlyFiles.createDirectories(existing);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(made)))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(existing)))
                .isEqualTo("rwx------");
        assertThatThrownBy(() -> OwnerOnlyFiles.createDirectories(Files.writeString(dir.resolve("f"), "x")))
                .isInstanceOf(FileAlreadyExistsException.class);
    }

    /** The documented fallback: a file system without POSIX permissions (here a zip file) still gets the write. */
    @Test
    void nonPosixFileSystemWritesWithoutPermissions() throws IOException {
        URI zip = URI.create("jar:" + dir.resolve("fs.zip").toUri());
        try (FileSystem fs = FileSystems.newFileSystem(zip, Map.of("create", "true"))) {
            Path secrets = OwnerOnlyFiles.createDirectories(fs.getPath("/secrets"));
            Path file = secrets.resolve("edge.password");
            assertThat(OwnerOnlyFiles.isPosix(file)).isFalse();

            OwnerOnlyFiles.writeString(file, "one");
            OwnerOnlyFiles.writeString(file, "two");
            OwnerOnlyFiles.createNew(secrets.resolve("new.key"), new byte[] {1, 2});

            assertThat(Files.readString(file)).isEqualTo("two");
            assertThat(Files.readAllBytes(secrets.resolve("new.key"))).containsExactly(1, 2);
            assertThatThrownBy(() -> OwnerOnlyFiles.createNew(file, new byte[0]))
                    .isInstanceOf(FileAlreadyExistsException.class);
            try (Stream<Path> s = Files.list(secrets)) {
                assertThat(s.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("edge.password", "new.key");
            }
        }
    }

    private java.util.List<Path> leftovers() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
