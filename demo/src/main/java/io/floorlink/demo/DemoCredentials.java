package io.floorlink.demo;

import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.broker.PasswordHash;
import io.floorlink.sparkplug.io.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * The demo's MQTT credentials, new at every start: one edge credential for its edge node and two client
 * credentials for the assembly line (the stations publish their JSON, the edge's MQTT connector reads it). The
 * clear passwords are written owner-only to {@code <data_dir>/secrets/} for the generated edge.yaml to reference
 * as {@code ${file:...}} (and for a developer who wants to connect a tool); the gateway only gets their PBKDF2
 * hashes. Nothing here is logged.
 */
final class DemoCredentials {
    static final String EDGE_USER = Demo.EDGE_NODE;
    static final String STATIONS_USER = "asm1-stations";
    static final String CONNECTOR_USER = "asm1-connector";
    static final String SECRETS_DIR = "secrets";

    private final String edgePassword;
    private final String stationsPassword;
    private final String connectorPassword;
    private final AuthConfig auth;

    private DemoCredentials(String edgePassword, String stationsPassword, String connectorPassword) {
        this.edgePassword = edgePassword;
        this.stationsPassword = stationsPassword;
        this.connectorPassword = connectorPassword;
        String filter = Demo.ASSEMBLY_PREFIX + "/#";
        this.auth = new AuthConfig(
                List.of(new AuthConfig.EdgeCredential(
                        EDGE_USER, PasswordHash.hash(edgePassword), List.of(Demo.ENTERPRISE), Demo.EDGE_NODE)),
                List.of(
                        new AuthConfig.ClientCredential(
                                STATIONS_USER, PasswordHash.hash(stationsPassword), List.of(filter), null),
                        new AuthConfig.ClientCredential(
                                CONNECTOR_USER, PasswordHash.hash(connectorPassword), null, List.of(filter))),
                false);
    }

    /** Generates the three passwords and writes them under {@code dataDir/secrets/}, owner-only. Blocks on I/O. */
    static DemoCredentials generate(Path dataDir) throws IOException {
        DemoCredentials c = new DemoCredentials(random(), random(), random());
        Path dir = OwnerOnlyFiles.createDirectories(dataDir.resolve(SECRETS_DIR));
        c.write(dir, EDGE_USER, c.edgePassword);
        c.write(dir, STATIONS_USER, c.stationsPassword);
        c.write(dir, CONNECTOR_USER, c.connectorPassword);
        return c;
    }

    /** The gateway's side: hashes only. */
    AuthConfig auth() {
        return auth;
    }

    String stationsPassword() {
        return stationsPassword;
    }

    /** Where {@code user}'s clear password is, relative to the data dir (for {@code ${file:...}} in edge.yaml). */
    static String passwordFile(String user) {
        return SECRETS_DIR + "/" + user + ".password";
    }

    private void write(Path dir, String user, String password) throws IOException {
        OwnerOnlyFiles.writeString(dir.resolve(user + ".password"), password + "\n");
    }

    private static String random() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public String toString() {
        return "DemoCredentials[" + EDGE_USER + ", " + STATIONS_USER + ", " + CONNECTOR_USER + "]";
    }
}
