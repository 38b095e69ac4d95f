package io.floorlink.images;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;

/**
 * The health check command of the FloorLink images, which have no shell, curl or wget: {@code java -cp
 * /opt/floorlink/healthcheck/classes io.floorlink.images.HealthCheck http://127.0.0.1:8080/health} exits 0 when the
 * URL answers 2xx and 1 otherwise (other status, refused, timed out), printing one line on failure.
 */
public final class HealthCheck {
    /** Connect and read timeout of one check. */
    static final Duration TIMEOUT = Duration.ofSeconds(4);

    private HealthCheck() {}

    /**
     * Runs one check and exits (blocking, at most twice {@link #TIMEOUT}).
     *
     * @param args one argument: the {@code http://} URL of the health endpoint
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: HealthCheck http://127.0.0.1:8080/health");
            System.exit(64);
        }
        System.exit(check(URI.create(args[0])) ? 0 : 1);
    }

    /**
     * GETs the URL once.
     *
     * @param url the health endpoint, not null
     * @return true when it answered 2xx within {@link #TIMEOUT}
     */
    static boolean check(URI url) {
        try {
            HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
            connection.setConnectTimeout((int) TIMEOUT.toMillis());
            connection.setReadTimeout((int) TIMEOUT.toMillis());
            int status = connection.getResponseCode();
            InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            if (body != null) {
                body.close();
            }
            if (status / 100 != 2) {
                System.err.println(url + ": HTTP " + status);
                return false;
            }
            return true;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println(url + ": " + e);
            return false;
        }
    }
}
