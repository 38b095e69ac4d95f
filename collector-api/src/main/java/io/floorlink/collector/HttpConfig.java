package io.floorlink.collector;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where and how the HTTP API listens ({@code http:} in collector.yaml), and who may use it.
 *
 * <p>Roles: an admin (the {@code admin_token}) may read everything and change the inventory; a reviewer (one of
 * {@code reviewer_tokens}) may only read. Reads are anonymous only when {@code allow_anonymous_reads} is true,
 * which is the default on a loopback address without reviewer tokens and must be said explicitly otherwise.
 * {@code /health} and the static web page are always open (the page asks for a token when the API wants one).
 *
 * @param host bind address; null means {@code 127.0.0.1} (loopback only)
 * @param port TCP port 0..65535, 0 meaning any free port; null means 8080
 * @param adminToken token of the admin role, sent as {@code Authorization: Bearer}; at least 16 characters, write it
 *     as {@code ${ENV}}; null disables every change (403). Never logged.
 * @param reviewerTokens read-only tokens, each with a name the audit log shows; never null (empty when none)
 * @param allowAnonymousReads whether reads need no token; null means true on a loopback host without reviewer
 *     tokens, false otherwise
 * @param tls HTTPS instead of HTTP when set; nullable
 */
public record HttpConfig(
        String host,
        Integer port,
        String adminToken,
        List<ReviewerToken> reviewerTokens,
        Boolean allowAnonymousReads,
        Tls tls) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    /** Shortest accepted token: a random secret, not a word. */
    public static final int MIN_TOKEN_LENGTH = 16;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public HttpConfig {
        host = host == null || host.isBlank() ? DEFAULT_HOST : host.trim();
        port = port == null ? DEFAULT_PORT : port;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535 but was " + port);
        }
        adminToken = adminToken == null || adminToken.isBlank() ? null : adminToken.trim();
        if (adminToken != null && adminToken.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException(
                    "admin_token must be at least " + MIN_TOKEN_LENGTH + " characters; use a random secret");
        }
        reviewerTokens = reviewerTokens == null ? List.of() : List.copyOf(reviewerTokens);
        Set<String> names = new HashSet<>();
        Set<String> tokens = new HashSet<>();
        if (adminToken != null) {
            tokens.add(adminToken);
        }
        for (int i = 0; i < reviewerTokens.size(); i++) {
            ReviewerToken r = reviewerTokens.get(i);
            String at = "reviewer_tokens[" + i + "]";
            if (r == null) {
                throw new IllegalArgumentException(at + " is empty");
            }
            if (r.name() == null || !NAME.matcher(r.name()).matches()) {
                throw new IllegalArgumentException(
                        at + ".name must be 1..64 letters, digits, '.', '_' or '-' (it names the reviewer in the"
                                + " audit log)");
            }
            if (r.token() == null || r.token().trim().length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException(at + " (" + r.name() + "): token must be at least "
                        + MIN_TOKEN_LENGTH + " characters; use a random secret from ${ENV}");
            }
            if (!names.add(r.name())) {
                throw new IllegalArgumentException(at + ": duplicate name '" + r.name() + "'");
            }
            if (!tokens.add(r.token().trim())) {
                throw new IllegalArgumentException(
                        at + " (" + r.name() + "): the same token is given twice (or equals admin_token)");
            }
        }
        if (allowAnonymousReads == null) {
            allowAnonymousReads = reviewerTokens.isEmpty() && isLoopback(host);
        }
    }

    /** A read-only token and the name the audit log and the request log show for it. */
    public record ReviewerToken(String name, String token) {
        public ReviewerToken {
            token = token == null ? null : token.trim();
        }

        @Override
        public String toString() {
            return "ReviewerToken[name=" + name + ", token=***]";
        }
    }

    /**
     * HTTPS: a PKCS#12 key store with the server's key and certificate chain.
     *
     * @param keystore the PKCS#12 file; a relative path in collector.yaml is resolved against its folder; checked when
     *     the server starts
     * @param keystorePassword its password, write it as {@code ${ENV}}; never logged
     */
    public record Tls(Path keystore, String keystorePassword) {
        public Tls {
            if (keystore == null) {
                throw new IllegalArgumentException("tls.keystore is required (a PKCS#12 file)");
            }
            if (keystorePassword == null) {
                throw new IllegalArgumentException("tls.keystore_password is required (write it as ${ENV})");
            }
        }

        @Override
        public String toString() {
            return "Tls[keystore=" + keystore + ", keystorePassword=***]";
        }
    }

    public HttpConfig(String host, Integer port, String adminToken) {
        this(host, port, adminToken, null, null, null);
    }

    public HttpConfig(String host, Integer port) {
        this(host, port, null);
    }

    public HttpConfig withAdminToken(String token) {
        return new HttpConfig(host, port, token, reviewerTokens, allowAnonymousReads, tls);
    }

    public HttpConfig withReviewerTokens(List<ReviewerToken> tokens) {
        return new HttpConfig(host, port, adminToken, tokens, null, tls);
    }

    public HttpConfig withTls(Tls newTls) {
        return new HttpConfig(host, port, adminToken, reviewerTokens, allowAnonymousReads, newTls);
    }

    public HttpConfig withPort(int newPort) {
        return new HttpConfig(host, newPort, adminToken, reviewerTokens, allowAnonymousReads, tls);
    }

    /** {@code https} or {@code http}. */
    public String scheme() {
        return tls == null ? "http" : "https";
    }

    /** Without any secret. */
    @Override
    public String toString() {
        return "HttpConfig[host=" + host + ", port=" + port + ", adminToken=" + (adminToken == null ? "none" : "***")
                + ", reviewerTokens="
                + reviewerTokens.stream().map(ReviewerToken::name).toList()
                + ", allowAnonymousReads=" + allowAnonymousReads + ", tls=" + tls + "]";
    }

    /** 127.0.0.1:8080. */
    public static HttpConfig defaults() {
        return new HttpConfig(null, null);
    }

    static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        try {
            // only literal addresses: a name is not resolved here
            if (!host.matches("[0-9a-fA-F:.\\[\\]]+")) {
                return false;
            }
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
