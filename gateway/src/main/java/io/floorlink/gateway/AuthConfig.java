package io.floorlink.gateway;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Edge authentication and authorisation for the embedded broker: only the listed credentials may connect, and
 * each may only publish the topics of its own edge node and read its own commands, its receipts and host STATE.
 *
 * @param edges the edge credentials, at least one, user names unique
 */
public record AuthConfig(@JsonProperty("edges") List<EdgeCredential> edges) {

    public AuthConfig {
        if (edges == null || edges.isEmpty()) {
            throw new IllegalArgumentException("auth.edges must list at least one edge credential");
        }
        edges = List.copyOf(edges);
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
            io.floorlink.sparkplug.Topic.requireId("auth.edges[" + username + "].node", node);
            for (String g : groups) {
                io.floorlink.sparkplug.Topic.requireId("auth.edges[" + username + "].groups", g);
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
}
