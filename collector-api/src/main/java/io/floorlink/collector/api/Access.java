package io.floorlink.collector.api;

import io.floorlink.collector.HttpConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Who a request is, from its {@code Authorization: Bearer} token: the admin, a named reviewer, or anonymous. Tokens
 * are compared in constant time; no token is ever logged or echoed.
 */
final class Access {
    /** Request attribute holding the {@link Principal}. */
    static final String ATTRIBUTE = "floorlink.principal";

    enum Role {
        ANONYMOUS,
        REVIEWER,
        ADMIN
    }

    /** The caller; {@code name} is what the audit log shows ({@code admin}, a reviewer's name, {@code anonymous}). */
    record Principal(String name, Role role) {
        static final Principal ANONYMOUS = new Principal("anonymous", Role.ANONYMOUS);
    }

    private record Known(byte[] token, Principal principal) {}

    private final List<Known> known = new ArrayList<>();
    private final boolean anonymousReads;
    private final boolean adminConfigured;

    Access(HttpConfig http) {
        if (http.adminToken() != null) {
            known.add(new Known(bytes(http.adminToken()), new Principal("admin", Role.ADMIN)));
        }
        for (HttpConfig.ReviewerToken r : http.reviewerTokens()) {
            known.add(new Known(bytes(r.token()), new Principal(r.name(), Role.REVIEWER)));
        }
        this.anonymousReads = http.allowAnonymousReads();
        this.adminConfigured = http.adminToken() != null;
    }

    boolean anonymousReads() {
        return anonymousReads;
    }

    boolean adminConfigured() {
        return adminConfigured;
    }

    /**
     * The principal of a request; null when it sends a token that matches none (every known token is compared, so
     * the time does not tell which one was close).
     */
    Principal resolve(Context ctx) {
        String auth = ctx.header("Authorization");
        if (auth == null || auth.isBlank()) {
            return Principal.ANONYMOUS;
        }
        if (!auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        byte[] given = bytes(auth.substring(7).trim());
        Principal found = null;
        for (Known k : known) {
            if (MessageDigest.isEqual(k.token(), given) && found == null) {
                found = k.principal();
            }
        }
        return found;
    }

    /** The principal {@link ApiServer} resolved for this request. */
    static Principal of(Context ctx) {
        Principal p = ctx.attribute(ATTRIBUTE);
        return p == null ? Principal.ANONYMOUS : p;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
