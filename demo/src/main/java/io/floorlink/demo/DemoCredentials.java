package io.floorlink.demo;

import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.broker.PasswordHash;
import io.floorlink.sparkplug.io.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's MQTT credentials, new at every start: one edge credential per enterprise (it may publish only as node
 * {@link Demo#EDGE_NODE} of its own group) and two client credentials for the assembly line (the stations publish
 * their JSON, the assembly enterprise's MQTT connector reads it). The clear passwords are written owner-only to
 * {@code <data_dir>/secrets/} for the generated edge.yaml files to reference as {@code ${file:...}} (and for a
 * developer who wants to connect a tool); the gateway only gets their PBKDF2 hashes. Nothing here is logged.
 */
final class DemoCredentials {
    static final String STATIONS_USER = "asm1-stations";
    static final String CONNECTOR_USER = "asm1-connector";
    static final String SECRETS_DIR = "secrets";

    private final Map<String, String> passwords;
    private final AuthConfig auth;

    private DemoCredentials(Map<String, String> passwords) {
        this.passwords = passwords;
        String filter = Demo.ASSEMBLY_PREFIX + "/#";
        List<AuthConfig.EdgeCredential> edges = new ArrayList<>();
        for (String enterprise : Demo.ENTERPRISES) {
            String user = edgeUser(enterprise);
            edges.add(new AuthConfig.EdgeCredential(
                    user, PasswordHash.hash(passwords.get(user)), List.of(enterprise), Demo.EDGE_NODE));
        }
        this.auth = new AuthConfig(
                edges,
                List.of(
                        new AuthConfig.ClientCredential(
                                STATIONS_USER, PasswordHash.hash(passwords.get(STATIONS_USER)), List.of(filter), null),
                        new AuthConfig.ClientCredential(
                                CONNECTOR_USER,
                                PasswordHash.hash(passwords.get(CONNECTOR_USER)),
                                null,
                                List.of(filter))),
                false);
    }

    /** The MQTT user of an enterprise's edge agent, e.g. {@code ent-sew.edge-01}. */
    static String edgeUser(String enterprise) {
        return enterprise.toLowerCase(Locale.ROOT) + "." + Demo.EDGE_NODE;
    }

    /** Generates every password and writes them under {@code dataDir/secrets/}, owner-only. Blocks on I/O. */
    static DemoCredentials generate(Path dataDir) throws IOException {
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String enterprise : Demo.ENTERPRISES) {
            passwords.put(edgeUser(enterprise), random());
        }
        passwords.put(STATIONS_USER, random());
        passwords.put(CONNECTOR_USER, random());
        Path dir = OwnerOnlyFiles.createDirectories(dataDir.resolve(SECRETS_DIR));
        for (Map.Entry<String, String> e : passwords.entrySet()) {
            OwnerOnlyFiles.writeString(dir.resolve(e.getKey() + ".password"), e.getValue() + "\n");
        }
        return new DemoCredentials(Map.copyOf(passwords));
    }

    /** The gateway's side: hashes only. */
    AuthConfig auth() {
        return auth;
    }

    String stationsPassword() {
        return passwords.get(STATIONS_USER);
    }

    /** Where {@code user}'s clear password is, relative to the data dir. */
    static String passwordFile(String user) {
        return SECRETS_DIR + "/" + user + ".password";
    }

    private static String random() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public String toString() {
        return "DemoCredentials" + passwords.keySet();
    }
}
