package io.floorlink.sim.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.eclipse.milo.opcua.sdk.client.OperationLimits;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseDirection;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseResultMask;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MonitoringMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.MonitoredItemCreateRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.MonitoringParameters;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.junit.jupiter.api.Test;

/**
 * The simulator's small operation limits: advertised in Server/ServerCapabilities/OperationLimits (OPC UA Part 5
 * §6.3.11) and enforced with Bad_TooManyOperations (Part 4 §5.10.2 Read, §5.8.2 Browse, §5.12.2
 * CreateMonitoredItems), checked with raw Milo client calls.
 */
class SewingLineLimitsIT {

    @Test
    void part5_6_3_11_smallLimitsAreAdvertisedInOperationLimits() throws Exception {
        try (SewingLineSimulator sim = SewingLineSimulator.start(
                        SewingLineOptions.defaults().withStations(10).withLimits(SewingLineLimits.SMALL));
                OpcUaTestClient c = OpcUaTestClient.connect(sim.endpointUrl())) {
            OperationLimits limits = c.client.readOperationLimits();
            assertThat(limits.maxNodesPerRead()).contains(uint(50));
            assertThat(limits.maxNodesPerBrowse()).contains(uint(20));
            assertThat(limits.maxMonitoredItemsPerCall()).contains(uint(50));
        }
    }

    @Test
    void part4_tooManyOperations_aboveTheLimitsOnly() throws Exception {
        try (SewingLineSimulator sim = SewingLineSimulator.start(
                        SewingLineOptions.defaults().withStations(10).withLimits(SewingLineLimits.SMALL));
                OpcUaTestClient c = OpcUaTestClient.connect(sim.endpointUrl())) {
            List<NodeId> nodes = new ArrayList<>();
            for (String station : sim.stationIds()) {
                for (String variable : SewingLineSimulator.VARIABLES) {
                    nodes.add(NodeId.parse(sim.nodeId(station, variable)));
                }
            }
            assertThat(nodes).hasSizeGreaterThan(50);

            // Part 4 §5.10.2 Read
            assertThat(c.client
                            .read(0.0, TimestampsToReturn.Neither, reads(nodes.subList(0, 50)))
                            .getResults())
                    .hasSize(50);
            assertTooManyOperations(() -> c.client.read(0.0, TimestampsToReturn.Neither, reads(nodes.subList(0, 51))));

            // Part 4 §5.8.2 Browse
            assertThat(c.client.browse(browses(nodes.subList(0, 20)))).hasSize(20);
            assertTooManyOperations(() -> c.client.browse(browses(nodes.subList(0, 21))));

            // Part 4 §5.12.2 CreateMonitoredItems
            UInteger subscription = c.client
                    .createSubscription(500.0, uint(60), uint(10), uint(0), true, ubyte(0))
                    .getSubscriptionId();
            assertThat(c.client
                            .createMonitoredItems(
                                    subscription, TimestampsToReturn.Both, monitor(nodes.subList(0, 50), 0))
                            .getResults())
                    .hasSize(50)
                    .allSatisfy(r -> assertThat(r.getStatusCode().isGood()).isTrue());
            assertTooManyOperations(() -> c.client.createMonitoredItems(
                    subscription, TimestampsToReturn.Both, monitor(nodes.subList(0, 51), 100)));
        }
    }

    @Test
    void withoutLimitsLargeCallsPass() throws Exception {
        try (SewingLineSimulator sim =
                        SewingLineSimulator.start(SewingLineOptions.defaults().withStations(10));
                OpcUaTestClient c = OpcUaTestClient.connect(sim.endpointUrl())) {
            List<NodeId> nodes = new ArrayList<>();
            for (String station : sim.stationIds()) {
                nodes.add(NodeId.parse(sim.nodeId(station, "RunState")));
            }
            List<NodeId> many = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                many.addAll(nodes);
            }
            assertThat(c.client
                            .read(0.0, TimestampsToReturn.Neither, reads(many))
                            .getResults())
                    .hasSize(60);
        }
    }

    private static void assertTooManyOperations(ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(UaException.class)
                .extracting(e -> ((UaException) e).getStatusCode().getValue())
                .isEqualTo(StatusCodes.Bad_TooManyOperations);
    }

    private static List<ReadValueId> reads(List<NodeId> nodes) {
        return nodes.stream()
                .map(n -> new ReadValueId(n, AttributeId.DataType.uid(), null, QualifiedName.NULL_VALUE))
                .toList();
    }

    private static List<BrowseDescription> browses(List<NodeId> nodes) {
        return nodes.stream()
                .map(n -> new BrowseDescription(
                        n,
                        BrowseDirection.Forward,
                        NodeIds.HierarchicalReferences,
                        true,
                        uint(0),
                        uint(BrowseResultMask.All.getValue())))
                .toList();
    }

    private static List<MonitoredItemCreateRequest> monitor(List<NodeId> nodes, int firstHandle) {
        List<MonitoredItemCreateRequest> requests = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            requests.add(new MonitoredItemCreateRequest(
                    new ReadValueId(nodes.get(i), AttributeId.Value.uid(), null, QualifiedName.NULL_VALUE),
                    MonitoringMode.Reporting,
                    new MonitoringParameters(uint(firstHandle + i), 500.0, null, uint(1), true)));
        }
        return requests;
    }
}
