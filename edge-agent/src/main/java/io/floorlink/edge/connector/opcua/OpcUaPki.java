package io.floorlink.edge.connector.opcua;

import io.floorlink.sparkplug.io.OwnerOnlyFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CRLException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.TrustListManager;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OPC UA client's PKI folder ({@code security.pki_dir}, default {@value #DEFAULT_DIR_TEXT}):
 *
 * <pre>
 * own/&lt;name&gt;.der, own/&lt;name&gt;.key   application instance certificate and its private key (PKCS#8 PEM)
 * trusted/certs/, trusted/crl/              trusted server (or CA) certificates and their CRLs
 * issuers/certs/, issuers/crl/              CA certificates that only complete chains, and their CRLs
 * rejected/                                 server certificates refused as untrusted, &lt;thumbprint&gt;.der
 * </pre>
 *
 * A thumbprint is the lowercase hex SHA-1 of the DER certificate (OPC UA Part 6, 6.2.3). The trust list is read
 * from the folders on every {@link #trustList()} call, so a certificate moved to {@code trusted/} counts from the
 * next connection attempt, without a restart. Methods do blocking file I/O; instances are thread-safe.
 */
public final class OpcUaPki {
    /** Default PKI folder, relative to the agent's working directory (beside the default buffer in data/). */
    public static final Path DEFAULT_DIR = Path.of("data", "pki", "opcua");

    static final String DEFAULT_DIR_TEXT = "data/pki/opcua";

    /** At most this many certificates are kept in {@code rejected/}; the oldest go first. */
    public static final int MAX_REJECTED = 64;

    /** Validity of a generated application instance certificate. */
    static final Period CERTIFICATE_VALIDITY = Period.ofYears(3);

    private static final Logger log = LoggerFactory.getLogger(OpcUaPki.class);
    private static final int RSA_KEY_BITS = 2048;

    private final Path dir;
    private final Path own;
    private final Path trustedCerts;
    private final Path trustedCrl;
    private final Path issuerCerts;
    private final Path issuerCrl;
    private final Path rejected;

    private OpcUaPki(Path dir) {
        this.dir = dir;
        this.own = dir.resolve("own");
        this.trustedCerts = dir.resolve("trusted").resolve("certs");
        this.trustedCrl = dir.resolve("trusted").resolve("crl");
        this.issuerCerts = dir.resolve("issuers").resolve("certs");
        this.issuerCrl = dir.resolve("issuers").resolve("crl");
        this.rejected = dir.resolve("rejected");
    }

    /**
     * Opens the PKI folder, creating its sub-folders when missing.
     *
     * @throws IOException when a folder cannot be created, naming it
     */
    public static OpcUaPki open(Path dir) throws IOException {
        OpcUaPki pki = new OpcUaPki(Objects.requireNonNull(dir, "dir"));
        for (Path p :
                List.of(pki.own, pki.trustedCerts, pki.trustedCrl, pki.issuerCerts, pki.issuerCrl, pki.rejected)) {
            try {
                Files.createDirectories(p);
            } catch (IOException e) {
                throw new IOException("cannot create PKI folder " + p + ": " + e.getMessage(), e);
            }
        }
        return pki;
    }

    /** The PKI folder. */
    public Path dir() {
        return dir;
    }

    /** Where refused server certificates are kept. */
    public Path rejectedDir() {
        return rejected;
    }

    /** Where trusted certificates are kept. */
    public Path trustedDir() {
        return trustedCerts;
    }

    /**
     * An application instance certificate, its key pair and the application URI it carries.
     *
     * @param keyPair RSA key pair, never null
     * @param certificate the self-signed certificate, never null
     * @param applicationUri the URI in its subject alternative name, which the client must declare
     * @param file the certificate's file
     * @param created whether it was generated by this call (first start)
     */
    public record ApplicationCertificate(
            KeyPair keyPair, X509Certificate certificate, String applicationUri, Path file, boolean created) {}

    /**
     * Loads {@code own/<name>.der} and {@code own/<name>.key}, or generates them on first use: RSA 2048, SHA-256,
     * self-signed, valid {@link #CERTIFICATE_VALIDITY}, with {@code applicationUri} and the host name in the
     * subject alternative name. An existing certificate is reused as it is (its URI wins, so a server that trusts
     * it keeps trusting it); delete both files to get a new one.
     *
     * @param name file name stem, letters, digits, '.', '_' and '-'
     * @throws IOException when the files cannot be read, parsed or written
     */
    public ApplicationCertificate applicationCertificate(String name, String applicationUri) throws IOException {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            name = name.replaceAll("[^A-Za-z0-9._-]", "_");
        }
        Path certFile = own.resolve(name + ".der");
        Path keyFile = own.resolve(name + ".key");
        synchronized (OpcUaPki.class) {
            if (Files.exists(certFile) && Files.exists(keyFile)) {
                X509Certificate cert = readCertificates(certFile).get(0);
                PrivateKey key = readPrivateKey(keyFile);
                String uri = CertificateUtil.getSanUri(cert).orElse(applicationUri);
                if (!uri.equals(applicationUri)) {
                    log.warn(
                            "OPC UA application certificate {} carries application URI {} (expected {}); using it",
                            certFile,
                            uri,
                            applicationUri);
                }
                return new ApplicationCertificate(new KeyPair(cert.getPublicKey(), key), cert, uri, certFile, false);
            }
            try {
                KeyPair keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(RSA_KEY_BITS);
                String host = hostName();
                X509Certificate cert = new SelfSignedCertificateBuilder(keyPair)
                        .setCommonName("FloorLink edge " + name)
                        .setOrganization("FloorLink")
                        .setApplicationUri(applicationUri)
                        .addDnsName(host)
                        .setValidityPeriod(CERTIFICATE_VALIDITY)
                        .build();
                writePrivateKey(keyFile, keyPair.getPrivate());
                Files.write(certFile, cert.getEncoded());
                log.info(
                        "OPC UA application instance certificate created: {} (application URI {}, thumbprint {})",
                        certFile,
                        applicationUri,
                        thumbprint(cert));
                return new ApplicationCertificate(keyPair, cert, applicationUri, certFile, true);
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("cannot create the OPC UA application certificate " + certFile + ": " + e, e);
            }
        }
    }

    /**
     * The trust list as it is on disk now: trusted and issuer certificates and CRLs. Files that are not
     * certificates (or CRLs) are skipped with a warning.
     */
    public TrustListManager trustList() {
        MemoryTrustListManager m = new MemoryTrustListManager();
        m.setTrustedCertificates(certificatesIn(trustedCerts));
        m.setIssuerCertificates(certificatesIn(issuerCerts));
        m.setTrustedCrls(crlsIn(trustedCrl));
        m.setIssuerCrls(crlsIn(issuerCrl));
        return m;
    }

    /** Keeps refused certificates in {@code rejected/<thumbprint>.der}, at most {@link #MAX_REJECTED}. */
    public CertificateQuarantine quarantine() {
        return new Quarantine();
    }

    /**
     * A certificate in one of the folders.
     *
     * @param thumbprint lowercase hex SHA-1 of the DER encoding
     * @param subject subject distinguished name
     * @param applicationUri URI of the subject alternative name, null when absent
     * @param notAfter end of validity
     * @param file where it is
     */
    public record CertificateEntry(
            String thumbprint, String subject, String applicationUri, Instant notAfter, Path file) {}

    /** The refused certificates, newest first. */
    public List<CertificateEntry> rejected() {
        return entries(rejected);
    }

    /** The edge's own application instance certificates. */
    public List<CertificateEntry> own() {
        return entries(own).stream()
                .filter(e -> e.file().getFileName().toString().endsWith(".der"))
                .toList();
    }

    /**
     * One line for {@code check}, without creating anything: whether the connector's certificate exists and how
     * many server certificates wait in {@code rejected/}.
     */
    public static String status(Path dir, String name) {
        Path cert = dir.resolve("own").resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".der");
        int rejectedCount = 0;
        Path rejectedDir = dir.resolve("rejected");
        if (Files.isDirectory(rejectedDir)) {
            rejectedCount = files(rejectedDir).size();
        }
        return "pki " + dir + ": application certificate " + (Files.exists(cert) ? cert : "created on first start")
                + (rejectedCount == 0
                        ? ""
                        : "; " + rejectedCount + " rejected server certificate(s), see opcua-certs list");
    }

    /** The trusted certificates. */
    public List<CertificateEntry> trusted() {
        return entries(trustedCerts);
    }

    /**
     * Trusts a certificate: a thumbprint (or a unique prefix of at least 8 hex digits) of one in {@code rejected/},
     * or the path of a certificate file (DER or PEM). It is written to {@code trusted/certs/<thumbprint>.der} and
     * removed from {@code rejected/}.
     *
     * @return the trusted certificate
     * @throws IOException when nothing matches, the prefix is ambiguous, or the file is not a certificate
     */
    public CertificateEntry trust(String thumbprintOrFile) throws IOException {
        X509Certificate cert;
        Path source = null;
        String key = thumbprintOrFile.trim().toLowerCase(Locale.ROOT).replace(":", "");
        if (key.matches("[0-9a-f]{8,40}")) {
            List<CertificateEntry> matches = rejected().stream()
                    .filter(e -> e.thumbprint().startsWith(key))
                    .toList();
            if (matches.isEmpty()) {
                throw new IOException("no rejected certificate with thumbprint " + thumbprintOrFile + " in " + rejected
                        + " (list them with: opcua-certs list)");
            }
            if (matches.size() > 1) {
                throw new IOException("thumbprint prefix " + thumbprintOrFile + " matches " + matches.size()
                        + " rejected certificates; give more digits");
            }
            source = matches.get(0).file();
            cert = readCertificates(source).get(0);
        } else {
            Path file = Path.of(thumbprintOrFile);
            if (!Files.isRegularFile(file)) {
                throw new IOException(
                        thumbprintOrFile + " is neither a thumbprint of a rejected certificate nor a file");
            }
            cert = readCertificates(file).get(0);
        }
        String thumb = thumbprint(cert);
        Path target = trustedCerts.resolve(thumb + ".der");
        try {
            // A running connector reads this folder at every attempt: never let it see a half-written file.
            Path tmp = trustedCerts.resolve(thumb + ".tmp");
            Files.write(tmp, cert.getEncoded());
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (CertificateEncodingException e) {
            throw new IOException("cannot encode certificate: " + e.getMessage(), e);
        }
        Files.deleteIfExists(rejected.resolve(thumb + ".der"));
        if (source != null) {
            Files.deleteIfExists(source);
        }
        log.info("OPC UA certificate {} ({}) trusted: {}", thumb, cert.getSubjectX500Principal(), target);
        return entry(cert, target);
    }

    /** Lowercase hex SHA-1 of the DER encoding. */
    public static String thumbprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot compute a certificate thumbprint", e);
        }
    }

    /**
     * Reads one or more certificates from a DER or PEM file.
     *
     * @throws IOException when the file cannot be read or holds no certificate, naming it
     */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            List<X509Certificate> certs = CertificateUtil.decodeCertificates(bytes);
            if (certs.isEmpty()) {
                throw new IOException(file + " holds no X.509 certificate");
            }
            return certs;
        } catch (UaException | RuntimeException e) {
            throw new IOException(file + " is not an X.509 certificate (DER or PEM)", e);
        }
    }

    /**
     * Reads a private key from a PEM file (PKCS#8 {@code BEGIN PRIVATE KEY} or PKCS#1 {@code BEGIN RSA PRIVATE
     * KEY}, unencrypted) or a PKCS#8 DER file.
     *
     * @throws IOException when the file cannot be read or holds no supported key, naming it
     */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.US_ASCII);
        try {
            if (text.contains("-----BEGIN")) {
                try (PEMParser parser = new PEMParser(new StringReader(text))) {
                    Object o = parser.readObject();
                    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
                    if (o instanceof PEMKeyPair kp) {
                        return converter.getKeyPair(kp).getPrivate();
                    }
                    if (o instanceof PrivateKeyInfo info) {
                        return converter.getPrivateKey(info);
                    }
                    throw new IOException(file + " holds no unencrypted private key (found "
                            + (o == null ? "nothing" : o.getClass().getSimpleName()) + ")");
                }
            }
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(bytes));
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(file + " is not a private key (PEM or PKCS#8 DER)", e);
        }
    }

    /** The public key of an RSA private key, to check a certificate and a key belong together. */
    static boolean matches(X509Certificate cert, PrivateKey key) {
        if (key instanceof RSAPrivateCrtKey rsa) {
            try {
                return KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()))
                        .equals(cert.getPublicKey());
            } catch (Exception e) {
                return false;
            }
        }
        return true;
    }

    private static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        OwnerOnlyFiles.write(file, pem.getBytes(StandardCharsets.US_ASCII));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static List<Path> files(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().endsWith(".tmp"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            log.warn("Cannot list OPC UA PKI folder {}: {}", folder, e.getMessage());
            return List.of();
        }
    }

    private static List<X509Certificate> certificatesIn(Path folder) {
        List<X509Certificate> out = new ArrayList<>();
        for (Path f : files(folder)) {
            try {
                out.addAll(readCertificates(f));
            } catch (IOException e) {
                log.warn("OPC UA PKI: skipping {}: {}", f, e.getMessage());
            }
        }
        return out;
    }

    private static List<X509CRL> crlsIn(Path folder) {
        List<X509CRL> out = new ArrayList<>();
        for (Path f : files(folder)) {
            try {
                CertificateFactory cf = CertificateFactory.getInstance("X.509");
                cf.generateCRLs(new ByteArrayInputStream(Files.readAllBytes(f))).stream()
                        .map(X509CRL.class::cast)
                        .forEach(out::add);
            } catch (IOException | CertificateException | CRLException e) {
                log.warn("OPC UA PKI: skipping CRL {}: {}", f, e.getMessage());
            }
        }
        return out;
    }

    private List<CertificateEntry> entries(Path folder) {
        List<CertificateEntry> out = new ArrayList<>();
        for (Path f : files(folder)) {
            if (f.getFileName().toString().endsWith(".key")) {
                continue;
            }
            try {
                out.add(entry(readCertificates(f).get(0), f));
            } catch (IOException e) {
                log.warn("OPC UA PKI: skipping {}: {}", f, e.getMessage());
            }
        }
        out.sort(Comparator.comparing((CertificateEntry e) -> lastModified(e.file()))
                .reversed());
        return out;
    }

    private static CertificateEntry entry(X509Certificate cert, Path file) {
        return new CertificateEntry(
                thumbprint(cert),
                cert.getSubjectX500Principal().getName(),
                CertificateUtil.getSanUri(cert).orElse(null),
                cert.getNotAfter().toInstant(),
                file);
    }

    private static Instant lastModified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    private final class Quarantine implements CertificateQuarantine {
        @Override
        public List<X509Certificate> getRejectedCertificates() {
            return certificatesIn(rejected);
        }

        @Override
        public void addRejectedCertificate(X509Certificate certificate) {
            String thumb = thumbprint(certificate);
            Path file = rejected.resolve(thumb + ".der");
            // Every retry rejects again: write once, atomically, so opcua-certs never reads a half-written file, and
            // not after it was trusted meanwhile.
            if (Files.exists(file) || Files.exists(trustedCerts.resolve(thumb + ".der"))) {
                return;
            }
            try {
                Path tmp = rejected.resolve(thumb + ".tmp");
                Files.write(tmp, certificate.getEncoded());
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
                List<Path> all = new ArrayList<>(files(rejected));
                if (all.size() > MAX_REJECTED) {
                    all.sort(Comparator.comparing(OpcUaPki::lastModified));
                    for (Path old : all.subList(0, all.size() - MAX_REJECTED)) {
                        Files.deleteIfExists(old);
                    }
                }
            } catch (IOException | CertificateEncodingException e) {
                log.warn("Cannot keep the rejected OPC UA certificate in {}: {}", file, e.getMessage());
            }
        }

        @Override
        public void removeRejectedCertificate(X509Certificate certificate) {
            try {
                Files.deleteIfExists(rejected.resolve(thumbprint(certificate) + ".der"));
            } catch (IOException e) {
                log.warn("Cannot remove a rejected OPC UA certificate: {}", e.getMessage());
            }
        }
    }
}
