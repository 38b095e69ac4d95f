package io.floorlink.edge.cli;

import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.Security;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.SecurityMode;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The OPC UA {@code security:} keys of a connector as command line options, shared by {@code browse opcua}: the
 * same names (kebab-case), the same defaults and the same validation, so a command line that works gives a
 * configuration that works.
 */
public final class OpcUaSecurityOptions {
    @Option(
            names = "--security-mode",
            defaultValue = "none",
            description = "none, sign or sign_and_encrypt (default: ${DEFAULT-VALUE}); as security.mode.")
    String mode;

    @Option(
            names = "--security-policy",
            description = "None, Basic256Sha256, Aes128_Sha256_RsaOaep or Aes256_Sha256_RsaPss; default None for mode"
                    + " none, else Basic256Sha256; as security.policy.")
    String policy;

    @Option(
            names = "--pki-dir",
            description = "PKI folder: own certificate, trusted/, issuers/, rejected/ (default: data/pki/opcua);"
                    + " as security.pki_dir.")
    Path pkiDir;

    @Option(names = "--username", description = "User name; omit for anonymous.")
    String username;

    @Option(
            names = "--password",
            description = "Password; prefer --password:env=VAR or the FLOORLINK_OPCUA_PASSWORD environment variable.",
            arity = "0..1",
            interactive = true)
    String password;

    @Option(
            names = "--certificate",
            description = "X.509 user token certificate (DER or PEM); as security.certificate.")
    Path certificate;

    @Option(names = "--private-key", description = "Private key of --certificate (PEM); as security.private_key.")
    Path privateKey;

    @Option(
            names = "--allow-password-over-none",
            description = "Send --password with mode none (clear text on the network); refused without it.")
    boolean allowPasswordOverNone;

    /**
     * The settings as a connector's {@code security:} record.
     *
     * @throws IllegalArgumentException naming the configuration field when the combination is invalid
     */
    public Security toSecurity() {
        String pw = password;
        if (username != null && pw == null) {
            pw = System.getenv("FLOORLINK_OPCUA_PASSWORD");
        }
        return new Security(
                SecurityMode.parse(mode), policy, pkiDir, username, pw, certificate, privateKey, allowPasswordOverNone);
    }
}
