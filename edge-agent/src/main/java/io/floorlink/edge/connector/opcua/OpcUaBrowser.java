package io.floorlink.edge.connector.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.floorlink.sparkplug.DataType;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseDirection;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseResultMask;
import org.eclipse.milo.opcua.stack.core.types.enumerated.NodeClass;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseResult;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;

/**
 * Commissioning helper behind {@code browse opcua}: walks the address space down from the Objects folder and
 * prints each node (browse name, node id, and for variables data type, access level and current value), then
 * a suggested {@code devices:} YAML snippet with one point per readable variable, grouped by parent object.
 */
public final class OpcUaBrowser {
    private static final int ACCESS_READ = 0x01;
    private static final int ACCESS_WRITE = 0x02;
    private static final int ACCESS_HISTORY = 0x04;

    /**
     * What to browse.
     *
     * @param endpoint server endpoint URL, {@code opc.tcp://host:port[/path]}, not null
     * @param security the same settings as a connector's {@code security:} (mode, policy, PKI folder, user
     *     token); null for mode none and anonymous
     * @param name application name: the application URI suffix and the certificate file name in the PKI
     *     folder; give a connector's name to browse with that connector's certificate; null for "browse"
     * @param depth how many levels below Objects to walk, at least 1
     * @param includeStandard whether to walk the standard objects of namespace 0 below Objects (Server,
     *     Aliases, ...), large and rarely useful
     * @param timeout timeout of each service call, positive
     */
    public record Options(
            URI endpoint,
            OpcUaConnectorConfig.Security security,
            String name,
            int depth,
            boolean includeStandard,
            Duration timeout) {
        public Options {
            Objects.requireNonNull(endpoint, "endpoint");
            if (!"opc.tcp".equalsIgnoreCase(endpoint.getScheme()) || endpoint.getHost() == null) {
                throw new IllegalArgumentException("--endpoint: '" + endpoint + "' is not an opc.tcp://host:port URL");
            }
            if (depth < 1) {
                throw new IllegalArgumentException("--depth: must be at least 1");
            }
            security = security == null ? OpcUaConnectorConfig.Security.NONE : security;
            name = name == null || name.isBlank() ? "browse" : name;
            timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        }
    }

    /**
     * What was found.
     *
     * @param nodes nodes printed
     * @param variables variables among them (each got a suggested point)
     */
    public record Result(int nodes, int variables) {}

    private OpcUaBrowser() {}

    /**
     * Connects with the options' security (an untrusted server certificate is kept in the PKI folder's
     * {@code rejected/}, as the connector does), browses and prints to {@code out}. Blocks for the whole walk.
     *
     * @throws IOException when the server cannot be reached or refuses the session, naming the endpoint and why
     */
    public static Result browse(Options options, PrintWriter out) throws IOException {
        OpcUaClient client;
        OpcUaClients.Attempt attempt = new OpcUaClients.Attempt();
        try {
            client = OpcUaClients.create(
                    options.endpoint(),
                    options.security(),
                    options.name(),
                    "FloorLink browse",
                    options.timeout(),
                    attempt,
                    c -> {});
        } catch (UaException e) {
            throw new IOException("cannot get endpoints of " + options.endpoint() + ": "
                    + OpcUaClients.describe(e, attempt, options.security()));
        }
        try {
            client.connect();
        } catch (UaException e) {
            disconnect(client);
            throw new IOException("cannot open a session on " + options.endpoint() + ": "
                    + OpcUaClients.describe(e, attempt, options.security()));
        }
        try {
            Walker w = new Walker(client, OpcUaOperations.of(client), options, out);
            out.println("Objects  " + NodeIds.ObjectsFolder.toParseableString());
            w.walk(NodeIds.ObjectsFolder, 1, "Objects");
            w.printSuggestion();
            out.flush();
            return new Result(w.nodes, w.variableCount);
        } catch (UaException e) {
            throw new IOException(
                    "browsing " + options.endpoint() + " failed: " + OpcUaValues.statusName(e.getStatusCode()));
        } finally {
            disconnect(client);
        }
    }

