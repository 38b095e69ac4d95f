package io.floorlink.sim.opcua;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned;

/**
 * The line's address space: Objects/&lt;line&gt;/&lt;station&gt;/&lt;variable&gt;, node ids
 * {@code ns=<index>;s=<line>.<station>.<variable>}. Values are pushed in by the simulator (only when a value or
 * status changes, so source timestamps say when the value became true); subscriptions sample the nodes through
 * Milo's {@link SubscriptionModel} at the rate each client asks for.
 */
final class SewingLineNamespace extends ManagedNamespaceWithLifecycle {

    static final String NAMESPACE_URI = "urn:floorlink:sim:sewing-line";

    private static final StatusCode NO_COMMUNICATION = new StatusCode(StatusCodes.Bad_NoCommunication);

    /** The variables of one station, in browse order, with how to read each from a snapshot. */
    enum Variable {
        RUN_STATE("RunState", NodeIds.Int32, s -> new Variant(s.runState())),
        STITCH_COUNT("StitchCount", NodeIds.UInt32, s -> uint32(s.stitchCount())),
        TRIM_COUNT("TrimCount", NodeIds.UInt32, s -> uint32(s.trimCount())),
        PIECES("Pieces", NodeIds.UInt32, s -> uint32(s.pieces())),
        MOTOR_SPEED("MotorSpeed", NodeIds.Double, s -> new Variant(s.motorSpeed())),
        FAULT_CODE("FaultCode", NodeIds.Int32, s -> new Variant(s.faultCode()));

        final String browseName;
        final NodeId dataType;
        final Function<StationSnapshot, Variant> value;

        Variable(String browseName, NodeId dataType, Function<StationSnapshot, Variant> value) {
            this.browseName = browseName;
            this.dataType = dataType;
            this.value = value;
        }

        private static Variant uint32(long count) {
            return new Variant(Unsigned.uint(count & 0xFFFF_FFFFL));
        }
    }

    private final SubscriptionModel subscriptionModel;
    private final String line;
    private final Map<String, Map<Variable, UaVariableNode>> nodes = new LinkedHashMap<>();
    private final Map<UaVariableNode, DataValue> published = new HashMap<>();
    private final List<UaVariableNode> load = new ArrayList<>();

    SewingLineNamespace(OpcUaServer server, String line, List<StationSnapshot> stations, int loadPoints) {
        super(server, NAMESPACE_URI);
        this.line = line;
        this.subscriptionModel = new SubscriptionModel(server, this);
        getLifecycleManager().addLifecycle(subscriptionModel);
        build(stations);
        buildLoad(loadPoints);
    }

    static String nodeIdText(String line, String stationId, String variable) {
        return line + "." + stationId + "." + variable;
    }

    /** The node id text of load variable {@code i} (1-based): {@code <line>.Load.P000001}. */
    static String loadNodeIdText(String line, int i) {
        return String.format("%s.Load.P%06d", line, i);
    }

