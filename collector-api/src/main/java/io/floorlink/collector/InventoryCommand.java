package io.floorlink.collector;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.api.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code inventory import|get}: a contractor's or administrator's client of a running collector's inventory API, for
 * commissioning on site with a laptop. It never edits files under a running collector: the collector validates the
 * upload, writes it and makes it active, or changes nothing and names every problem. The token is read from a file
 * (or {@code FLOORLINK_TOKEN}), never from the command line where {@code ps} would show it.
 *
 * <p>Exit codes: 0 done; {@value #EXIT_DATA} (EX_DATAERR) the upload was refused, with every problem printed;
 * {@value #EXIT_NOPERM} (EX_NOPERM) the token is unknown or may not do this, or the enterprise is not visible to it;
 * {@value #EXIT_UNAVAILABLE} (EX_UNAVAILABLE) the collector cannot be reached or fails.
 */
@Command(
        name = "inventory",
        mixinStandardHelpOptions = true,
        description = "Imports an enterprise's inventory into a running collector, or fetches the active one.",
        subcommands = {InventoryCommand.Import.class, InventoryCommand.Get.class})
final class InventoryCommand implements Callable<Integer> {
    static final int EXIT_DATA = 65;
    static final int EXIT_UNAVAILABLE = 69;
    static final int EXIT_NOPERM = 77;
    /** The environment variable holding the token when no {@code --token-file} is given. */
    static final String TOKEN_ENV = "FLOORLINK_TOKEN";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return CollectorMain.EXIT_USAGE;
    }

    /** Where the collector is and who is asking. */
    static final class Target {
        @Option(
                names = "--url",
                required = true,
                paramLabel = "URL",
                description = "the collector, e.g. http://127.0.0.1:8080")
        URI url;

        @Option(
                names = "--token-file",
                paramLabel = "FILE",
                description = "file holding the bearer token (default: the FLOORLINK_TOKEN environment variable)")
        Path tokenFile;

        @Option(
                names = "--cacert",
                paramLabel = "FILE",
                description = "PEM certificate(s) to trust for an https collector (e.g. its own self-signed"
                        + " certificate); default: the JDK's CA store")
        Path cacert;

        @Option(
                names = "--enterprise",
                paramLabel = "CODE",
                description = "the enterprise (may be left out when the token sees exactly one)")
        String enterprise;

        String token(CommandLine cli) {
            if (tokenFile != null) {
                try {
                    return Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
                } catch (IOException e) {
                    throw new CommandLine.ParameterException(
                            cli, "--token-file: cannot read " + tokenFile + ": " + e.getMessage());
                }
            }
            String env = System.getenv(TOKEN_ENV);
            return env == null || env.isBlank() ? null : env.trim();
        }

        URI uri(String path) {
            String base = url.toString().replaceAll("/+$", "");
            String query = enterprise == null
                    ? ""
                    : "?enterprise=" + URLEncoder.encode(enterprise.trim(), StandardCharsets.UTF_8);
            return URI.create(base + path + query);
        }

        /** A client that trusts {@code --cacert} only when it is given, else the JDK's CA store. */
        HttpClient client(CommandLine cli) {
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
            if (cacert != null) {
                try (java.io.InputStream in = Files.newInputStream(cacert)) {
                    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
                    trust.load(null, null);
                    int n = 0;
                    for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509")
                            .generateCertificates(in)) {
                        trust.setCertificateEntry("ca-" + n++, c);
                    }
                    if (n == 0) {
                        throw new CommandLine.ParameterException(cli, "--cacert: no certificate in " + cacert);
                    }
                    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
                    tmf.init(trust);
                    javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
                    ssl.init(null, tmf.getTrustManagers(), null);
                    b.sslContext(ssl);
                } catch (IOException | java.security.GeneralSecurityException e) {
                    throw new CommandLine.ParameterException(
                            cli, "--cacert: cannot read " + cacert + " as PEM certificates: " + e.getMessage());
                }
            }
            return b.build();
        }

        HttpRequest.Builder request(CommandLine cli, String path) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(2));
            String token = token(cli);
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            return b;
        }
    }

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = "Uploads an inventory (.yaml, .csv, .zip of the CSV set, or .xlsx) for one enterprise; the"
                    + " collector makes it active or changes nothing and lists every problem.")
    static final class Import implements Callable<Integer> {
        @CommandLine.Mixin
        Target target = new Target();

        @Parameters(paramLabel = "FILE", description = "inventory.yaml, equipment.csv, inventory.zip or inventory.xlsx")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            CommandLine cli = spec.commandLine();
            String type = contentType(cli, file);
            byte[] body;
            try {
                body = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(cli, "FILE: cannot read " + file + ": " + e.getMessage());
            }
            HttpRequest request = target.request(cli, "/api/v1/inventory")
                    .header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            return answer(cli, target.client(cli), request, (out, json) -> {
                JsonNode counts = json.path("counts");
                out.println("OK: " + file + " is the inventory of "
                        + json.path("enterprise").asText() + " now: "
                        + counts.path("equipment").asInt() + " equipment, "
                        + counts.path("points").asInt()
                        + " points, " + counts.path("lines").asInt() + " lines"
                        + (json.path("written_to").isTextual()
                                ? " (kept in " + json.path("written_to").asText() + ")"
                                : ""));
            });
        }

        private static String contentType(CommandLine cli, Path file) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                return "application/yaml";
            }
            if (name.endsWith(".csv")) {
                return "text/csv";
            }
            if (name.endsWith(".zip")) {
                return "application/zip";
            }
            if (name.endsWith(".xlsx")) {
                return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            }
            throw new CommandLine.ParameterException(cli, "FILE: " + file + " is not .yaml, .yml, .csv, .zip or .xlsx");
        }
    }

    @Command(
            name = "get",
            mixinStandardHelpOptions = true,
            description = "Prints the active inventory of an enterprise (JSON in the shape of inventory.yaml).")
    static final class Get implements Callable<Integer> {
        @CommandLine.Mixin
        Target target = new Target();

        @Option(
                names = {"-o", "--output"},
                paramLabel = "FILE",
                description = "write it to FILE instead")
        Path output;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            CommandLine cli = spec.commandLine();
            HttpRequest request = target.request(cli, "/api/v1/inventory").GET().build();
            return answer(cli, target.client(cli), request, (out, json) -> {
                String text = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json);
                if (output == null) {
                    out.println(text);
                } else {
                    Files.writeString(output, text + "\n", StandardCharsets.UTF_8);
                    out.println("OK: the inventory of "
                            + json.path("enterprise").path("code").asText() + " is in " + output);
                }
            });
        }
    }

    @FunctionalInterface
    interface Success {
        void print(PrintWriter out, JsonNode json) throws IOException;
    }

    /** Sends the request and turns the answer into output and an exit code. */
    static int answer(CommandLine cli, HttpClient http, HttpRequest request, Success success) {
        PrintWriter out = cli.getOut();
        PrintWriter err = cli.getErr();
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            err.println("floorlink-collector: cannot reach " + request.uri() + ": " + e.getMessage());
            err.flush();
            return EXIT_UNAVAILABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_UNAVAILABLE;
        }
        JsonNode json;
        try {
            json = Json.mapper().readTree(r.body());
        } catch (IOException e) {
            err.println("floorlink-collector: " + request.uri() + " answered " + r.statusCode() + " without JSON");
            err.flush();
            return EXIT_UNAVAILABLE;
        }
        try {
            if (r.statusCode() == 200) {
                success.print(out, json);
                out.flush();
                return 0;
            }
        } catch (IOException e) {
            err.println("floorlink-collector: " + e.getMessage());
            err.flush();
            return 1;
        }
        err.println("floorlink-collector: " + r.statusCode() + " "
                + json.path("error").asText() + ": " + json.path("message").asText());
        for (JsonNode e : json.path("errors")) {
            StringBuilder line = new StringBuilder("  ").append(e.path("file").asText());
            if (e.path("sheet").isTextual()) {
                line.append('[').append(e.path("sheet").asText()).append(']');
            }
            if (e.path("row").asInt() > 0) {
                line.append(':').append(e.path("row").asInt());
            }
            if (e.path("column").isTextual()) {
                line.append(": ").append(e.path("column").asText());
            }
            line.append(": ").append(e.path("message").asText());
            err.println(line);
        }
        err.flush();
        int status = r.statusCode();
        if (status == 400 && json.path("error").asText().equals("invalid_inventory")) {
            return EXIT_DATA;
        }
        if (status == 401 || status == 403 || status == 404) {
            return EXIT_NOPERM;
        }
        return status == 400 || status == 415 ? CollectorMain.EXIT_USAGE : EXIT_UNAVAILABLE;
    }
}