    private static void disconnect(OpcUaClient client) {
        try {
            client.disconnect();
        } catch (UaException e) {
            // closing anyway
        }
    }

    /** {@code RunState} -> {@code run_state}, {@code Motor Speed} -> {@code motor_speed}. */
    static String pointId(String browseName) {
        String snake = browseName
                .replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                .replaceAll("([A-Z]+)([A-Z][a-z])", "$1_$2")
                .replaceAll("[^A-Za-z0-9]+", "_")
                .replaceAll("^_+|_+$", "")
                .toLowerCase(Locale.ROOT);
        return snake.isEmpty() ? "point" : snake;
    }

    /** A first guess a commissioning engineer then corrects. */
    static String guessCategory(String browseName) {
        String n = browseName.toLowerCase(Locale.ROOT);
        if (n.contains("count") || n.contains("pieces") || n.contains("total")) {
            return "counter";
        }
        if (n.contains("fault") || n.contains("alarm") || n.contains("error")) {
            return "alarm";
        }
        if (n.contains("state") || n.contains("status") || n.contains("mode")) {
            return "state";
        }
        if (n.contains("energy") || n.contains("kwh") || n.contains("power")) {
            return "energy";
        }
        return "process";
    }

    private record Variable(String id, String nodeId, String typeName) {}

    private static final class Walker {
        private final OpcUaClient client;
        private final OpcUaOperations ops;
        private final Options options;
        private final PrintWriter out;
        private final Map<String, List<Variable>> byParent = new LinkedHashMap<>();
        int nodes;
        int variableCount;

        Walker(OpcUaClient client, OpcUaOperations ops, Options options, PrintWriter out) {
            this.client = client;
            this.ops = ops;
            this.options = options;
            this.out = out;
        }

        void walk(NodeId parent, int level, String parentName) throws UaException {
            // One node per Browse (always within MaxNodesPerBrowse); all its references through BrowseNext.
            BrowseResult result = ops.browse(List.of(new BrowseDescription(
                            parent,
                            BrowseDirection.Forward,
                            NodeIds.HierarchicalReferences,
                            true,
                            uint(0),
                            uint(BrowseResultMask.All.getValue()))))
                    .get(0);
            boolean bad =
                    result.getStatusCode() != null && result.getStatusCode().isBad();
            if (bad && level == 1) {
                throw new UaException(result.getStatusCode());
            }
            // A node below Objects that cannot be browsed (e.g. access denied) is printed without children.
            List<ReferenceDescription> refs =
                    bad || result.getReferences() == null ? List.of() : List.of(result.getReferences());
            List<ReferenceDescription> children = new ArrayList<>();
            for (ReferenceDescription r : refs) {
                NodeClass nc = r.getNodeClass();
                if (nc != NodeClass.Object && nc != NodeClass.Variable) {
                    continue;
                }
                NodeId id = r.getNodeId().toNodeId(client.getNamespaceTable()).orElse(null);
                // The standard objects of namespace 0 (Server, Aliases, ...) are large and hold no equipment data.
                if (id == null
                        || (!options.includeStandard()
                                && level == 1
                                && id.getNamespaceIndex().intValue() == 0)) {
                    continue;
                }
                children.add(r);
            }
            List<DataValue[]> attributes = readVariableAttributes(children);
            String indent = "  ".repeat(level);
            for (int i = 0; i < children.size(); i++) {
                ReferenceDescription r = children.get(i);
                NodeId id = r.getNodeId().toNodeId(client.getNamespaceTable()).orElseThrow();
                String name = name(r.getBrowseName());
                nodes++;
                if (r.getNodeClass() == NodeClass.Variable) {
                    DataValue[] a = attributes.get(i);
                    String typeName = typeName(a[0]);
                    int access = a[1].value().value() instanceof Number n ? n.intValue() : 0;
                    out.println(indent + name + "  " + id.toParseableString() + "  " + typeName + "  " + access(access)
                            + "  = " + value(a[2]));
                    if ((access & ACCESS_READ) != 0) {
                        byParent.computeIfAbsent(parentName, k -> new ArrayList<>())
                                .add(new Variable(pointId(name), id.toParseableString(), typeName));
                        variableCount++;
                    }
                } else {
                    out.println(indent + name + "  " + id.toParseableString() + "  Object");
                }
                if (level < options.depth()) {
                    walk(id, level + 1, name);
                }
            }
        }

