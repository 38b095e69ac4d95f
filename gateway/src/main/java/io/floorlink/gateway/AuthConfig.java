package io.floorlink.gateway;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.floorlink.sparkplug.Topic;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who may use the embedded broker. The broker always authenticates: without this section (or with empty lists)
 * only the gateway's own host client can connect. Each edge credential is one Sparkplug edge node and may only
 * publish that node's topics and read its own commands, its receipts and the host STATE; each client credential
 * (a device publishing its own JSON, an edge's MQTT connector reading it) may only publish and subscribe to the
 * topic filters it lists, none in the Sparkplug namespace.
 *
 * @param edges Sparkplug edge credentials, never null (empty when not configured), user names unique
 * @param clients other MQTT clients, never null (empty when not configured), user names unique across both lists
 * @param allowAnonymous clients without a user name connect with every right, as on a broker without
 *     authentication; for development on one machine only: refused unless the broker is bound to a loopback
 *     address, and logged as a warning at every start
 */
public record AuthConfig(List<EdgeCredential> edges, List<ClientCredential> clients, boolean allowAnonymous) {

    /** Longest topic filter a client credential may list (the MQTT limit is 65,535 bytes; ours is far below). */
    public static final int MAX_FILTER_LENGTH = 256;

    @JsonCreator
    static AuthConfig fromYaml(
            @JsonProperty("edges") List<EdgeCredential> edges,
            @JsonProperty("clients") List<ClientCredential> clients,
            @JsonProperty("allow_anonymous") Boolean allowAnonymous) {
        return new AuthConfig(
                edges == null ? List.of() : edges,
                clients == null ? List.of() : clients,
                allowAnonymous != null && allowAnonymous);
    }

    public AuthConfig {
        if (edges == null) {
            throw new IllegalArgumentException("auth.edges must not be null (an empty list is allowed)");
        }
        if (clients == null) {
            throw new IllegalArgumentException("auth.clients must not be null (an empty list is allowed)");
        }
        edges = List.copyOf(edges);
        clients = List.copyOf(clients);
        if (edges.isEmpty() && clients.isEmpty() && !allowAnonymous) {
            throw new IllegalArgumentException("auth must list at least one credential in auth.edges or auth.clients"
                    + " (without the auth section only the gateway's own host client may connect)");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < edges.size(); i++) {
            EdgeCredential e = edges.get(i);
            if (e == null) {
                throw new IllegalArgumentException("auth.edges[" + i + "] is empty");
            }
            if (!seen.add(e.username())) {
                throw new IllegalArgumentException("auth.edges[" + i + "]: duplicate username '" + e.username() + "'");
            }
        }
        for (int i = 0; i < clients.size(); i++) {
            ClientCredential c = clients.get(i);
            if (c == null) {
                throw new IllegalArgumentException("auth.clients[" + i + "] is empty");
            }
            if (!seen.add(c.username())) {
                throw new IllegalArgumentException("auth.clients[" + i + "]: duplicate username '" + c.username()
                        + "' (user names are unique across auth.edges and auth.clients)");
            }
        }
    }

    /** Edge credentials only, no other clients, no anonymous access. */
    public AuthConfig(List<EdgeCredential> edges) {
        this(edges, List.of(), false);
    }

    /**
     * No credentials and anonymous clients allowed with every right: a broker on one developer machine or in a
     * test. Never for a pilot: acceptance evidence from such a broker can be forged by any local process.
     */
    public static AuthConfig anonymousOnLoopback() {
        return new AuthConfig(List.of(), List.of(), true);
    }

    /**
     * One edge credential: one edge node, in one or more groups.
     *
     * @param username MQTT user name, never null
     * @param password a PBKDF2 hash produced by {@code PasswordHash.hash} (preferred), or the clear password
     *     taken from an environment variable ({@code ${ENV}} in YAML); never logged
     * @param groups Sparkplug group_ids (enterprise codes) this edge may publish under, at least one
     * @param node the edge_node_id this credential is: it may publish only that node's NBIRTH/NDEATH/NDATA and its
     *     devices' DBIRTH/DDEATH/DDATA, and read only that node's NCMD/DCMD and receipts and the host STATE
     */
    public record EdgeCredential(
            @JsonProperty("username") String username,
            @JsonProperty("password") String password,
            @JsonProperty("groups") List<String> groups,
            @JsonProperty("node") String node) {
        public EdgeCredential {
            if (username == null || username.isBlank()) {
                throw new IllegalArgumentException("auth.edges: username is required");
            }
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("auth.edges[" + username + "]: password is required");
            }
            io.floorlink.gateway.broker.PasswordHash.check(password, "auth.edges[" + username + "].password");
            if (groups == null || groups.isEmpty()) {
                throw new IllegalArgumentException("auth.edges[" + username + "]: groups must list at least one group");
            }
            groups = List.copyOf(groups);
            if (node == null || node.isBlank()) {
                throw new IllegalArgumentException("auth.edges[" + username + "]: node is required (the edge_node_id"
                        + " this credential may publish as)");
            }
            Topic.requireId("auth.edges[" + username + "].node", node);
            for (String g : groups) {
                Topic.requireId("auth.edges[" + username + "].groups", g);
                if ("STATE".equals(g)) {
                    throw new IllegalArgumentException("auth.edges[" + username + "]: 'STATE' is not a group");
                }
            }
        }

        @Override
        public String toString() {
            return "EdgeCredential[username=" + username + ", groups=" + groups + ", node=" + node + "]";
        }
    }

    /**
     * A non-Sparkplug MQTT client: a device that publishes its own payloads (JSON, text) or an edge agent's MQTT
     * connector that reads them.
     *
     * @param username MQTT user name, never null
     * @param password a PBKDF2 hash ({@code PasswordHash.hash}, preferred) or the clear password from the
     *     environment or a secret file; never logged
     * @param publish topic filters it may publish to, never null (may be empty)
     * @param subscribe topic filters it may subscribe to, never null (may be empty); at least one of the two lists
     *     is not empty. No filter may start with a wildcard, {@code $} or the Sparkplug namespace {@code spBv1.0}:
     *     Sparkplug traffic is for edge credentials and the host only
     */
    public record ClientCredential(
            @JsonProperty("username") String username,
            @JsonProperty("password") String password,
            @JsonProperty("publish") List<String> publish,
            @JsonProperty("subscribe") List<String> subscribe) {
        public ClientCredential {
            if (username == null || username.isBlank()) {
                throw new IllegalArgumentException("auth.clients: username is required");
            }
            String where = "auth.clients[" + username + "]";
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException(where + ": password is required");
            }
            io.floorlink.gateway.broker.PasswordHash.check(password, where + ".password");
            publish = publish == null ? List.of() : List.copyOf(publish);
            subscribe = subscribe == null ? List.of() : List.copyOf(subscribe);
            if (publish.isEmpty() && subscribe.isEmpty()) {
                throw new IllegalArgumentException(where + ": list at least one topic filter in publish or subscribe");
            }
            publish.forEach(f -> checkFilter(where + ".publish", f));
            subscribe.forEach(f -> checkFilter(where + ".subscribe", f));
        }

        private static void checkFilter(String field, String filter) {
            if (filter == null || filter.isEmpty()) {
                throw new IllegalArgumentException(field + ": empty topic filter");
            }
            if (filter.length() > MAX_FILTER_LENGTH) {
                throw new IllegalArgumentException(
                        field + ": topic filter longer than " + MAX_FILTER_LENGTH + " characters");
            }
            String[] levels = filter.split("/", -1);
            if (levels[0].equals("#") || levels[0].equals("+") || filter.startsWith("$")) {
                throw new IllegalArgumentException(field + ": '" + filter
                        + "' starts with a wildcard or '$'; name the first topic level (e.g. plant/line1/#)");
            }
            if (levels[0].equals(Topic.NAMESPACE)) {
                throw new IllegalArgumentException(field + ": '" + filter + "' is in the Sparkplug namespace "
                        + Topic.NAMESPACE + "; Sparkplug edges need an auth.edges credential");
            }
            for (int i = 0; i < levels.length; i++) {
                String level = levels[i];
                boolean wildcard = level.equals("#") || level.equals("+");
                if (!wildcard && (level.contains("#") || level.contains("+"))
                        || level.equals("#") && i != levels.length - 1
                        || filter.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException(field + ": '" + filter + "' is not a valid MQTT topic filter");
                }
            }
        }

        @Override
        public String toString() {
            return "ClientCredential[username=" + username + ", publish=" + publish + ", subscribe=" + subscribe + "]";
        }
    }
}
