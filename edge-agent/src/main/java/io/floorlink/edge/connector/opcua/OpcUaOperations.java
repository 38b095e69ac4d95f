package io.floorlink.edge.connector.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OperationLimits;
import org.eclipse.milo.opcua.sdk.client.subscriptions.MonitoredItemServiceOperationResult;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseResult;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.ViewDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the OPC UA service calls that take a list of operations (Read, Browse/BrowseNext, CreateMonitoredItems)
 * into calls within the server's operation limits (OPC UA Part 5 §6.3.11, {@code
 * Server/ServerCapabilities/OperationLimits}; 0 or missing = no limit) and within {@link
 * #MAX_OPERATIONS_PER_CALL}. A call the server refuses with Bad_TooManyOperations (Part 4 §5.10.2, §5.12.2) is
 * retried at half the size, down to one operation, and the smaller size is kept for the rest of the session:
 * some devices advertise more than they accept.
 *
 * <p>One instance per session; thread-safe.
 */
final class OpcUaOperations {
    private static final Logger log = LoggerFactory.getLogger(OpcUaOperations.class);

    /**
     * Most operations in one service call, whatever the server advertises, so that a server reporting no limit is
     * not sent 100,000 operations in one request.
     */
    static final int MAX_OPERATIONS_PER_CALL = 1_000;

    /** Most BrowseNext rounds for one Browse call; a server still returning continuation points after is broken. */
    static final int MAX_BROWSE_NEXT_ROUNDS = 10_000;

    private final OpcUaClient client;
    private final AtomicInteger readSize;
    private final AtomicInteger browseSize;
    private final AtomicInteger monitoredItemsSize;

    OpcUaOperations(OpcUaClient client, int maxNodesPerRead, int maxNodesPerBrowse, int maxMonitoredItemsPerCall) {
        this.client = client;
        this.readSize = new AtomicInteger(effective(maxNodesPerRead));
        this.browseSize = new AtomicInteger(effective(maxNodesPerBrowse));
        this.monitoredItemsSize = new AtomicInteger(effective(maxMonitoredItemsPerCall));
    }

    /**
     * Reads the server's operation limits (blocking, one Read) and returns the splitter for this session. A server
     * that does not expose them gets {@link #MAX_OPERATIONS_PER_CALL} and the halving on Bad_TooManyOperations.
     */
    static OpcUaOperations of(OpcUaClient client) {
        client.resetOperationLimits();
        OperationLimits limits;
        try {
            limits = client.getOperationLimits();
        } catch (UaException | RuntimeException e) {
            log.debug("OPC UA server operation limits not readable; using {} per call", MAX_OPERATIONS_PER_CALL, e);
            return new OpcUaOperations(client, 0, 0, 0);
        }
        return new OpcUaOperations(
                client,
                value(limits.maxNodesPerRead()),
                value(limits.maxNodesPerBrowse()),
                value(limits.maxMonitoredItemsPerCall()));
    }

    private static int value(Optional<UInteger> limit) {
        return limit.map(u -> (int) Math.min(Integer.MAX_VALUE, u.longValue())).orElse(0);
    }

    /** The server's limit (0 = none) capped at {@link #MAX_OPERATIONS_PER_CALL}. */
    static int effective(int serverLimit) {
        return serverLimit <= 0 ? MAX_OPERATIONS_PER_CALL : Math.min(serverLimit, MAX_OPERATIONS_PER_CALL);
    }

    int readSize() {
        return readSize.get();
    }

    int browseSize() {
        return browseSize.get();
    }

    int monitoredItemsSize() {
        return monitoredItemsSize.get();
    }

    /** Read in chunks; one DataValue per id, in order. Blocks until every chunk is answered. */
    List<DataValue> read(List<ReadValueId> ids, TimestampsToReturn timestamps) throws UaException {
        return await(readAsync(ids, timestamps));
    }

    /** Read in chunks, one chunk after the other; completes with one DataValue per id, in order. */
    CompletableFuture<List<DataValue>> readAsync(List<ReadValueId> ids, TimestampsToReturn timestamps) {
        return chunked(ids, readSize, "Read", chunk -> client.readAsync(0.0, timestamps, chunk)
                .thenApply(r -> results(r.getResults(), chunk.size())));
    }

    /**
     * Browse in chunks, following continuation points with BrowseNext (also in chunks); one BrowseResult per
     * description, in order, with every reference of every round. Blocks.
     */
    List<BrowseResult> browse(List<BrowseDescription> descriptions) throws UaException {
        List<BrowseResult> first = await(chunked(descriptions, browseSize, "Browse", chunk -> client.browseAsync(
                        new ViewDescription(null, null, uint(0)), uint(MAX_OPERATIONS_PER_CALL), chunk)
                .thenApply(r -> results(r.getResults(), chunk.size()))));
        List<List<ReferenceDescription>> refs = new ArrayList<>(first.size());
        List<ByteString> pending = new ArrayList<>();
        List<Integer> pendingIndex = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            BrowseResult r = first.get(i);
            refs.add(new ArrayList<>(references(r)));
            if (hasContinuation(r)) {
                pending.add(r.getContinuationPoint());
                pendingIndex.add(i);
            }
        }
        List<BrowseResult> out = new ArrayList<>(first);
        for (int round = 0; !pending.isEmpty(); round++) {
            if (round >= MAX_BROWSE_NEXT_ROUNDS) {
                await(chunked(pending, browseSize, "BrowseNext", chunk -> client.browseNextAsync(true, chunk)
                        .thenApply(r -> results(r.getResults(), chunk.size()))));
                throw new UaException(
                        StatusCodes.Bad_UnexpectedError,
                        "server still returns continuation points after " + MAX_BROWSE_NEXT_ROUNDS + " BrowseNext");
            }
            List<BrowseResult> next =
                    await(chunked(pending, browseSize, "BrowseNext", chunk -> client.browseNextAsync(false, chunk)
                            .thenApply(r -> results(r.getResults(), chunk.size()))));
            List<ByteString> again = new ArrayList<>();
            List<Integer> againIndex = new ArrayList<>();
            for (int k = 0; k < next.size(); k++) {
                BrowseResult r = next.get(k);
                int i = pendingIndex.get(k);
                refs.get(i).addAll(references(r));
                if (r.getStatusCode() != null && r.getStatusCode().isBad()) {
                    out.set(i, new BrowseResult(r.getStatusCode(), null, null));
                } else if (hasContinuation(r)) {
                    again.add(r.getContinuationPoint());
                    againIndex.add(i);
                }
            }
            pending = again;
            pendingIndex = againIndex;
        }
        for (int i = 0; i < out.size(); i++) {
            BrowseResult r = out.get(i);
            if (r.getStatusCode() == null || !r.getStatusCode().isBad()) {
                out.set(i, new BrowseResult(r.getStatusCode(), null, refs.get(i).toArray(ReferenceDescription[]::new)));
            }
        }
        return out;
    }

    /**
     * Creates the subscription's not yet created monitored items (Milo splits them by the server's
     * MaxMonitoredItemsPerCall and by the size set here); items of a call refused with Bad_TooManyOperations are
     * created again at half the size. Blocks.
     */
    List<MonitoredItemServiceOperationResult> createMonitoredItems(OpcUaSubscription subscription) {
        List<MonitoredItemServiceOperationResult> done = new ArrayList<>();
        Set<OpcUaMonitoredItem> retry = null;
        while (true) {
            int size = monitoredItemsSize.get();
            subscription.setMaxMonitoredItemsPerCall(uint(size));
            Set<OpcUaMonitoredItem> only = retry;
            List<MonitoredItemServiceOperationResult> results = only == null
                    ? subscription.createMonitoredItems()
                    : subscription.createMonitoredItems(only::contains);
            Set<OpcUaMonitoredItem> tooMany = Collections.newSetFromMap(new IdentityHashMap<>());
            for (MonitoredItemServiceOperationResult r : results) {
                if (size > 1 && r.serviceResult().getValue() == StatusCodes.Bad_TooManyOperations) {
                    tooMany.add(r.monitoredItem());
                } else {
                    done.add(r);
                }
            }
            if (tooMany.isEmpty()) {
                return done;
            }
            int sent = Math.min(size, results.size());
            int smaller = Math.max(1, sent / 2);
            monitoredItemsSize.accumulateAndGet(smaller, Math::min);
            log.info(
                    "OPC UA server refused {} monitored items per CreateMonitoredItems (Bad_TooManyOperations);"
                            + " retrying with {}",
                    sent,
                    smaller);
            retry = tooMany;
        }
    }

    private static <R> List<R> results(R[] results, int expected) {
        if (results == null || results.length != expected) {
            throw new CompletionException(new UaException(
                    StatusCodes.Bad_UnexpectedError,
                    "server answered " + (results == null ? 0 : results.length) + " results for " + expected
                            + " operations"));
        }
        return List.of(results);
    }

    private static List<ReferenceDescription> references(BrowseResult r) {
        return r.getReferences() == null ? List.of() : List.of(r.getReferences());
    }

    private static boolean hasContinuation(BrowseResult r) {
        return r.getContinuationPoint() != null && r.getContinuationPoint().isNotNull();
    }

    /**
     * Calls {@code call} on consecutive chunks of at most {@code size} operations, one chunk at a time. On
     * Bad_TooManyOperations the same chunk is retried at half the size (kept in {@code size}); bounded by
     * log2({@link #MAX_OPERATIONS_PER_CALL}) retries per chunk.
     */
    private static <T, R> CompletableFuture<List<R>> chunked(
            List<T> ops, AtomicInteger size, String service, Function<List<T>, CompletableFuture<List<R>>> call) {
        CompletableFuture<List<R>> done = new CompletableFuture<>();
        next(ops, 0, size, service, call, new ArrayList<>(ops.size()), done);
        return done;
    }

    private static <T, R> void next(
            List<T> ops,
            int from,
            AtomicInteger size,
            String service,
            Function<List<T>, CompletableFuture<List<R>>> call,
            List<R> out,
            CompletableFuture<List<R>> done) {
        if (from >= ops.size()) {
            done.complete(out);
            return;
        }
        int n = Math.min(size.get(), ops.size() - from);
        CompletableFuture<List<R>> chunk;
        try {
            chunk = call.apply(List.copyOf(ops.subList(from, from + n)));
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
            return;
        }
        chunk.whenComplete((r, e) -> {
            if (e == null) {
                out.addAll(r);
                next(ops, from + n, size, service, call, out, done);
                return;
            }
            Throwable cause = unwrap(e);
            if (n > 1
                    && cause instanceof UaException ua
                    && ua.getStatusCode().getValue() == StatusCodes.Bad_TooManyOperations) {
                int smaller = Math.max(1, n / 2);
                size.accumulateAndGet(smaller, Math::min);
                log.info(
                        "OPC UA server refused {} operations per {} (Bad_TooManyOperations); retrying with {}",
                        n,
                        service,
                        smaller);
                next(ops, from, size, service, call, out, done);
            } else {
                done.completeExceptionally(cause);
            }
        });
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static <R> R await(CompletableFuture<R> future) throws UaException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UaException(StatusCodes.Bad_Shutdown, "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof UaException ua) {
                throw ua;
            }
            throw new UaException(cause);
        }
    }
}
