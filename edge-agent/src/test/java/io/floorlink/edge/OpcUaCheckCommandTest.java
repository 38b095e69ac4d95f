package io.floorlink.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OPC UA part of {@code check}: each OPC UA connector's security, without creating anything. */
class OpcUaCheckCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private String config(Path pki, String security) {
        return """
                edge: { group: ENT001, node: edge-01 }
                uplink: { url: "tcp://127.0.0.1:1883" }
                connectors:
                  - type: opcua
                    name: sewing-line-1
                    endpoint: opc.tcp://127.0.0.1:4840
                    security: %s
                    devices:
                      - id: SEW-01
                        points: [ { id: a, node: "ns=2;s=A", category: process, interval: 1s } ]
                """.formatted(security.replace("PKI", pki.toString()));
    }

    @Test
    void checkPrintsTheSecurityOfEachOpcUaConnector(@TempDir Path dir) throws Exception {
        Path pki = dir.resolve("pki");
        Path file = dir.resolve("edge.yaml");
        Files.writeString(file, config(pki, "{ mode: sign_and_encrypt, policy: Aes256_Sha256_RsaPss, pki_dir: PKI }"));

        int code = EdgeAgentMain.execute(
                new PrintWriter(out, true), new PrintWriter(err, true), "check", "--config", file.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("security sign_and_encrypt (policy Aes256_Sha256_RsaPss), user token anonymous")
                .contains("application certificate created on first start");
        assertThat(pki).doesNotExist();
    }

    @Test
    void checkRefusesAPasswordOverNone(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("edge.yaml");
        Files.writeString(file, config(dir, "{ username: op, password: pw }"));

        int code = EdgeAgentMain.execute(
                new PrintWriter(out, true), new PrintWriter(err, true), "check", "--config", file.toString());

        assertThat(code).isEqualTo(EdgeAgentMain.EXIT_CONFIG);
        assertThat(err.toString()).contains("security.username: a password over security mode none");
    }
}
