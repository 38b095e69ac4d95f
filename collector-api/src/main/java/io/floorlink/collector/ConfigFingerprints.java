package io.floorlink.collector;

import io.floorlink.collector.audit.AuditLog;
import io.floorlink.gateway.AuthConfig;

/**
 * The text that the audit log's configuration fingerprints hash, for the targets that hold secrets (HTTP tokens,
 * MQTT credentials). Non-secret fields go in as they are; a secret goes in only as {@link #secret}, a SHA-256 of
 * the stored value (a PBKDF2 hash or a clear password or token) salted with the fingerprint's purpose, so the input
 * never holds a clear secret, the fingerprint still changes when a secret does, and the same password gives
 * unrelated digests in two fingerprints.
 */
final class ConfigFingerprints {
    static final String HTTP_TOKENS = "http_tokens";
    static final String EDGE_CREDENTIALS = "edge_credentials";

    private ConfigFingerprints() {}

    /** The digest standing for {@code stored} (a secret or its PBKDF2 hash) in the {@code purpose} fingerprint. */
    static String secret(String purpose, String stored) {
        return stored == null ? "-" : AuditLog.sha256("floorlink-audit-fingerprint\0" + purpose + "\0" + stored);
    }

    /** Input of the {@code http_tokens} fingerprint: role names with the digests of their tokens. */
    static String httpTokens(HttpConfig http) {
        StringBuilder in = new StringBuilder("admin:")
                .append(secret(HTTP_TOKENS, http.adminToken()))
                .append('\n');
        for (HttpConfig.ReviewerToken r : http.reviewerTokens()) {
            in.append(r.name())
                    .append(':')
                    .append(secret(HTTP_TOKENS, r.token()))
                    .append('\n');
        }
        for (HttpConfig.User u : http.users()) {
            in.append("user:").append(u.name()).append(':').append(u.role().wireName());
            in.append(':').append(u.enterprise()).append(':').append(u.contractor());
            in.append(':').append(secret(HTTP_TOKENS, u.token())).append('\n');
        }
        return in.toString();
    }

    /**
     * Input of the {@code edge_credentials} fingerprint: user names, groups, nodes and topic filters, with the
     * digests of their passwords.
     *
     * @param auth nullable (no credentials)
     */
    static String edgeCredentials(AuthConfig auth) {
        StringBuilder in = new StringBuilder();
        if (auth != null) {
            for (AuthConfig.EdgeCredential e : auth.edges()) {
                in.append("edge:").append(e.username()).append(':').append(e.groups());
                in.append(':').append(e.node());
                in.append(':').append(secret(EDGE_CREDENTIALS, e.password())).append('\n');
            }
            for (AuthConfig.ClientCredential c : auth.clients()) {
                in.append("client:").append(c.username()).append(':').append(c.publish());
                in.append(':').append(c.subscribe());
                in.append(':').append(secret(EDGE_CREDENTIALS, c.password())).append('\n');
            }
        }
        in.append("anonymous:").append(auth != null && auth.allowAnonymous());
        return in.toString();
    }
}
