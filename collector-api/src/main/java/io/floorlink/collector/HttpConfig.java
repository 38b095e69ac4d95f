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
 * <p>Roles: an admin (the {@code admin_token}, the programme administrator of a district) may read everything and
 * change inventories; a reviewer (one of {@code reviewer_tokens}, or a user of role {@code reviewer}) may only read:
 * every enterprise of a single-inventory collector, in a district the enterprises of the reviews naming them;
 * {@code users} adds the district roles {@code enterprise} (one enterprise, read only), {@code contractor} (the
 * enterprises the registry gives the contractor; may import their inventories) and {@code programme_admin} (as the
 * admin). Reads are anonymous only when {@code allow_anonymous_reads} is true, which is the default on a loopback
 * address without reviewer tokens or users and must be said explicitly otherwise; an anonymous reader sees every
 * enterprise. {@code /health} and the static web page are always open (the page asks for a token when the API
 * wants one).
 *
 * @param host bind address; null means {@code 127.0.0.1} (loopback only)
 * @param port TCP port 0..65535, 0 meaning any free port; null means 8080
 * @param adminToken token of the admin role, sent as {@code Authorization: Bearer}; at least 16 characters, write it
 *     as {@code ${ENV}}; null disables every change (403). Never logged.
 * @param reviewerTokens read-only tokens, each with a name the audit log shows; never null (empty when none)
 * @param allowAnonymousReads whether reads need no token; null means true on a loopback host without reviewer
 *     tokens or users, false otherwise
 * @param tls HTTPS instead of HTTP when set; nullable
 * @param users named tokens with a district role; never null (empty when none). Their enterprise and contractor
 *     references are checked against the registry when the collector starts.
 */
public record HttpConfig(
        String host,
        Integer port,
        String adminToken,
        List<ReviewerToken> reviewerTokens,
        Boolean allowAnonymousReads,
        Tls tls,
        List<User> users) {
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
        users = users == null ? List.of() : List.copyOf(users);
        for (int i = 0; i < users.size(); i++) {
            User u = users.get(i);
            String at = "users[" + i + "]";
            if (u == null) {
                throw new IllegalArgumentException(at + " is empty");
            }
            if (u.name() == null || !NAME.matcher(u.name()).matches()) {
                throw new IllegalArgumentException(at + ".name must be 1..64 letters, digits, '.', '_' or '-' (it"
                        + " names the user in the audit log and in the registry's reviews)");
            }
            if (u.role() == null) {
                throw new IllegalArgumentException(at + " (" + u.name()
                        + "): role is required: enterprise, contractor, reviewer or programme_admin");
            }
            if (u.token() == null || u.token().length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException(at + " (" + u.name() + "): token must be at least "
                        + MIN_TOKEN_LENGTH + " characters; use a random secret from ${ENV} or ${file:...}");
            }
            if ((u.role() == Role.ENTERPRISE) != (u.enterprise() != null)) {
                throw new IllegalArgumentException(at + " (" + u.name() + "): enterprise is "
                        + (u.role() == Role.ENTERPRISE
                                ? "required for role enterprise"
                                : "only for role enterprise, not " + u.role().wireName()));
            }
            if ((u.role() == Role.CONTRACTOR) != (u.contractor() != null)) {
                throw new IllegalArgumentException(at + " (" + u.name() + "): contractor is "
                        + (u.role() == Role.CONTRACTOR
                                ? "required for role contractor"
                                : "only for role contractor, not " + u.role().wireName()));
            }
            if (!names.add(u.name())) {
                throw new IllegalArgumentException(
                        at + ": duplicate name '" + u.name() + "' (names are unique across reviewer_tokens and users)");
            }
            if (!tokens.add(u.token())) {
                throw new IllegalArgumentException(
                        at + " (" + u.name() + "): the same token is given twice (or equals another token)");
            }
        }
        if (allowAnonymousReads == null) {
            allowAnonymousReads = reviewerTokens.isEmpty() && users.isEmpty() && isLoopback(host);
        }
    }

    /** What a {@link User} may see and do. */
    public enum Role {
        /** Reads its own enterprise only. */
        ENTERPRISE,
        /** Reads the enterprises the registry names it contractor of, and imports their inventories. */
        CONTRACTOR,
        /** Reads the enterprises of the registry's reviews that name the user. */
        REVIEWER,
        /** Reads every enterprise and changes inventories, as the admin token. */
        PROGRAMME_ADMIN;

        /** The YAML spelling, e.g. {@code programme_admin}. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A named token with a district role.
     *
     * @param name user name (audit log, registry reviews), never null
     * @param token the bearer token, at least {@link #MIN_TOKEN_LENGTH} characters; never logged
     * @param role never null
     * @param enterprise the enterprise code of role {@code enterprise}; null for the other roles
     * @param contractor the contractor id of role {@code contractor}; null for the other roles
     */
    public record User(String name, String token, Role role, String enterprise, String contractor) {
        public User {
            token = token == null ? null : token.trim();
            enterprise = enterprise == null || enterprise.isBlank() ? null : enterprise.trim();
            contractor = contractor == null || contractor.isBlank() ? null : contractor.trim();
        }

        @Override
        public String toString() {
            return "User[name=" + name + ", token=***, role=" + role + ", enterprise=" + enterprise + ", contractor="
                    + contractor + "]";
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

    public HttpConfig(
            String host,
            Integer port,
            String adminToken,
            List<ReviewerToken> reviewerTokens,
            Boolean allowAnonymousReads,
            Tls tls) {
        this(host, port, adminToken, reviewerTokens, allowAnonymousReads, tls, null);
    }

    public HttpConfig(String host, Integer port, String adminToken) {
        this(host, port, adminToken, null, null, null, null);
    }

    public HttpConfig(String host, Integer port) {
        this(host, port, null);
    }

    public HttpConfig withAdminToken(String token) {
        return new HttpConfig(host, port, token, reviewerTokens, allowAnonymousReads, tls, users);
    }

    public HttpConfig withReviewerTokens(List<ReviewerToken> tokens) {
        return new HttpConfig(host, port, adminToken, tokens, null, tls, users);
    }

    public HttpConfig withTls(Tls newTls) {
        return new HttpConfig(host, port, adminToken, reviewerTokens, allowAnonymousReads, newTls, users);
    }

    public HttpConfig withPort(int newPort) {
        return new HttpConfig(host, newPort, adminToken, reviewerTokens, allowAnonymousReads, tls, users);
    }

    /** With these district users (anonymous reads then default to off, as when loaded). */
    public HttpConfig withUsers(List<User> newUsers) {
        return new HttpConfig(host, port, adminToken, reviewerTokens, null, tls, newUsers);
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
                + ", users="
                + users.stream().map(u -> u.name() + ":" + u.role().wireName()).toList()
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
