package io.floorlink.sim.opcua;

import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.servicesets.impl.DefaultMonitoredItemServiceSet;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.structured.CreateMonitoredItemsRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CreateMonitoredItemsResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.DeleteMonitoredItemsRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.DeleteMonitoredItemsResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.ModifyMonitoredItemsRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.ModifyMonitoredItemsResponse;
import org.eclipse.milo.opcua.stack.transport.server.ServiceRequestContext;

/**
 * Milo advertises MaxMonitoredItemsPerCall but does not enforce it; this answers Bad_TooManyOperations (OPC UA Part
 * 4 §5.12.2-§5.12.4) to Create/Modify/DeleteMonitoredItems calls with more items than the limit.
 */
final class LimitedMonitoredItemServiceSet extends DefaultMonitoredItemServiceSet {
    private final int maxPerCall;

    LimitedMonitoredItemServiceSet(OpcUaServer server, int maxPerCall) {
        super(server);
        this.maxPerCall = maxPerCall;
    }

    @Override
    public CreateMonitoredItemsResponse onCreateMonitoredItems(
            ServiceRequestContext context, CreateMonitoredItemsRequest request) throws UaException {
        check(request.getItemsToCreate() == null ? 0 : request.getItemsToCreate().length);
        return super.onCreateMonitoredItems(context, request);
    }

    @Override
    public ModifyMonitoredItemsResponse onModifyMonitoredItems(
            ServiceRequestContext context, ModifyMonitoredItemsRequest request) throws UaException {
        check(request.getItemsToModify() == null ? 0 : request.getItemsToModify().length);
        return super.onModifyMonitoredItems(context, request);
    }

    @Override
    public DeleteMonitoredItemsResponse onDeleteMonitoredItems(
            ServiceRequestContext context, DeleteMonitoredItemsRequest request) throws UaException {
        check(request.getMonitoredItemIds() == null ? 0 : request.getMonitoredItemIds().length);
        return super.onDeleteMonitoredItems(context, request);
    }

    private void check(int operations) throws UaException {
        if (operations > maxPerCall) {
            throw new UaException(StatusCodes.Bad_TooManyOperations);
        }
    }
}
