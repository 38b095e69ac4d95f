package io.floorlink.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.collector.audit.AuditLog;
import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.broker.PasswordHash;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigFingerprintsTest {
    private static final String CLEAR_EDGE = "edge-clear-password-1";
    private static final String CLEAR_CLIENT = "client-clear-password-2";
    private static final String ADMIN = "admin-token-0123456789";
    private static final String REVIEWER = "reviewer-token-0123456789";

    private static AuthConfig auth(String edgePassword, String clientPassword) {
        return new AuthConfig(
                List.of(new AuthConfig.EdgeCredential("edge-01", edgePassword, List.of("ENT001"), "edge-01")),
                List.of(new AuthConfig.ClientCredential("stations", clientPassword, List.of("asm/#"), null)),
                false);
    }

    @Test
    void clearPasswordsAreNotInTheInputButChangingOneChangesTheFingerprint() {
        String input = ConfigFingerprints.edgeCredentials(auth(CLEAR_EDGE, CLEAR_CLIENT));

        assertThat(input)
                .doesNotContain(CLEAR_EDGE)
                .doesNotContain(CLEAR_CLIENT)
                .doesNotContain(AuditLog.sha256(CLEAR_EDGE))
                .contains("edge-01", "ENT001", "stations", "asm/#");
        String changedEdge = ConfigFingerprints.edgeCredentials(auth(CLEAR_EDGE + "x", CLEAR_CLIENT));
        String changedClient = ConfigFingerprints.edgeCredentials(auth(CLEAR_EDGE, CLEAR_CLIENT + "x"));
        assertThat(AuditLog.sha256(changedEdge))
                .isNotEqualTo(AuditLog.sha256(input))
                .isNotEqualTo(AuditLog.sha256(changedClient));
        assertThat(ConfigFingerprints.edgeCredentials(auth(CLEAR_EDGE, CLEAR_CLIENT)))
                .as("stable across starts")
                .isEqualTo(input);
    }

    @Test
    void storedPbkdf2HashesGoInOnlyAsTheirDigest() {
        String edgeHash = PasswordHash.hash(CLEAR_EDGE);
        String clientHash = PasswordHash.hash(CLEAR_CLIENT);

        String input = ConfigFingerprints.edgeCredentials(auth(edgeHash, clientHash));

        assertThat(input).doesNotContain(edgeHash, clientHash, CLEAR_EDGE, CLEAR_CLIENT);
        assertThat(input).contains(ConfigFingerprints.secret(ConfigFingerprints.EDGE_CREDENTIALS, edgeHash));
        assertThat(AuditLog.sha256(ConfigFingerprints.edgeCredentials(auth(PasswordHash.hash("other"), clientHash))))
                .isNotEqualTo(AuditLog.sha256(input));
    }

    @Test
    void httpTokensAreNotInTheInputButChangingOneChangesTheFingerprint() {
        HttpConfig http = new HttpConfig("127.0.0.1", 0, ADMIN)
                .withReviewerTokens(List.of(new HttpConfig.ReviewerToken("auditor", REVIEWER)));

        String input = ConfigFingerprints.httpTokens(http);

        assertThat(input).doesNotContain(ADMIN, REVIEWER).contains("auditor");
        assertThat(ConfigFingerprints.httpTokens(http.withAdminToken(ADMIN + "x")))
                .isNotEqualTo(input);
        assertThat(ConfigFingerprints.httpTokens(
                        http.withReviewerTokens(List.of(new HttpConfig.ReviewerToken("auditor", REVIEWER + "x")))))
                .isNotEqualTo(input);
    }

    @Test
    void theSameSecretHasUnrelatedDigestsInTwoFingerprints() {
        assertThat(ConfigFingerprints.secret(ConfigFingerprints.HTTP_TOKENS, ADMIN))
                .isNotEqualTo(ConfigFingerprints.secret(ConfigFingerprints.EDGE_CREDENTIALS, ADMIN))
                .isNotEqualTo(AuditLog.sha256(ADMIN));
    }
}
