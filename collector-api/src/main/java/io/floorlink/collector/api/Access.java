package io.floorlink.collector.api;

import io.floorlink.collector.HttpConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Who a request is, from its {@code Authorization: Bearer} token: the admin (or a programme administrator), a named
 * reviewer, an enterprise or contractor user, or anonymous. Tokens are compared in constant time; no token is ever
 * logged or echoed. Which enterprises a principal sees is {@link Tenancy}'s decision.
 */
final class Access {
    /** Request attribute holding the {@link Principal}. */
    static final String ATTRIBUTE = "floorlink.principal";

    enum Role {
        ANONYMOUS,
        ENTERPRISE,
        CONTRACTOR,
        REVIEWER,
        ADMIN
    }

    /**
     * The caller; {@code name} is what the audit log shows ({@code admin}, a user's name, {@code anonymous}).
     *
     * @param enterprise the enterprise code of an enterprise user; null otherwise
     * @param contractor the contractor id of a contractor user; null otherwise
     */
    record Principal(String name, Role role, String enterprise, String contractor) {
        static final Principal ANONYMOUS = new Principal("anonymous", Role.ANONYMOUS, null, null);

        Principal(String name, Role role) {
            this(name, role, null, null);
        }
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
        boolean admins = http.adminToken() != null;
        for (HttpConfig.User u : http.users()) {
            Role role =
                    switch (u.role()) {
                        case ENTERPRISE -> Role.ENTERPRISE;
                        case CONTRACTOR -> Role.CONTRACTOR;
                        case REVIEWER -> Role.REVIEWER;
                        case PROGRAMME_ADMIN -> Role.ADMIN;
                    };
            admins |= role == Role.ADMIN || role == Role.CONTRACTOR;
            known.add(new Known(bytes(u.token()), new Principal(u.name(), role, u.enterprise(), u.contractor())));
        }
        this.anonymousReads = http.allowAnonymousReads();
        this.adminConfigured = admins;
    }

    boolean anonymousReads() {
        return anonymousReads;
    }

    /** Whether any token may change an inventory (the admin's, a programme administrator's or a contractor's). */
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
