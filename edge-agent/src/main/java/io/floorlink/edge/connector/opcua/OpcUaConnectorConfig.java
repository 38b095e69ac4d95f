package io.floorlink.edge.connector.opcua;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.floorlink.edge.config.ConnectorConfig;
import io.floorlink.edge.config.Reconnect;
import io.floorlink.edge.point.PointChecks;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.config.ConfigEnums;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

/**
 * {@code type: opcua} connector: one OPC UA server and the devices whose nodes it serves. See this package's
 * README.md for every key. Every record validates itself when built and throws {@link IllegalArgumentException}
 * naming the field and the device/point it belongs to.
 *
 * @param name connector name, unique within the agent, never blank
 * @param endpoint server endpoint URL, {@code opc.tcp://host:port[/path]}, never null
 * @param security security settings; defaults to mode {@code none}, anonymous
 * @param requestTimeout timeout of every OPC UA service call; defaults to 10 s
 * @param reconnect backoff between connection attempts; defaults to 1 s initial, 30 s max
 * @param devices the devices behind this server, at least one
 */
public record OpcUaConnectorConfig(
        String name,
        URI endpoint,
        Security security,
        Duration requestTimeout,
        Reconnect reconnect,
        List<Device> devices)
        implements ConnectorConfig {

    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    public OpcUaConnectorConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: required (the connector name)");
        }
        String where = "connector '" + name + "': ";
        if (endpoint == null) {
            throw new IllegalArgumentException(where + "endpoint: required, e.g. opc.tcp://10.0.0.5:4840");
        }
        if (!"opc.tcp".equalsIgnoreCase(endpoint.getScheme()) || endpoint.getHost() == null) {
            throw new IllegalArgumentException(
                    where + "endpoint: '" + endpoint + "' is not an opc.tcp://host:port URL");
        }
        security = security == null ? Security.NONE : security;
        requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException(where + "request_timeout: must be positive");
        }
        reconnect = reconnect == null ? Reconnect.DEFAULT : reconnect;
        if (devices == null || devices.isEmpty()) {
            throw new IllegalArgumentException(where + "devices: at least one device is required");
        }
        Set<String> ids = new HashSet<>();
        for (Device d : devices) {
            if (d == null) {
                throw new IllegalArgumentException(where + "devices: empty entry");
            }
            if (!ids.add(d.id())) {
                throw new IllegalArgumentException(where + "devices: duplicate device id '" + d.id() + "'");
            }
        }
        devices = List.copyOf(devices);
    }

    /**
     * For {@code check}: the security of an OPC UA connector in one indented line (mode, policy, user token, and in
     * a signing mode the PKI folder's state), never a secret; empty for other connector types.
     */
    public static Optional<String> checkSummary(ConnectorConfig c) {
        if (!(c instanceof OpcUaConnectorConfig opc)) {
            return Optional.empty();
        }
        Security s = opc.security();
        String line =
                "    security " + s.mode().wireName() + " (policy " + s.policy() + "), user token " + s.userToken()
                        + (s.username() != null && s.mode() == SecurityMode.NONE
                                ? " (password over none explicitly allowed)"
                                : "")
                        + (s.mode() == SecurityMode.NONE ? "" : "; " + OpcUaPki.status(s.pkiDir(), opc.name()));
        return Optional.of(line);
    }

    /** How messages are protected; OPC UA MessageSecurityMode. */
    public enum SecurityMode {
        NONE,
        SIGN,
        SIGN_AND_ENCRYPT;

        @JsonCreator
        public static SecurityMode parse(String text) {
            return ConfigEnums.parse(SecurityMode.class, text, "security mode");
        }

        /** The lowercase configuration name. */
        @JsonValue
        public String wireName() {
            return ConfigEnums.name(this);
        }
    }

    /**
     * {@code security:}. Signing modes use an application instance certificate (generated on first start in
     * {@code pki_dir}) and check the server's certificate against the trust list there; see {@link OpcUaPki}.
     *
     * @param mode none | sign | sign_and_encrypt; defaults to none
     * @param policy security policy (None, Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss);
     *     defaults to None for mode none and Basic256Sha256 otherwise
     * @param pkiDir PKI folder (own certificate, trusted/, issuers/, rejected/); defaults to
     *     {@link OpcUaPki#DEFAULT_DIR}
     * @param username user name for a UserName identity token; null for anonymous (or X.509)
     * @param password password; required with username; write it as {@code ${ENV}}, never logged
     * @param certificate X.509 user token certificate file (DER or PEM); null for none. Needs privateKey
     * @param privateKey private key of the user certificate (PEM, unencrypted); never logged
     * @param allowPasswordOverNone whether a username/password may be sent with mode none, where it crosses
     *     the network in clear text; defaults to false (refused at load)
     */
    public record Security(
            SecurityMode mode,
            String policy,
            Path pkiDir,
            String username,
            String password,
            Path certificate,
            Path privateKey,
            Boolean allowPasswordOverNone) {
        static final List<String> POLICIES =
                List.of("None", "Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss");
        static final Security NONE = new Security(SecurityMode.NONE, null, null, null, null, null, null, null);

        public Security {
            mode = mode == null ? SecurityMode.NONE : mode;
            if (policy == null) {
                policy = mode == SecurityMode.NONE ? "None" : "Basic256Sha256";
            }
            String p = policy;
            policy = POLICIES.stream()
                    .filter(x -> x.equalsIgnoreCase(p))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("security.policy: unknown policy '" + p
                            + "' (allowed: " + String.join(", ", POLICIES) + ")"));
            if ((mode == SecurityMode.NONE) != policy.equals("None")) {
                throw new IllegalArgumentException("security: mode " + mode.wireName() + " cannot use policy " + policy
                        + " (mode none goes with policy None, sign and sign_and_encrypt need a real policy)");
            }
            pkiDir = pkiDir == null ? OpcUaPki.DEFAULT_DIR : pkiDir;
            allowPasswordOverNone = allowPasswordOverNone != null && allowPasswordOverNone;
            if (username != null && username.isBlank()) {
                throw new IllegalArgumentException("security.username: must not be blank");
            }
            if (username != null && password == null) {
                throw new IllegalArgumentException("security.password: required with username (write it as ${ENV})");
            }
            if (username == null && password != null) {
                throw new IllegalArgumentException("security.username: required with password");
            }
            if ((certificate == null) != (privateKey == null)) {
                throw new IllegalArgumentException(
                        certificate == null
                                ? "security.certificate: required with private_key (the X.509 user certificate)"
                                : "security.private_key: required with certificate (the user certificate's key)");
            }
            if (certificate != null && username != null) {
                throw new IllegalArgumentException(
                        "security: username and certificate are two user tokens; configure one of them");
            }
            if (certificate != null) {
                requireReadable("security.certificate", certificate);
                requireReadable("security.private_key", privateKey);
            }
            if (username != null && mode == SecurityMode.NONE && !allowPasswordOverNone) {
                throw new IllegalArgumentException("security.username: a password over security mode none crosses"
                        + " the network in clear text and is refused; use mode sign_and_encrypt (or sign) with a"
                        + " policy, or set allow_password_over_none: true if the network is segregated and you accept"
                        + " that risk");
            }
        }

        /** The OPC UA MessageSecurityMode name: None, Sign or SignAndEncrypt. */
        public String messageSecurityMode() {
            return switch (mode) {
                case NONE -> "None";
                case SIGN -> "Sign";
                case SIGN_AND_ENCRYPT -> "SignAndEncrypt";
            };
        }

        /** Which user token: anonymous, username or x509. */
        public String userToken() {
            return username != null ? "username" : certificate != null ? "x509" : "anonymous";
        }

        private static void requireReadable(String field, Path file) {
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException(
                        field + ": " + file + (Files.exists(file) ? " is not readable" : " does not exist"));
            }
        }

        @Override
        public String toString() {
            return "Security[mode=" + mode.wireName() + ", policy=" + policy + ", pki_dir=" + pkiDir + ", username="
                    + username + ", password=" + (password == null ? "null" : "***") + ", certificate=" + certificate
                    + ", private_key=" + (privateKey == null ? "null" : "***") + ", allow_password_over_none="
                    + allowPasswordOverNone + "]";
        }
    }

    /**
     * One device (equipment) served by this OPC UA server.
     *
     * @param id equipment id in the inventory (Sparkplug device_id), never blank
     * @param points its points, at least one, ids unique within the device
     */
    public record Device(String id, List<Point> points) {
        public Device {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("devices[].id: required (the equipment id)");
            }
            if (points == null || points.isEmpty()) {
                throw new IllegalArgumentException("device '" + id + "': points: at least one point is required");
            }
            Set<String> ids = new HashSet<>();
            for (Point p : points) {
                if (p == null) {
                    throw new IllegalArgumentException("device '" + id + "': points: empty entry");
                }
                if (!ids.add(p.id())) {
                    throw new IllegalArgumentException("device '" + id + "': duplicate point id '" + p.id() + "'");
                }
            }
            points = List.copyOf(points);
        }
    }

    /** How a point is read. */
    public enum PointMode {
        /** A monitored item in the connector's subscription (falls back to poll when the server refuses it). */
        SUBSCRIBE,
        /** Periodic Read service calls at the point's interval. */
        POLL;

        @JsonCreator
        public static PointMode parse(String text) {
            return ConfigEnums.parse(PointMode.class, text, "point mode");
        }

        @JsonValue
        public String wireName() {
            return ConfigEnums.name(this);
        }
    }

    /**
     * One point.
     *
     * @param id point id, unique within its device (Sparkplug metric name); must not start with {@code _health/}
     * @param node node id, {@code ns=2;s=Line1.SEW-01.RunState}, {@code ns=3;i=1001}, or with a namespace URI
     *     {@code nsu=urn:example;s=Speed} (stable across server restarts that renumber namespaces)
     * @param category what the point measures, never null
     * @param interval sampling interval (subscribe) or polling interval (poll), positive
     * @param unit engineering unit, nullable
     * @param engLow low end of the valid range, nullable
     * @param engHigh high end of the valid range, nullable, not below engLow
     * @param type Sparkplug datatype of the values; null to resolve it from the node's DataType attribute
     * @param queueSize monitored item queue size, at least 1; null for 1 (latest value only)
     * @param mode subscribe (default) or poll
     */
    public record Point(
            String id,
            String node,
            Category category,
            Duration interval,
            String unit,
            Double engLow,
            Double engHigh,
            DataType type,
            Integer queueSize,
            PointMode mode) {
        public Point {
            String where = PointChecks.id(id);
            if (node == null || node.isBlank()) {
                throw new IllegalArgumentException(where + "node: required, e.g. \"ns=2;s=Line1.Station.Value\"");
            }
            checkNodeSyntax(where, node);
            PointChecks.category(where, category);
            if (interval == null) {
                throw new IllegalArgumentException(where + "interval: required, e.g. 1s");
            }
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException(where + "interval: must be positive");
            }
            PointChecks.range(where, engLow, engHigh);
            if (type == DataType.TEXT) {
                type = DataType.STRING;
            }
            if (queueSize != null && queueSize < 1) {
                throw new IllegalArgumentException(where + "queue_size: must be at least 1");
            }
            mode = mode == null ? PointMode.SUBSCRIBE : mode;
        }

        /** The monitored item queue size, 1 when not configured. */
        public int effectiveQueueSize() {
            return queueSize == null ? 1 : queueSize;
        }

        private static void checkNodeSyntax(String where, String node) {
            String n = node.trim();
            try {
                if (n.startsWith("nsu=")) {
                    ExpandedNodeId.parse(n);
                } else {
                    NodeId.parse(n);
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        where + "node: '" + node
                                + "' is not a node id; write ns=<index>;s=<name>, ns=<index>;i=<number>, or nsu=<uri>;s=<name>");
            }
        }
    }
}