    private void buildLoad(int points) {
        if (points == 0) {
            return;
        }
        UaFolderNode folder = new UaFolderNode(
                getNodeContext(), newNodeId(line + ".Load"), newQualifiedName("Load"), LocalizedText.english("Load"));
        getNodeManager().addNode(folder);
        folder.addReference(new Reference(
                folder.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), Reference.Direction.INVERSE));
        for (int i = 1; i <= points; i++) {
            String id = loadNodeIdText(line, i);
            String name = id.substring(id.lastIndexOf('.') + 1);
            UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                    .setNodeId(newNodeId(id))
                    .setBrowseName(newQualifiedName(name))
                    .setDisplayName(LocalizedText.english(name))
                    .setDataType(NodeIds.Double)
                    .setTypeDefinition(NodeIds.BaseDataVariableType)
                    .setAccessLevel(AccessLevel.READ_ONLY)
                    .setUserAccessLevel(AccessLevel.READ_ONLY)
                    .build();
            getNodeManager().addNode(node);
            folder.addComponent(node);
            load.add(node);
        }
        publishLoad(0, Instant.now());
    }

    /**
     * Gives every load variable a new value: {@code tick + i / 1,000,000} for variable {@code i}, so each changes at
     * every call and no two are equal. Called by the simulator's ticker.
     */
    void publishLoad(long tick, Instant time) {
        DateTime source = new DateTime(time);
        for (int i = 0; i < load.size(); i++) {
            load.get(i).setValue(new DataValue(new Variant(tick + (i + 1) / 1e6), StatusCode.GOOD, source, source));
        }
    }

    private void build(List<StationSnapshot> stations) {
        UaFolderNode lineFolder = new UaFolderNode(
                getNodeContext(), newNodeId(line), newQualifiedName(line), LocalizedText.english(line));
        getNodeManager().addNode(lineFolder);
        lineFolder.addReference(new Reference(
                lineFolder.getNodeId(),
                NodeIds.Organizes,
                NodeIds.ObjectsFolder.expanded(),
                Reference.Direction.INVERSE));

        for (StationSnapshot station : stations) {
            String stationId = station.stationId();
            UaFolderNode stationFolder = new UaFolderNode(
                    getNodeContext(),
                    newNodeId(line + "." + stationId),
                    newQualifiedName(stationId),
                    LocalizedText.english(stationId));
            getNodeManager().addNode(stationFolder);
            lineFolder.addOrganizes(stationFolder);

            Map<Variable, UaVariableNode> variables = new LinkedHashMap<>();
            for (Variable variable : Variable.values()) {
                UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                        .setNodeId(newNodeId(nodeIdText(line, stationId, variable.browseName)))
                        .setBrowseName(newQualifiedName(variable.browseName))
                        .setDisplayName(LocalizedText.english(variable.browseName))
                        .setDataType(variable.dataType)
                        .setTypeDefinition(NodeIds.BaseDataVariableType)
                        .setAccessLevel(AccessLevel.READ_ONLY)
                        .setUserAccessLevel(AccessLevel.READ_ONLY)
                        .build();
                getNodeManager().addNode(node);
                stationFolder.addComponent(node);
                variables.put(variable, node);
            }
            nodes.put(stationId, variables);
            publish(station);
        }
    }

    /**
     * Brings the station's nodes up to date with its state: good values at the snapshot's time while powered,
     * Bad_NoCommunication (no value) while not. Called by the simulator under its lock.
     */
    void publish(StationSnapshot station) {
        Map<Variable, UaVariableNode> variables = nodes.get(station.stationId());
        DateTime time = new DateTime(station.time());
        DateTime now = new DateTime(Instant.now());
        for (Map.Entry<Variable, UaVariableNode> entry : variables.entrySet()) {
            UaVariableNode node = entry.getValue();
            DataValue last = published.get(node);
            DataValue next;
            if (station.powered()) {
                Variant value = entry.getKey().value.apply(station);
                if (last != null && last.getStatusCode().isGood() && Objects.equals(last.getValue(), value)) {
                    continue;
                }
                next = new DataValue(value, StatusCode.GOOD, time, now);
            } else {
                if (last != null && NO_COMMUNICATION.equals(last.getStatusCode())) {
                    continue;
                }
                next = new DataValue(Variant.NULL_VALUE, NO_COMMUNICATION, time, now);
            }
            node.setValue(next);
            published.put(node, next);
        }
    }

    @Override
    public void onDataItemsCreated(List<DataItem> dataItems) {
        subscriptionModel.onDataItemsCreated(dataItems);
    }

    @Override
    public void onDataItemsModified(List<DataItem> dataItems) {
        subscriptionModel.onDataItemsModified(dataItems);
    }

    @Override
    public void onDataItemsDeleted(List<DataItem> dataItems) {
        subscriptionModel.onDataItemsDeleted(dataItems);
    }

    @Override
    public void onMonitoringModeChanged(List<MonitoredItem> monitoredItems) {
        subscriptionModel.onMonitoringModeChanged(monitoredItems);
    }
}
