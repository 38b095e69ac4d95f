package io.floorlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import org.junit.jupiter.api.Test;

class PemTest {
    @Test
    void encodeWritesSixtyFourCharacterLinesThatDecodeBack() throws NoSuchAlgorithmException {
        byte[] der =
                KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic().getEncoded();

        String pem = Pem.encode("PUBLIC KEY", der);

        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("\n-----END PUBLIC KEY-----\n");
        assertThat(pem.lines().skip(1).limit(pem.lines().count() - 2)).allMatch(l -> l.length() <= 64);
        assertThat(Pem.decode("comment before\n" + pem, "PUBLIC KEY", "key.pem"))
                .isEqualTo(der);
    }

    @Test
    void decodeTakesTheBlockOfItsTypeAndNamesWhereOtherwise() {
        String two = Pem.encode("CERTIFICATE", new byte[] {1}) + Pem.encode("PRIVATE KEY", new byte[] {2, 3});

        assertThat(Pem.decode(two, "PRIVATE KEY", "key.pem")).containsExactly(2, 3);
        assertThatThrownBy(() -> Pem.decode(two, "PUBLIC KEY", "the trusted key"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the trusted key holds no PEM PUBLIC KEY (-----BEGIN PUBLIC KEY-----)");
        assertThatThrownBy(() -> Pem.decode("", "PUBLIC KEY", "bundle.pub"))
                .hasMessageStartingWith("bundle.pub holds no PEM PUBLIC KEY");
    }
}
