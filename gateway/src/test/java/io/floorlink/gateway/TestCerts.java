package io.floorlink.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates made for a test with the JDK's {@code keytool}: a CA, a server key store (key + chain, SAN
 * ip:127.0.0.1) and a client key store signed by the CA, a trust store with the CA, and a trust store with an
 * unrelated CA. All PKCS12 with password {@link #PASSWORD}.
 */
final class TestCerts {
    static final String PASSWORD = "changeit-test";

    final Path dir;
    final Path serverKeyStore;
    final Path clientKeyStore;
    final Path trustStore;
    final Path otherTrustStore;
    /** A self-signed key pair (the unrelated CA's), usable as a client certificate nobody trusts. */
    final Path otherKeyStore;

    private TestCerts(Path dir) {
        this.dir = dir;
        this.serverKeyStore = dir.resolve("server.p12");
        this.clientKeyStore = dir.resolve("client.p12");
        this.trustStore = dir.resolve("trust.p12");
        this.otherTrustStore = dir.resolve("other-trust.p12");
        this.otherKeyStore = dir.resolve("other-ca.p12");
    }

    static TestCerts make(Path dir) throws IOException, InterruptedException {
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
        return c;
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

    private static void keytool(String... args) throws IOException, InterruptedException {
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

    static TrustManagerFactory trust(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance(store.toFile(), PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf;
    }

    static KeyManagerFactory keys(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance(store.toFile(), PASSWORD.toCharArray());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        return kmf;
    }
}
