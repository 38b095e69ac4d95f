package io.floorlink.collector.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Serves the hand-written OpenAPI 3.1 document {@code /openapi.json} from the classpath. */
final class OpenApi {
    static final String RESOURCE = "/openapi.json";
    private static final byte[] DOCUMENT = load();

    private OpenApi() {}

    static void serve(Context ctx) {
        ctx.contentType("application/json").result(DOCUMENT);
    }

    private static byte[] load() {
        try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
