package io.floorlink.sim.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseDirection;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseResultMask;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseResult;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;

/** A real Milo client, as the edge agent would use one, with the few calls the tests need. */
final class OpcUaTestClient implements AutoCloseable {

    final OpcUaClient client;

    private OpcUaTestClient(OpcUaClient client) {
        this.client = client;
    }

    static OpcUaTestClient connect(String endpointUrl) throws UaException {
        OpcUaClient client = OpcUaClient.create(endpointUrl);
        client.connect();
        return new OpcUaTestClient(client);
    }

    DataValue read(String nodeId) throws UaException {
        return client.readValue(0.0, TimestampsToReturn.Both, NodeId.parse(nodeId));
    }

    /** Browse names of the hierarchical children of a node, in server order. */
    List<String> browseNames(NodeId parent) throws UaException {
        return children(parent).stream().map(r -> r.getBrowseName().name()).toList();
    }

    NodeId child(NodeId parent, String browseName) throws UaException {
        for (ReferenceDescription reference : children(parent)) {
            if (browseName.equals(reference.getBrowseName().name())) {
                return reference.getNodeId().toNodeIdOrThrow(client.getNamespaceTable());
            }
        }
        throw new AssertionError("no child " + browseName + " under " + parent);
    }

    private List<ReferenceDescription> children(NodeId parent) throws UaException {
        BrowseResult result = client.browse(new BrowseDescription(
                parent,
                BrowseDirection.Forward,
                NodeIds.HierarchicalReferences,
                true,
                uint(0),
                uint(BrowseResultMask.All.getValue())));
        ReferenceDescription[] references = result.getReferences();
        return references == null ? List.of() : Arrays.asList(references);
    }

    /** Subscribes to nodes; every notification lands in the returned map's queue for that node id text. */
    Map<String, ConcurrentLinkedQueue<DataValue>> subscribe(double samplingMillis, String... nodeIds)
            throws UaException {
        OpcUaSubscription subscription = new OpcUaSubscription(client, samplingMillis);
        subscription.create();
        Map<String, ConcurrentLinkedQueue<DataValue>> received = new java.util.LinkedHashMap<>();
        List<OpcUaMonitoredItem> items = new ArrayList<>();
        for (String nodeId : nodeIds) {
            ConcurrentLinkedQueue<DataValue> queue = new ConcurrentLinkedQueue<>();
            received.put(nodeId, queue);
            OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(NodeId.parse(nodeId));
            item.setSamplingInterval(samplingMillis);
            item.setDataValueListener((monitoredItem, value) -> queue.add(value));
            items.add(item);
        }
        subscription.addMonitoredItems(items);
        subscription.synchronizeMonitoredItems();
        return received;
    }

    @Override
    public void close() {
        try {
            client.disconnect();
        } catch (UaException e) {
            // the server may already be gone; nothing to release then
        }
    }
}
