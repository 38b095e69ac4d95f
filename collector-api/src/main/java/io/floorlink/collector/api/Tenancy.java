package io.floorlink.collector.api;

import io.floorlink.collector.district.District;
import io.floorlink.collector.district.District.EnterpriseEntry;
import io.floorlink.collector.district.Enterprises;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that decides which enterprise a request reads or changes: every handler of enterprise data gets its
 * {@link Enterprises.Context} from {@link #require} (or lists through {@link #visible}), never from a field. An
 * enterprise the caller may not see answers exactly as one that does not exist (404 {@code unknown_enterprise}), so
 * the API is no oracle of which codes are enrolled.
 *
 * <p>Who sees what: the admin and programme administrators every enterprise; an anonymous reader (only where
 * anonymous reads are allowed) every enterprise; an enterprise user its own; a contractor the enterprises the
 * registry names it contractor of; a reviewer every enterprise of a single-inventory collector, in a district those
 * of the registry's reviews that name the reviewer.
 */
final class Tenancy {
    /** The query parameter naming the enterprise. */
    static final String PARAM = "enterprise";
    /** Longest enterprise code echoed back in an error. */
    private static final int ECHO = 64;

    private final Enterprises enterprises;

    Tenancy(Enterprises enterprises) {
        this.enterprises = enterprises;
    }

    /** A request about an enterprise that cannot be answered: 400 or 404 with an {@link ApiError} of this code. */
    static final class TenancyException extends RuntimeException {
        private final int status;
        private final String error;

        TenancyException(int status, String error, String message) {
            super(message, null, false, false);
            this.status = status;
            this.error = error;
        }

        int status() {
            return status;
        }

        String error() {
            return error;
        }
    }

    Enterprises enterprises() {
        return enterprises;
    }

    /**
     * The enterprise this request is about: {@code enterprise=<code>}, or when absent the only active enterprise the
     * caller sees.
     *
     * @throws TenancyException 404 {@code unknown_enterprise} for a code that is unknown or not visible, 400 {@code
     *     enterprise_required} when the caller sees several enterprises and names none
     */
    Enterprises.Context require(Context ctx) {
        return require(ctx, ctx.queryParam(PARAM));
    }

    /**
     * The enterprise of this code (from a path, e.g. {@code /api/v1/enterprises/{code}/history}), as {@link
     * #require(Context)} decides it; a blank code is the only visible one.
     */
    Enterprises.Context require(Context ctx, String code) {
        Access.Principal who = Access.of(ctx);
        if (code == null || code.isBlank()) {
            List<Enterprises.Context> visible = visible(who, false);
            if (visible.size() == 1) {
                return visible.get(0);
            }
            if (visible.isEmpty()) {
                throw new TenancyException(404, "unknown_enterprise", "no enterprise is visible to " + who.name());
            }
            throw new TenancyException(
                    400,
                    "enterprise_required",
                    "give enterprise=<code>: " + who.name() + " sees " + visible.size()
                            + " enterprises (GET /api/v1/enterprises lists them)");
        }
        String wanted = code.trim();
        return enterprises
                .get(wanted)
                .filter(c -> sees(who, c.entry()))
                .orElseThrow(() -> new TenancyException(
                        404,
                        "unknown_enterprise",
                        "no enterprise '"
                                + (wanted.length() > ECHO ? wanted.substring(0, ECHO) + "..." : wanted)
                                + "'"));
    }

    /** The enterprises this request's caller sees, in registry order; retired ones only when asked. */
    List<Enterprises.Context> visible(Context ctx, boolean includeRetired) {
        return visible(Access.of(ctx), includeRetired);
    }

    private List<Enterprises.Context> visible(Access.Principal who, boolean includeRetired) {
        List<Enterprises.Context> out = new ArrayList<>();
        for (Enterprises.Context c : enterprises.all()) {
            if ((includeRetired || c.entry().active()) && sees(who, c.entry())) {
                out.add(c);
            }
        }
        return out;
    }

    /** Whether this request's caller sees the enterprise (Sparkplug group) with this code. */
    boolean seesGroup(Context ctx, String group) {
        Access.Principal who = Access.of(ctx);
        return enterprises.get(group).filter(c -> sees(who, c.entry())).isPresent();
    }

    /** Whether the caller sees the whole platform: every enterprise, also those the registry does not list. */
    boolean seesPlatform(Context ctx) {
        Access.Role role = Access.of(ctx).role();
        return role == Access.Role.ADMIN
                || role == Access.Role.ANONYMOUS
                || (enterprises.single() && role == Access.Role.REVIEWER);
    }

    /** Whether the caller may replace this enterprise's inventory: the admin, or the enterprise's contractor. */
    boolean mayImport(Access.Principal who, EnterpriseEntry e) {
        return who.role() == Access.Role.ADMIN
                || (who.role() == Access.Role.CONTRACTOR && who.contractor().equals(e.contractor()));
    }

    private boolean sees(Access.Principal who, EnterpriseEntry e) {
        return switch (who.role()) {
            case ADMIN, ANONYMOUS -> true;
            case ENTERPRISE -> e.code().equals(who.enterprise());
            case CONTRACTOR -> who.contractor().equals(e.contractor());
            case REVIEWER -> enterprises.single() || reviews(who.name(), e.code());
        };
    }

    private boolean reviews(String reviewer, String code) {
        for (District.Review r : enterprises.district().reviews()) {
            if (r.reviewers().contains(reviewer) && r.enterprises().contains(code)) {
                return true;
            }
        }
        return false;
    }
}
