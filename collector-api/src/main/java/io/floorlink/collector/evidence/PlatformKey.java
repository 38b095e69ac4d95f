package io.floorlink.collector.evidence;

import io.floorlink.collector.audit.AuditLog;
import io.floorlink.gateway.Pem;
import io.floorlink.sparkplug.io.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;

/**
 * The platform's Ed25519 signing key, which signs evidence bundles. Created at the first start in {@code
 * <data_dir>/keys/} (private key owner-only, PKCS#8 PEM; public key X.509 SubjectPublicKeyInfo PEM) and reused
 * afterwards; the private key never leaves that file. Thread-safe.
 */
public final class PlatformKey {
    public static final String ALGORITHM = "Ed25519";
    static final String PRIVATE_FILE = "platform-ed25519.key";
    static final String PUBLIC_FILE = "platform-ed25519.pub";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final Instant created;

    private PlatformKey(PrivateKey privateKey, PublicKey publicKey, Instant created) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.created = created;
    }

    /**
     * Loads the key from {@code dir}, or creates it there when neither file exists. Blocks on file I/O.
     *
     * @throws IOException when the files cannot be read or written, or only one of them exists, or they do not
     *     hold an Ed25519 key pair (the message names the file)
     */
    public static PlatformKey loadOrCreate(Path dir) throws IOException {
        Path priv = dir.resolve(PRIVATE_FILE);
        Path pub = dir.resolve(PUBLIC_FILE);
        if (!Files.exists(priv) && !Files.exists(pub)) {
            return create(dir, priv, pub);
        }
        if (!Files.exists(priv) || !Files.exists(pub)) {
            throw new IOException("platform key: " + (Files.exists(priv) ? pub : priv) + " is missing while "
                    + (Files.exists(priv) ? priv : pub) + " exists; restore it from the backup (a new key would"
                    + " not verify bundles signed before)");
        }
        try {
            KeyFactory kf = KeyFactory.getInstance(ALGORITHM);
            PrivateKey p = kf.generatePrivate(
                    new PKCS8EncodedKeySpec(Pem.decode(Files.readString(priv), "PRIVATE KEY", priv.toString())));
            PublicKey q = kf.generatePublic(
                    new X509EncodedKeySpec(Pem.decode(Files.readString(pub), "PUBLIC KEY", pub.toString())));
            PlatformKey key =
                    new PlatformKey(p, q, Files.getLastModifiedTime(pub).toInstant());
            byte[] probe = "floorlink platform key check".getBytes(StandardCharsets.UTF_8);
            if (!verify(q.getEncoded(), probe, key.sign(probe))) {
                throw new IOException("platform key: " + priv + " and " + pub + " are not one key pair");
            }
            return key;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("platform key in " + dir + " is not an Ed25519 key pair: " + e.getMessage(), e);
        }
    }

    private static PlatformKey create(Path dir, Path priv, Path pub) throws IOException {
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("this JVM cannot make Ed25519 keys", e);
        }
        OwnerOnlyFiles.createDirectories(dir);
        try {
            OwnerOnlyFiles.createNew(
                    priv,
                    Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()).getBytes(StandardCharsets.US_ASCII));
        } catch (FileAlreadyExistsException raced) {
            return loadOrCreate(dir);
        }
        Files.writeString(pub, Pem.encode("PUBLIC KEY", pair.getPublic().getEncoded()));
        return new PlatformKey(
                pair.getPrivate(),
                pair.getPublic(),
                Files.getLastModifiedTime(pub).toInstant());
    }

    /** Ed25519 signature of {@code data} (64 bytes). */
    public byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(privateKey);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** Whether {@code signature} is an Ed25519 signature of {@code data} by the key in {@code spki} (DER). */
    public static boolean verify(byte[] spki, byte[] data, byte[] signature) {
        try {
            PublicKey key = KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(spki));
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The public key, DER SubjectPublicKeyInfo. */
    public byte[] publicKeyDer() {
        return publicKey.getEncoded();
    }

    /** The public key as PEM ({@code -----BEGIN PUBLIC KEY-----}). */
    public String publicKeyPem() {
        return Pem.encode("PUBLIC KEY", publicKey.getEncoded());
    }

    /** A short, stable name of the key: the first 16 hex digits of the SHA-256 of its DER public key. */
    public String id() {
        return id(publicKey.getEncoded());
    }

    static String id(byte[] spki) {
        return AuditLog.sha256(spki).substring(0, 16);
    }

    /** When the key was made (the public key file's modification time). */
    public Instant created() {
        return created;
    }

    @Override
    public String toString() {
        return "PlatformKey[" + ALGORITHM + " " + id() + "]";
    }
}
