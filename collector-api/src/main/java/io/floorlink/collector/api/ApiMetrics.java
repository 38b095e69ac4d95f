package io.floorlink.collector.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.http.Outcome;
import java.util.concurrent.TimeUnit;

/**
 * Meters of the HTTP API under Micrometer's (and Spring's) standard name: {@code http.server.requests} (timer,
 * seconds; tags {@code method} = the HTTP method or {@code OTHER}, {@code uri} = the route template such as {@code
 * /api/v1/equipment/{id}/indicators}, {@value #STATIC} for the web page's files, {@value #NOT_FOUND}, {@value
 * #REDIRECTION} or {@value #UNKNOWN} when no route matched (never the raw path), {@code status} = the HTTP status
 * code, {@code outcome} = {@link Outcome} of the status ({@code SUCCESS}, {@code CLIENT_ERROR}, ...), {@code
 * exception} = the simple class name of the exception a handler turned into the answer, or {@value #NONE}).
 */
final class ApiMetrics implements MeterBinder {
    static final String NAME = "http.server.requests";
    /** The context attribute where an exception handler leaves the exception's simple class name. */
    static final String EXCEPTION_ATTRIBUTE = "floorlink.metrics.exception";

    static final String NOT_FOUND = "NOT_FOUND";
    static final String REDIRECTION = "REDIRECTION";
    static final String UNKNOWN = "UNKNOWN";
    /** Spring's pattern for its static resource handler; the web page's files are served the same way. */
    static final String STATIC = "/**";

    static final String NONE = "none";

    private volatile MeterRegistry registry;

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * The {@code uri} tag of a request.
     *
     * @param route the matched route template, null when no route matched
     */
    static String uri(String route, int status) {
        if (route != null) {
            return route;
        }
        if (status == 404) {
            return NOT_FOUND;
        }
        if (status >= 300 && status < 400) {
            return REDIRECTION;
        }
        return status >= 200 && status < 300 ? STATIC : UNKNOWN;
    }

    /** The {@code exception} tag of an exception: its simple class name ({@link Class#getName} if anonymous). */
    static String exception(Throwable e) {
        if (e == null) {
            return NONE;
        }
        String simple = e.getClass().getSimpleName();
        return simple.isEmpty() ? e.getClass().getName() : simple;
    }

    void record(String method, String uri, int status, String exception, float millis) {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        Timer.builder(NAME)
                .description("HTTP requests served by the collector API")
                .tag("method", method)
                .tag("uri", uri)
                .tag("status", Integer.toString(status))
                .tag("outcome", Outcome.forStatus(status).name())
                .tag("exception", exception == null ? NONE : exception)
                .register(r)
                .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
    }
}
