package io.floorlink.collector;

import io.floorlink.collector.evidence.EvidenceBundle;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code verify BUNDLE.zip}: checks an evidence bundle offline; exit 0 when valid, 1 when not, {@value
 * #EXIT_NOINPUT} (EX_NOINPUT of sysexits.h) when the bundle or the key cannot be read.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Checks an evidence bundle offline: the Ed25519 signature of its manifest and the SHA-256 of every file;"
                    + " names every file that was changed, removed or added.",
            "With --key, the bundle must also be signed by that platform key (PEM, from GET /api/v1/keys);"
                    + " without it only its integrity is checked."
        })
final class VerifyCommand implements Callable<Integer> {
    static final int EXIT_NOINPUT = 66;

    @Parameters(index = "0", paramLabel = "BUNDLE.zip")
    Path bundle;

    @Option(names = "--key", paramLabel = "PUBLIC_KEY.pem", description = "the platform's public key")
    Path key;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        EvidenceBundle.Verification v;
        try {
            String trusted = key == null ? null : Files.readString(key);
            v = EvidenceBundle.verify(bundle, trusted);
        } catch (IOException | IllegalArgumentException e) {
            err.println("floorlink-collector verify: cannot read "
                    + (key != null && !Files.isReadable(key) ? key : bundle) + ": " + e.getMessage());
            return EXIT_NOINPUT;
        }
        if (v.valid()) {
            out.println("VALID: " + bundle + ": " + v.files() + " files as signed by key " + v.keyId()
                    + (key == null ? " (the key inside the bundle; pass --key to check it is the platform's)" : ""));
            if (v.manifest() != null) {
                out.println("  enterprise " + v.manifest().path("enterprise").asText() + ", scope "
                        + v.manifest().path("scope").path("name").asText() + ", "
                        + v.manifest().path("from").asText()
                        + " to " + v.manifest().path("to").asText() + ", profile "
                        + v.manifest().path("profile").path("id").asText() + " "
                        + v.manifest().path("profile").path("version").asText() + ", generated "
                        + v.manifest().path("generated_at").asText());
            }
            out.flush();
            return 0;
        }
        out.println("INVALID: " + bundle);
        v.problems().forEach(p -> out.println("  " + p));
        out.flush();
        return 1;
    }
}
