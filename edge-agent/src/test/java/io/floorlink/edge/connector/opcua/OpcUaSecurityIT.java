package io.floorlink.edge.connector.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.edge.cli.OpcUaCertsCommand;
import io.floorlink.edge.config.Reconnect;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.Device;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.Point;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.Security;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.SecurityMode;
import io.floorlink.sim.opcua.SewingLineOptions;
import io.floorlink.sim.opcua.SewingLineSecurity;
import io.floorlink.sim.opcua.SewingLineSimulator;
import io.floorlink.sparkplug.Category;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * OPC UA security of the connector (and {@code browse opcua}, {@code opcua-certs}) against the sewing-line simulator
 * with secured endpoints: a real Milo server on 127.0.0.1, free port, its certificate generated at start.
 */
class OpcUaSecurityIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String STATION = "SEW-01";

    @TempDir
    Path pki;

    @TempDir
    Path files;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final OpcUaConnectorIT.RecordingSink sink = new OpcUaConnectorIT.RecordingSink();

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private SewingLineSimulator simulator(SewingLineSecurity security) throws Exception {
        SewingLineSimulator sim = SewingLineSimulator.start(
                SewingLineOptions.defaults().withStations(1).withTick(Duration.ofMillis(100)), security);
        closeables.add(sim);
        return sim;
    }

    private static Security security(SecurityMode mode, String policy, Path pkiDir) {
        return new Security(mode, policy, pkiDir, null, null, null, null, null);
    }

    private OpcUaConnector connector(SewingLineSimulator sim, Security security) {
        Point runState = new Point(
                "run_state",
                sim.nodeId(STATION, "RunState"),
                Category.STATE,
                Duration.ofMillis(200),
                null,
                null,
                null,
                null,
                null,
                null);
        OpcUaConnectorConfig config = new OpcUaConnectorConfig(
                "line-1",
                URI.create(sim.endpointUrl()),
                security,
                Duration.ofSeconds(5),
                new Reconnect(Duration.ofMillis(200), Duration.ofMillis(800)),
                List.of(new Device(STATION, List.of(runState))));
        OpcUaConnector connector = new OpcUaConnector(config, registry);
        closeables.add(connector);
        connector.start(sink);
        return connector;
    }

    private void trustServer(SewingLineSimulator sim) throws Exception {
        Path trusted = OpcUaPki.open(pki).trustedDir();
        Files.write(trusted.resolve("server.der"), sim.serverCertificate().getEncoded());
    }

    private void awaitValue() {
        await().atMost(WAIT).until(() -> sink.ups(STATION) >= 1);
        await().atMost(WAIT).until(() -> !sink.samples(s -> s.deviceId().equals(STATION) && s.value() != null)
                .isEmpty());
    }

    static Stream<Arguments> policiesAndModes() {
        List<Arguments> out = new ArrayList<>();
        for (String policy : SewingLineSecurity.POLICIES) {
            for (SecurityMode mode : List.of(SecurityMode.SIGN, SecurityMode.SIGN_AND_ENCRYPT)) {
                out.add(Arguments.of(policy, mode));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("policiesAndModes")
    @DisplayName("Part 4 §5.5.2 OpenSecureChannel + §5.6.2 CreateSession with each security policy and mode:"
            + " the connector reads a value")
    void part4_secureChannelWithEachPolicyAndModeReadsAValue(String policy, SecurityMode mode) throws Exception {
        SewingLineSimulator sim =
                simulator(SewingLineSecurity.securedTrustingAllClients().withNoneEndpoint(false));
        trustServer(sim);

        OpcUaConnector c = connector(sim, security(mode, policy, pki));

        awaitValue();
        assertThat(c.connectProblem()).isNull();
    }

    @Test
    @DisplayName("Part 6 §6.2.2 application instance certificate: generated on first start with the declared"
            + " application URI, kept in pki_dir/own and reused afterwards")
    void part6_applicationCertificateIsCreatedOnceWithTheApplicationUri() throws Exception {
        SewingLineSimulator sim = simulator(SewingLineSecurity.securedTrustingAllClients());
        trustServer(sim);
        connector(sim, security(SecurityMode.SIGN_AND_ENCRYPT, "Basic256Sha256", pki));
        awaitValue();

        Path certFile = pki.resolve("own").resolve("line-1.der");
        X509Certificate cert = OpcUaPki.readCertificates(certFile).get(0);
        assertThat(CertificateUtil.getSanUri(cert)).contains("urn:floorlink:edge:opcua:line-1");
        assertThat(pki.resolve("own").resolve("line-1.key")).exists();
        String thumbprint = OpcUaPki.thumbprint(cert);

        OpcUaPki.ApplicationCertificate again =
                OpcUaPki.open(pki).applicationCertificate("line-1", "urn:floorlink:edge:opcua:line-1");
        assertThat(again.created()).isFalse();
        assertThat(OpcUaPki.thumbprint(again.certificate())).isEqualTo(thumbprint);
    }

    @Test
    @DisplayName("Part 2 §8.1 / Part 4 §6.1.3 certificate validation: an untrusted server certificate is refused with"
            + " a clear message, kept in rejected/, and after opcua-certs trust the connector connects without a"
            + " restart")
    void part4_untrustedServerCertificateIsRefusedUntilTrusted() throws Exception {
        SewingLineSimulator sim = simulator(SewingLineSecurity.securedTrustingAllClients());
        String thumbprint = OpcUaPki.thumbprint(sim.serverCertificate());

        OpcUaConnector c = connector(sim, security(SecurityMode.SIGN_AND_ENCRYPT, "Aes256_Sha256_RsaPss", pki));

        await().atMost(WAIT).until(() -> sink.downs.contains(STATION + ":" + OpcUaConnector.DOWN_UNTRUSTED));
        Path rejected = pki.resolve("rejected").resolve(thumbprint + ".der");
        assertThat(rejected).exists();
        assertThat(c.connectProblem())
                .contains("the server certificate")
                .contains(thumbprint)
                .contains("is not trusted")
                .contains(rejected.toString())
                .contains("opcua-certs trust");
        assertThat(sink.ups(STATION)).isZero();
        // Retried, never fatal: still rejected a few backoff delays later.
        Thread.sleep(1_500);
        assertThat(sink.ups(STATION)).isZero();

        StringWriter listed = new StringWriter();
        int listRc = new CommandLine(new OpcUaCertsCommand())
                .setOut(new PrintWriter(listed))
                .execute("list", "--pki-dir", pki.toString());
        assertThat(listRc).isZero();
        assertThat(listed.toString()).contains(thumbprint).contains(sim.applicationUri());

        StringWriter out = new StringWriter();
        int rc = new CommandLine(new OpcUaCertsCommand())
                .setOut(new PrintWriter(out))
                .execute("trust", "--pki-dir", pki.toString(), thumbprint.substring(0, 12));
        assertThat(rc).isZero();
        assertThat(out.toString()).contains("trusted " + thumbprint);
        assertThat(rejected).doesNotExist();
        assertThat(pki.resolve("trusted").resolve("certs").resolve(thumbprint + ".der"))
                .exists();

        awaitValue();
        assertThat(c.connectProblem()).isNull();
    }

    @Test
    @DisplayName("Part 4 §5.6.2 CreateSession: a server that does not trust the edge's certificate is reported with"
            + " the edge certificate to trust there; once the server trusts it the connector connects")
    void part4_serverNotTrustingTheClientNamesTheEdgeCertificate() throws Exception {
        SewingLineSimulator sim = simulator(SewingLineSecurity.securedTrustingAllClients()
                .withTrustedClients(List.of())
                .withNoneEndpoint(false));
        trustServer(sim);

        OpcUaConnector c = connector(sim, security(SecurityMode.SIGN, "Basic256Sha256", pki));

        await().atMost(WAIT)
                .until(() ->
                        c.connectProblem() != null && c.connectProblem().contains("the server refused this client"));
        assertThat(c.connectProblem()).contains("line-1.der").contains("urn:floorlink:edge:opcua:line-1");
        X509Certificate own = OpcUaPki.readCertificates(pki.resolve("own").resolve("line-1.der"))
                .get(0);
        sim.trustClientCertificate(own);

        awaitValue();
    }

    @Test
    @DisplayName("Part 4 §7.41 UserNameIdentityToken over SignAndEncrypt: accepted; a wrong password is refused with"
            + " a clear message")
    void part4_usernameOverSignAndEncryptWorksAndWrongPasswordIsRefused() throws Exception {
        SewingLineSimulator sim = simulator(SewingLineSecurity.securedTrustingAllClients()
                .withUser("operator", "s3cret")
                .withAnonymous(false));
        trustServer(sim);

        OpcUaConnector wrong = connector(
                sim,
                new Security(
                        SecurityMode.SIGN_AND_ENCRYPT, "Basic256Sha256", pki, "operator", "wrong", null, null, null));
        await().atMost(WAIT).until(() -> wrong.connectProblem() != null);
        assertThat(wrong.connectProblem())
                .contains("the server refused the username user token")
                .contains("check security.username and password")
                .doesNotContain("wrong");
        assertThat(sink.ups(STATION)).isZero();
        wrong.close();

        connector(
                sim,
                new Security(
                        SecurityMode.SIGN_AND_ENCRYPT, "Basic256Sha256", pki, "operator", "s3cret", null, null, null));
        awaitValue();
    }

    @Test
    @DisplayName("Part 4 §7.41 UserNameIdentityToken over None: sent only when allow_password_over_none is set")
    void part4_usernameOverNoneWorksOnlyWhenExplicitlyAllowed() throws Exception {
        SewingLineSimulator sim = simulator(
                SewingLineSecurity.none().withUser("operator", "s3cret").withAnonymous(false));

        OpcUaConnector c =
                connector(sim, new Security(SecurityMode.NONE, "None", pki, "operator", "s3cret", null, null, true));

        awaitValue();
        assertThat(c.connectProblem()).isNull();
        // Mode none never touches the PKI folder.
        assertThat(pki).isEmptyDirectory();
    }

    @Test
    @DisplayName("Part 4 §7.41 X509IdentityToken over SignAndEncrypt: the user certificate is accepted")
    void part4_x509UserTokenWorks() throws Exception {
        KeyPair keys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
        X509Certificate user = new SelfSignedCertificateBuilder(keys)
                .setCommonName("operator")
                .setApplicationUri("urn:floorlink:test:operator")
                .build();
        Path certFile = files.resolve("operator.der");
        Files.write(certFile, user.getEncoded());
        Path keyFile = files.resolve("operator.pem");
        Files.writeString(
                keyFile,
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(keys.getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n",
                StandardCharsets.US_ASCII);
        SewingLineSimulator sim = simulator(SewingLineSecurity.securedTrustingAllClients()
                .withUserCertificate(user)
                .withAnonymous(false));
        trustServer(sim);

        OpcUaConnector c = connector(
                sim,
                new Security(
                        SecurityMode.SIGN_AND_ENCRYPT,
                        "Aes128_Sha256_RsaOaep",
                        pki,
                        null,
                        null,
                        certFile,
                        keyFile,
                        null));

        awaitValue();
        assertThat(c.connectProblem()).isNull();
    }

    @Test
    @DisplayName("browse opcua speaks the connector's security options: refused with the thumbprint while the"
            + " server is untrusted, browses once trusted")
    void browseOpcUaWithSignAndEncrypt() throws Exception {
        SewingLineSimulator sim = simulator(SewingLineSecurity.securedTrustingAllClients()
                .withUser("operator", "s3cret")
                .withAnonymous(false)
                .withNoneEndpoint(false));
        String thumbprint = OpcUaPki.thumbprint(sim.serverCertificate());
        String[] args = {
            "opcua",
            "--endpoint",
            sim.endpointUrl(),
            "--depth",
            "3",
            "--security-mode",
            "sign_and_encrypt",
            "--security-policy",
            "Aes128_Sha256_RsaOaep",
            "--pki-dir",
            pki.toString(),
            "--username",
            "operator",
            "--password=s3cret"
        };

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = new CommandLine(new io.floorlink.edge.cli.BrowseOpcUaCommand())
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains(thumbprint).contains("is not trusted");

        OpcUaCertsCommand.trust(pki, thumbprint);
        out = new StringWriter();
        err = new StringWriter();
        rc = new CommandLine(new io.floorlink.edge.cli.BrowseOpcUaCommand())
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
        assertThat(rc).as(err.toString()).isZero();
        assertThat(out.toString()).contains(sim.nodeId(STATION, "RunState"));
        assertThat(pki.resolve("own").resolve("browse.der")).exists();
    }

    @Test
    @DisplayName("browse opcua refuses a password over None by default, naming the option")
    void browseOpcUaRefusesAPasswordOverNone() {
        StringWriter err = new StringWriter();
        int rc = new CommandLine(new io.floorlink.edge.cli.BrowseOpcUaCommand())
                .setErr(new PrintWriter(err))
                .execute(
                        "opcua",
                        "--endpoint",
                        "opc.tcp://127.0.0.1:1/x",
                        "--username",
                        "operator",
                        "--password=s3cret");
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString()).contains("clear text").doesNotContain("s3cret");
    }

    @Test
    @DisplayName("Part 4 §6.1.3 certificate validation with a CA: a server certificate issued by a trusted CA needs"
            + " the CA's CRL (Bad_CertificateRevocationUnknown without it), is accepted with it, and refused with"
            + " Bad_CertificateRevoked once the CRL revokes it")
    void part4_caIssuedServerCertificateIsAcceptedUntilRevokedByACrl() throws Exception {
        TestCa ca = new TestCa();
        KeyPair serverKeys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
        X509Certificate serverCert = ca.issue(serverKeys, "urn:floorlink:sim:sewing-line:Line1");
        SewingLineSimulator sim = simulator(SewingLineSecurity.securedTrustingAllClients()
                .withServerCertificate(serverKeys, List.of(serverCert, ca.certificate)));
        Path trustedDir = OpcUaPki.open(pki).trustedDir();
        Files.write(trustedDir.resolve("ca.der"), ca.certificate.getEncoded());

        OpcUaConnector first = connector(sim, security(SecurityMode.SIGN_AND_ENCRYPT, "Basic256Sha256", pki));
        await().atMost(WAIT).until(() -> first.connectProblem() != null);
        assertThat(first.connectProblem())
                .contains("was refused: Bad_CertificateRevocationUnknown")
                .contains("put the CA's current CRL in");
        Path crl = pki.resolve("trusted").resolve("crl").resolve("ca.crl");
        Files.write(crl, ca.revoke(null));
        awaitValue();
        assertThat(first.connectProblem()).isNull();
        first.close();

        Files.write(crl, ca.revoke(serverCert));
        OpcUaConnector second = connector(sim, security(SecurityMode.SIGN_AND_ENCRYPT, "Basic256Sha256", pki));
        await().atMost(WAIT).until(() -> second.connectProblem() != null);
        assertThat(second.connectProblem())
                .contains("the server certificate")
                .contains("was refused: Bad_CertificateRevoked")
                .contains("revoked by a CRL");
    }

    /** A tiny certificate authority with Bouncy Castle: CA certificate, issued certificates, CRL. */
    private static final class TestCa {
        final KeyPair keys;
        final X509Certificate certificate;
        private final org.bouncycastle.asn1.x500.X500Name name =
                new org.bouncycastle.asn1.x500.X500Name("CN=FloorLink test CA");

        TestCa() throws Exception {
            keys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
            var ext = new org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils();
            var builder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                            name,
                            java.math.BigInteger.ONE,
                            java.util.Date.from(java.time.Instant.now().minusSeconds(3600)),
                            java.util.Date.from(java.time.Instant.now().plus(Duration.ofDays(365))),
                            name,
                            keys.getPublic())
                    .addExtension(
                            org.bouncycastle.asn1.x509.Extension.basicConstraints,
                            true,
                            new org.bouncycastle.asn1.x509.BasicConstraints(true))
                    .addExtension(
                            org.bouncycastle.asn1.x509.Extension.keyUsage,
                            true,
                            new org.bouncycastle.asn1.x509.KeyUsage(org.bouncycastle.asn1.x509.KeyUsage.keyCertSign
                                    | org.bouncycastle.asn1.x509.KeyUsage.cRLSign))
                    .addExtension(
                            org.bouncycastle.asn1.x509.Extension.subjectKeyIdentifier,
                            false,
                            ext.createSubjectKeyIdentifier(keys.getPublic()));
            certificate = sign(builder);
        }

        X509Certificate issue(KeyPair subject, String applicationUri) throws Exception {
            var ext = new org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils();
            var builder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                            certificate,
                            java.math.BigInteger.valueOf(2),
                            java.util.Date.from(java.time.Instant.now().minusSeconds(3600)),
                            java.util.Date.from(java.time.Instant.now().plus(Duration.ofDays(365))),
                            new org.bouncycastle.asn1.x500.X500Name("CN=sewing line simulator"),
                            subject.getPublic())
                    .addExtension(
                            org.bouncycastle.asn1.x509.Extension.basicConstraints,
                            true,
                            new org.bouncycastle.asn1.x509.BasicConstraints(false))
                    .addExtension(
                            org.bouncycastle.asn1.x509.Extension.keyUsage,
                            true,
                            new org.bouncycastle.asn1.x509.KeyUsage(org.bouncycastle.asn1.x509.KeyUsage.digitalSignature
                                    | org.bouncycastle.asn1.x509.KeyUsage.nonRepudiation
                                    | org.bouncycastle.asn1.x509.KeyUsage.keyEncipherment
                                    | org.bouncycastle.asn1.x509.KeyUsage.dataEncipherment))
                    .addExtension(
                            org.bouncycastle.asn1.x509.Extension.extendedKeyUsage,
                            false,
                            new org.bouncycastle.asn1.x509.ExtendedKeyUsage(
                                    new org.bouncycastle.asn1.x509.KeyPurposeId[] {
                                        org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_serverAuth,
                                        org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_clientAuth
                                    }))
                    .addExtension(
                            org.bouncycastle.asn1.x509.Extension.subjectAlternativeName,
                            false,
                            new org.bouncycastle.asn1.x509.GeneralNames(new org.bouncycastle.asn1.x509.GeneralName[] {
                                new org.bouncycastle.asn1.x509.GeneralName(
                                        org.bouncycastle.asn1.x509.GeneralName.uniformResourceIdentifier,
                                        applicationUri),
                                new org.bouncycastle.asn1.x509.GeneralName(
                                        org.bouncycastle.asn1.x509.GeneralName.iPAddress, "127.0.0.1")
                            }))
                    .addExtension(
                            org.bouncycastle.asn1.x509.Extension.authorityKeyIdentifier,
                            false,
                            ext.createAuthorityKeyIdentifier(certificate))
                    .addExtension(
                            org.bouncycastle.asn1.x509.Extension.subjectKeyIdentifier,
                            false,
                            ext.createSubjectKeyIdentifier(subject.getPublic()));
            return sign(builder);
        }

        byte[] revoke(X509Certificate revoked) throws Exception {
            var crl = new org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder(
                    certificate, java.util.Date.from(java.time.Instant.now().minusSeconds(60)));
            crl.setNextUpdate(java.util.Date.from(java.time.Instant.now().plus(Duration.ofDays(7))));
            if (revoked != null) {
                crl.addCRLEntry(
                        revoked.getSerialNumber(),
                        java.util.Date.from(java.time.Instant.now().minusSeconds(30)),
                        org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
            }
            var signer = new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA")
                    .build(keys.getPrivate());
            return crl.build(signer).getEncoded();
        }

        private X509Certificate sign(org.bouncycastle.cert.X509v3CertificateBuilder builder) throws Exception {
            var signer = new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA")
                    .build(keys.getPrivate());
            return new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(builder.build(signer));
        }
    }
}
