package io.floorlink.sparkplug.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files that hold secrets (passwords, private keys, key stores, configs naming them) so that only their
 * owner can read them, and so that a reader never sees a half-written file.
 *
 * <p>Each write goes to a temporary file in the target's folder that is created with {@code rw-------} from
 * its first instant (never created wider and narrowed afterwards), is forced to disk, and then replaces the
 * target with an atomic rename. A target that existed with wider permissions is replaced by the new,
 * owner-only file. Folders made by {@link #createDirectories} are {@code rwx------}.
 *
 * <p>Non-POSIX file systems (Windows NTFS, FAT, zip): no permissions are set; the file inherits the ACL of its
 * folder, so the folder (a data dir under the service account's profile, typically) must be private. Where the
 * file system cannot rename atomically, the temporary file replaces the target with a plain move.
 *
 * <p>All methods block on file I/O and are safe to call from several threads on different targets. Thread-safe
 * (stateless).
 */
public final class OwnerOnlyFiles {
    /** Permissions of every file written here, where the file system has POSIX permissions. */
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    /** Permissions of the folders made by {@link #createDirectories}, where the file system has them. */
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private OwnerOnlyFiles() {}

    /** The content of an owner-only file, written to the stream it is given (which must not be closed). */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Whether {@code path}'s file system has POSIX permissions (and so whether this class can set them). */
    public static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /**
     * Makes {@code dir} and its missing parents; {@code dir} itself (new or existing) is then {@code rwx------}.
     * Parents made here get the default permissions.
     *
     * @return {@code dir}
     */
    public static Path createDirectories(Path dir) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            if (isPosix(dir)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException exists) {
            if (!Files.isDirectory(dir)) {
                throw exists;
            }
        }
        if (isPosix(dir)) {
            // the umask may have narrowed the mode at creation, and an existing folder may be wider
            Files.setPosixFilePermissions(dir, DIRECTORY);
        }
        return dir;
    }

    /** Atomically replaces (or creates) {@code file} with {@code content}, owner-only. */
    public static void write(Path file, byte[] content) throws IOException {
        write(file, out -> out.write(content));
    }

    /** {@link #write(Path, byte[])} of the UTF-8 bytes of {@code content}. */
    public static void writeString(Path file, String content) throws IOException {
        write(file, content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Atomically replaces (or creates) {@code file} with what {@code content} writes, owner-only. When {@code
     * content} throws, {@code file} is left as it was and the temporary file is removed.
     */
    public static void write(Path file, Content content) throws IOException {
        Path tmp = temporary(file, content);
        try {
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Creates {@code file} with {@code content}, owner-only, only if it does not exist yet: of two processes
     * creating the same file at once, exactly one succeeds, and neither ever sees the other's file half-written.
     *
     * @throws FileAlreadyExistsException when {@code file} exists (it is left unchanged)
     */
    public static void createNew(Path file, byte[] content) throws IOException {
        Path tmp = temporary(file, out -> out.write(content));
        try {
            try {
                // a hard link is the atomic "create if absent" that a rename is not
                Files.createLink(file, tmp);
            } catch (UnsupportedOperationException | FileSystemException noLinks) {
                if (noLinks instanceof FileAlreadyExistsException exists) {
                    throw exists;
                }
                Files.move(tmp, file);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Path temporary(Path file, Content content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        String prefix = "." + file.getFileName() + ".";
        FileAttribute<?>[] attrs = isPosix(dir)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, prefix, ".tmp", attrs);
        boolean done = false;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            OutputStream out = Channels.newOutputStream(ch);
            content.writeTo(out);
            out.flush();
            ch.force(true);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
        return tmp;
    }
}