        /** DataType, AccessLevel and Value of each variable child, Read in chunks; objects get nulls. */
        private List<DataValue[]> readVariableAttributes(List<ReferenceDescription> children) throws UaException {
            List<ReadValueId> ids = new ArrayList<>();
            for (ReferenceDescription r : children) {
                if (r.getNodeClass() == NodeClass.Variable) {
                    NodeId id =
                            r.getNodeId().toNodeId(client.getNamespaceTable()).orElseThrow();
                    ids.add(new ReadValueId(id, AttributeId.DataType.uid(), null, QualifiedName.NULL_VALUE));
                    ids.add(new ReadValueId(id, AttributeId.AccessLevel.uid(), null, QualifiedName.NULL_VALUE));
                    ids.add(new ReadValueId(id, AttributeId.Value.uid(), null, QualifiedName.NULL_VALUE));
                }
            }
            List<DataValue> results = ids.isEmpty() ? List.of() : ops.read(ids, TimestampsToReturn.Source);
            List<DataValue[]> out = new ArrayList<>(children.size());
            int k = 0;
            for (ReferenceDescription r : children) {
                if (r.getNodeClass() == NodeClass.Variable) {
                    out.add(new DataValue[] {results.get(k), results.get(k + 1), results.get(k + 2)});
                    k += 3;
                } else {
                    out.add(null);
                }
            }
            return out;
        }

        private String typeName(DataValue dataType) {
            if (!(dataType.value().value() instanceof NodeId typeId)) {
                return "?";
            }
            OpcUaDataType builtin = null;
            if (typeId.getNamespaceIndex().intValue() == 0 && typeId.getIdentifier() instanceof Number n) {
                builtin = OpcUaDataType.fromTypeId(n.intValue());
            }
            if (builtin == null) {
                try {
                    builtin = client.getDataTypeTree().getBuiltinType(typeId);
                } catch (Exception e) {
                    return typeId.toParseableString();
                }
            }
            return builtin == null ? typeId.toParseableString() : builtin.name();
        }

        void printSuggestion() {
            out.println();
            out.println("# Suggested points (" + variableCount
                    + " readable variables). Check ids, categories and intervals before use.");
            out.println("devices:");
            for (Map.Entry<String, List<Variable>> e : byParent.entrySet()) {
                out.println("  - id: " + quoteIfNeeded(e.getKey()));
                out.println("    points:");
                for (Variable v : e.getValue()) {
                    String type = sparkplugType(v.typeName());
                    out.println("      - { id: " + v.id() + ", node: \""
                            + v.nodeId().replace("\"", "\\\"")
                            + "\", category: " + guessCategory(v.id()) + ", interval: 1s"
                            + (type == null ? "" : ", type: " + type) + " }");
                }
            }
        }

        private static String sparkplugType(String opcUaTypeName) {
            try {
                DataType t = OpcUaValues.dataTypeOf(OpcUaDataType.valueOf(opcUaTypeName));
                return t == null ? null : t.name().toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    private static String quoteIfNeeded(String s) {
        return s.matches("[A-Za-z0-9_.-]+") ? s : "\"" + s.replace("\"", "\\\"") + "\"";
    }

    private static String name(QualifiedName qn) {
        return qn == null || qn.name() == null ? "?" : qn.name();
    }

    private static String access(int level) {
        StringBuilder sb = new StringBuilder();
        sb.append((level & ACCESS_READ) != 0 ? 'r' : '-');
        sb.append((level & ACCESS_WRITE) != 0 ? 'w' : '-');
        sb.append((level & ACCESS_HISTORY) != 0 ? 'h' : '-');
        return sb.toString();
    }

    private static String value(DataValue dv) {
        if (!dv.statusCode().isGood()) {
            return "(" + OpcUaValues.statusName(dv.statusCode()) + ")";
        }
        Object v = dv.value().value();
        if (v == null) {
            return "null";
        }
        String text = OpcUaValues.text(v);
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
}
