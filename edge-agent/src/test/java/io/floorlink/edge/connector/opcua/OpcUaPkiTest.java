package io.floorlink.edge.connector.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.Security;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.SecurityMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpcUaPkiTest {
    @TempDir
    Path dir;

    private static X509Certificate certificate(String cn) throws Exception {
        KeyPair keys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
        return new SelfSignedCertificateBuilder(keys)
                .setCommonName(cn)
                .setApplicationUri("urn:test:" + cn)
                .build();
    }

    @Test
    void openCreatesTheTrustListFolders() throws Exception {
        OpcUaPki.open(dir);
        for (String sub :
                new String[] {"own", "trusted/certs", "trusted/crl", "issuers/certs", "issuers/crl", "rejected"}) {
            assertThat(dir.resolve(sub)).isDirectory();
        }
    }

    @Test
    void quarantineKeepsRejectedCertificatesByThumbprintAndTrustMovesThem() throws Exception {
        OpcUaPki pki = OpcUaPki.open(dir);
        X509Certificate cert = certificate("plc1");
        String thumb = OpcUaPki.thumbprint(cert);
        assertThat(thumb).matches("[0-9a-f]{40}");

        pki.quarantine().addRejectedCertificate(cert);

        assertThat(dir.resolve("rejected").resolve(thumb + ".der")).exists();
        assertThat(pki.rejected()).singleElement().satisfies(e -> {
            assertThat(e.thumbprint()).isEqualTo(thumb);
            assertThat(e.subject()).contains("CN=plc1");
            assertThat(e.applicationUri()).isEqualTo("urn:test:plc1");
        });
        assertThat(pki.trustList().getTrustedCertificates()).isEmpty();

        pki.trust(thumb.substring(0, 8).toUpperCase());

        assertThat(pki.rejected()).isEmpty();
        assertThat(pki.trustList().getTrustedCertificates()).containsExactly(cert);
    }

    @Test
    void trustRefusesUnknownAndAmbiguousThumbprintsAndAcceptsAFile() throws Exception {
        OpcUaPki pki = OpcUaPki.open(dir);
        assertThatThrownBy(() -> pki.trust("0123456789abcdef"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no rejected certificate with thumbprint 0123456789abcdef");
        assertThatThrownBy(() -> pki.trust("no-such-file.der"))
                .hasMessageContaining("is neither a thumbprint of a rejected certificate nor a file");

        X509Certificate cert = certificate("plc2");
        Path file = dir.resolve("plc2.der");
        Files.write(file, cert.getEncoded());
        OpcUaPki.CertificateEntry e = pki.trust(file.toString());
        assertThat(e.file()).isEqualTo(dir.resolve("trusted/certs/" + OpcUaPki.thumbprint(cert) + ".der"));
    }

    @Test
    void applicationCertificateIsCreatedOnceAndItsKeyIsPrivate() throws Exception {
        OpcUaPki pki = OpcUaPki.open(dir);
        OpcUaPki.ApplicationCertificate first = pki.applicationCertificate("line-1", "urn:floorlink:edge:opcua:line-1");
        OpcUaPki.ApplicationCertificate second =
                pki.applicationCertificate("line-1", "urn:floorlink:edge:opcua:line-1");

        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        assertThat(second.certificate()).isEqualTo(first.certificate());
        assertThat(second.keyPair().getPrivate().getEncoded())
                .isEqualTo(first.keyPair().getPrivate().getEncoded());
        assertThat(OpcUaPki.matches(second.certificate(), second.keyPair().getPrivate()))
                .isTrue();
        assertThat(first.certificate().getNotAfter().toInstant())
                .isAfter(Instant.now().plus(Duration.ofDays(3 * 365 - 2)));
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("own/line-1.key"))))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void part4_7_41_passwordIsRefusedWhereItWouldTravelInClearText() {
        Security signed = new Security(SecurityMode.SIGN, null, dir, "op", "pw", null, null, null);
        UserTokenPolicy plain =
                new UserTokenPolicy("u", UserTokenType.UserName, null, null, SecurityPolicy.None.getUri());
        UserTokenPolicy endpointPolicy = new UserTokenPolicy("u", UserTokenType.UserName, null, null, null);

        assertThat(OpcUaClients.passwordExposure(endpoint(MessageSecurityMode.Sign, plain), signed))
                .contains("clear text");
        assertThat(OpcUaClients.passwordExposure(endpoint(MessageSecurityMode.Sign, endpointPolicy), signed))
                .isNull();
        assertThat(OpcUaClients.passwordExposure(endpoint(MessageSecurityMode.SignAndEncrypt, plain), signed))
                .isNull();
        Security allowed = new Security(SecurityMode.SIGN, null, dir, "op", "pw", null, null, true);
        assertThat(OpcUaClients.passwordExposure(endpoint(MessageSecurityMode.Sign, plain), allowed))
                .isNull();
    }

    private static EndpointDescription endpoint(MessageSecurityMode mode, UserTokenPolicy token) {
        return new EndpointDescription(
                "opc.tcp://127.0.0.1:4840",
                null,
                null,
                mode,
                SecurityPolicy.Basic256Sha256.getUri(),
                new UserTokenPolicy[] {token},
                null,
                null);
    }
}
