package io.floorlink.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates made for a test with the JDK's {@code keytool}: a CA, a server key store (key + chain, SAN
 * ip:127.0.0.1) and a client key store signed by the CA, a trust store with the CA, and a trust store with an
 * unrelated CA. All PKCS12 with password {@link #PASSWORD}. The same server and client keys also as PEM files
 * written with plain Java: the chain (leaf first), the PKCS#8 key, and the key encrypted with PBES2
 * (PBKDF2-HmacSHA256, AES-256-CBC, as {@code openssl pkcs8 -topk8 -v2 aes-256-cbc} makes it) with password {@link
 * #KEY_PASSWORD}; the CA certificate as PEM in {@link #caPem}.
 */
public final class TestCerts {
    public static final String PASSWORD = "changeit-test";
    public static final String KEY_PASSWORD = "pem-key-test-pw";
    /** DER of the PBES2 object identifier 1.2.840.113549.1.5.13. */
    private static final byte[] PBES2_OID = {
        0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x05, 0x0D
    };

    public final Path dir;
    public final Path serverKeyStore;
    public final Path clientKeyStore;
    public final Path trustStore;
    public final Path otherTrustStore;
    /** A self-signed key pair (the unrelated CA's), usable as a client certificate nobody trusts. */
    public final Path otherKeyStore;

    public final Path caPem;
    public final Path serverChainPem;
    public final Path serverKeyPem;
    public final Path serverEncryptedKeyPem;
    public final Path clientKeyPem;

    private TestCerts(Path dir) {
        this.dir = dir;
        this.serverKeyStore = dir.resolve("server.p12");
        this.clientKeyStore = dir.resolve("client.p12");
        this.trustStore = dir.resolve("trust.p12");
        this.otherTrustStore = dir.resolve("other-trust.p12");
        this.otherKeyStore = dir.resolve("other-ca.p12");
        this.caPem = dir.resolve("ca.pem");
        this.serverChainPem = dir.resolve("server-chain.pem");
        this.serverKeyPem = dir.resolve("server-key.pem");
        this.serverEncryptedKeyPem = dir.resolve("server-key-encrypted.pem");
        this.clientKeyPem = dir.resolve("client-key.pem");
    }

    public static TestCerts make(Path dir) throws Exception {
        Files.createDirectories(dir);
        TestCerts c = new TestCerts(dir);
        Path ca = dir.resolve("ca.p12");
        Path caCert = dir.resolve("ca.pem");
        keytool(
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=FloorLink Test CA",
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-keystore",
                ca.toString());
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file", caCert.toString());
        c.signed(ca, caCert, c.serverKeyStore, "CN=127.0.0.1", "san=ip:127.0.0.1");
        c.signed(ca, caCert, c.clientKeyStore, "CN=edge-01", null);
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                caCert.toString(),
                "-keystore",
                c.trustStore.toString());
        Path other = c.otherKeyStore;
        Path otherCert = dir.resolve("other-ca.pem");
        keytool(
                "-genkeypair",
                "-alias",
                "other",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=Unrelated CA",
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-keystore",
                other.toString());
        keytool("-exportcert", "-rfc", "-alias", "other", "-keystore", other.toString(), "-file", otherCert.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "other",
                "-file",
                otherCert.toString(),
                "-keystore",
                c.otherTrustStore.toString());
        c.writePem();
        return c;
    }

    private void writePem() throws Exception {
        KeyStore server = KeyStore.getInstance(serverKeyStore.toFile(), PASSWORD.toCharArray());
        StringBuilder chain = new StringBuilder();
        for (Certificate cert : server.getCertificateChain("server")) {
            chain.append(pem("CERTIFICATE", cert.getEncoded()));
        }
        Files.writeString(serverChainPem, chain);
        byte[] serverKey = server.getKey("server", PASSWORD.toCharArray()).getEncoded();
        Files.writeString(serverKeyPem, pem("PRIVATE KEY", serverKey));
        Files.writeString(serverEncryptedKeyPem, pem("ENCRYPTED PRIVATE KEY", encrypt(serverKey, KEY_PASSWORD)));
        KeyStore client = KeyStore.getInstance(clientKeyStore.toFile(), PASSWORD.toCharArray());
        Files.writeString(
                clientKeyPem,
                pem(
                        "PRIVATE KEY",
                        client.getKey("client", PASSWORD.toCharArray()).getEncoded()));
    }

    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /**
     * An EncryptedPrivateKeyInfo with PBES2; built by hand because the JDK 17 EncryptedPrivateKeyInfo constructor
     * does not know the PBES2 cipher names.
     */
    public static byte[] encrypt(byte[] pkcs8, String password) throws Exception {
        String alg = "PBEWithHmacSHA256AndAES_256";
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        SecureRandom random = new SecureRandom();
        random.nextBytes(salt);
        random.nextBytes(iv);
        AlgorithmParameters params = AlgorithmParameters.getInstance(alg);
        params.init(new PBEParameterSpec(salt, 10_000, new IvParameterSpec(iv)));
        Cipher cipher = Cipher.getInstance(alg);
        cipher.init(
                Cipher.ENCRYPT_MODE,
                SecretKeyFactory.getInstance(alg).generateSecret(new PBEKeySpec(password.toCharArray())),
                params);
        byte[] encrypted = cipher.doFinal(pkcs8);
        return der(0x30, der(0x30, PBES2_OID, params.getEncoded()), der(0x04, encrypted));
    }

    private static byte[] der(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        int n = content.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n & 0xFF);
        }
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }

    /** A key pair in {@code store} whose certificate the CA signed, with the CA certificate in its chain. */
    private void signed(Path ca, Path caCert, Path store, String dname, String san)
            throws IOException, InterruptedException {
        String name = store.getFileName().toString().replace(".p12", "");
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".pem");
        keytool(
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                dname,
                "-validity",
                "2",
                "-keystore",
                store.toString());
        keytool("-certreq", "-alias", name, "-keystore", store.toString(), "-file", csr.toString());
        List<String> gencert = new ArrayList<>(List.of(
                "-gencert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                ca.toString(),
                "-infile",
                csr.toString(),
                "-outfile",
                cert.toString(),
                "-validity",
                "2"));
        if (san != null) {
            gencert.addAll(List.of("-ext", san));
        }
        keytool(gencert.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(), "-keystore", store.toString());
        keytool("-importcert", "-noprompt", "-alias", name, "-file", cert.toString(), "-keystore", store.toString());
    }

    /**
     * Runs the JDK's {@code keytool} with {@code args}, a PKCS12 store and the store password {@link #PASSWORD} (and
     * key password, for {@code -genkeypair}); blocks until it exits (at most a minute).
     *
     * @throws IOException with keytool's output when it fails
     */
    public static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        if (List.of(args).contains("-genkeypair")) {
            cmd.addAll(List.of("-keypass", PASSWORD));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(
                    "keytool " + String.join(" ", args) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }

    /**
     * A self-signed EC key pair for {@code localhost} and {@code 127.0.0.1} (a server of a test), in the PKCS12
     * {@code keystore} with password {@link #PASSWORD}; its certificate also as PEM in {@code pem} when not null.
     * Blocks on keytool.
     */
    public static void selfSigned(Path keystore, Path pem) throws IOException, InterruptedException {
        String alias = keystore.getFileName().toString().replace(".p12", "");
        keytool(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "san=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-keystore",
                keystore.toString());
        if (pem != null) {
            keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", keystore.toString(), "-file", pem.toString());
        }
    }

    /** A TLS client context that trusts the certificates of {@code store} (password {@link #PASSWORD}) only. */
    public static SSLContext trusting(Path store) throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trust(store).getTrustManagers(), null);
        return ssl;
    }

    /** The trust of {@code store} (password {@link #PASSWORD}). */
    public static TrustManagerFactory trust(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance(store.toFile(), PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf;
    }

    /** The key of {@code store} (password {@link #PASSWORD}), for a client certificate. */
    public static KeyManagerFactory keys(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance(store.toFile(), PASSWORD.toCharArray());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        return kmf;
    }
}
