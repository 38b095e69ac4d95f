package io.floorlink.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floorlink.gateway.AuthConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class PasswordHashTest {
    private static final String FIELD = "auth.edges[edge-01].password";

    @Test
    void aHashMadeByPasswordHashVerifiesAndPassesTheCheck() {
        String h = PasswordHash.hash("s3cret-edge-password");
        assertThatCode(() -> PasswordHash.check(h, FIELD)).doesNotThrowAnyException();
        assertThat(PasswordHash.verify("s3cret-edge-password", h)).isTrue();
        assertThat(PasswordHash.verify("wrong", h)).isFalse();
    }

    @Test
    void aMalformedHashIsRefusedAtStartNamingTheFieldButNotTheValue() {
        String[] bad = {
            "pbkdf2-sha256$210000$c2FsdHNhbHQ", // two parts
            "pbkdf2-sha256$many$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g",
            "pbkdf2-sha256$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g", // too cheap
            "pbkdf2-sha256$210000$c2Fs$aGFzaGhhc2hoYXNoaGFzaGhhc2g", // 3-byte salt
            "pbkdf2-sha256$210000$c2FsdHNhbHRzYWx0$aGFzaA", // 4-byte hash
            "pbkdf2-sha256$210000$!!!$aGFzaGhhc2hoYXNoaGFzaGhhc2g",
            "pbkdf2_sha256$210000$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g", // Django's spelling
            "$2b$12$abcdefghijklmnopqrstuv0123456789ABCDEFGHIJKLMNOPQRSTU", // bcrypt
        };
        for (String value : bad) {
            assertThatThrownBy(() -> new AuthConfig.EdgeCredential("edge-01", value, List.of("ENT001"), "edge-01"))
                    .as(value)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(FIELD)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(value));
        }
    }

    @Test
    void aClearPasswordFromTheEnvironmentIsStillAccepted() {
        assertThatCode(() ->
                        new AuthConfig.EdgeCredential("edge-01", "clear-from-env-123", List.of("ENT001"), "edge-01"))
                .doesNotThrowAnyException();
    }
}
