package io.corecache.api.resp;

import io.corecache.cluster.CoreCacheNode;
import io.corecache.cluster.NodeStartException;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Redis-protocol endpoint on Pekko Streams TCP. Per connection: bytes are decoded into requests; the
 * requests of one packet execute together, in groups of at most {@code pipeline-depth}, and their replies
 * are written together, in order; so a pipelined command costs the stream nothing of its own. A client that does not read its replies fills the
 * connection's buffers, and then its own requests wait: backpressure, not memory, bounds a slow reader.
 *
 * <p>On shutdown the port is unbound first; connections then stop reading, finish the commands they started
 * (within {@code corecache.http.shutdown-deadline}) and close, before the partitions stop.
 */
public final class RespServer {

    private static final Logger LOG = LoggerFactory.getLogger(RespServer.class);
    /** Replies gathered into one write while the socket is busy. */
    private static final long WRITE_BATCH_BYTES = 64 * 1024;

    private final RespEndpoint endpoint;
    private final RespSettings settings;
    private final ActorSystem<?> system;
    private final SharedKillSwitch closing = KillSwitches.shared("resp-shutdown");
    private final Set<CompletableFuture<Done>> connections = ConcurrentHashMap.newKeySet();
    private Tcp.ServerBinding binding;

    private RespServer(RespEndpoint endpoint, RespSettings settings, ActorSystem<?> system) {
        this.endpoint = endpoint;
        this.settings = settings;
        this.system = system;
    }

    /** Binds the endpoint of {@code node} if it is enabled; empty if not. */
    public static Optional<RespServer> start(CoreCacheNode node, RespSettings settings) {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        RespEndpoint endpoint = new RespEndpoint(settings, node.settings(), node.identity().nodeId(), node.router(),
                InstantSource.system());
        RespServer server = new RespServer(endpoint, settings, node.system());
        server.bind(node.settings().httpShutdownDeadline());
        return Optional.of(server);
    }

    public InetSocketAddress localAddress() {
        return binding.localAddress();
    }

    private void bind(Duration shutdownDeadline) {
        Source<Tcp.IncomingConnection, CompletionStage<Tcp.ServerBinding>> incoming =
                Tcp.get(system).bind(settings.host(), settings.port(), 1024, List.of(), false, Optional.empty());
        try {
            binding = incoming.toMat(Sink.foreach(this::accept), Keep.left()).run(system)
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new NodeStartException("cannot serve the Redis protocol on " + settings.host() + ":" + settings.port()
                    + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new NodeStartException("timed out binding the Redis protocol on " + settings.host() + ":"
                    + settings.port());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeStartException("interrupted while binding the Redis protocol", e);
        }
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
        shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "resp-unbind",
                () -> binding.unbind().thenApply(unused -> Done.getInstance()));
        shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "resp-finish-connections",
                () -> finishConnections(shutdownDeadline));
    }

    private void accept(Tcp.IncomingConnection connection) {
        if (endpoint.clients().count() >= settings.maxConnections()) {
            endpoint.clients().connectionsRejected.increment();
            ByteString refusal = RespEncoder.encode(RespValue.err("max number of clients reached"));
            connection.handleWith(Flow.fromSinkAndSource(Sink.ignore(), Source.single(refusal)), system);
            return;
        }
        RespSession session = endpoint.open(connection.remoteAddress(), connection.localAddress());
        CompletableFuture<Done> closed = connection.handleWith(flow(session), system).toCompletableFuture();
        connections.add(closed);
        closed.whenComplete((done, failure) -> {
            connections.remove(closed);
            endpoint.closed(session);
            if (failure != null) {
                LOG.debug("RESP connection {} ended: {}", session.id(), failure.toString());
            }
        });
    }

    private Flow<ByteString, ByteString, CompletionStage<Done>> flow(RespSession session) {
        RequestDecoder decoder = endpoint.decoder();
        Flow<ByteString, ByteString, NotUsed> in = Flow.of(ByteString.class).via(closing.flow());
        if (!settings.idleTimeout().isZero()) {
            in = in.idleTimeout(settings.idleTimeout());
        }
        int depth = settings.pipelineDepth();
        return in
                .mapConcat(bytes -> groups(decoder.feed(bytes), depth))
                .mapAsync(1, group -> endpoint.executeAll(session, group))
                .takeWhile(response -> !response.close(), true)
                .map(RespEndpoint.Response::bytes)
                .batchWeighted(WRITE_BATCH_BYTES, bytes -> (long) bytes.size(), bytes -> bytes, ByteString::concat)
                .watchTermination((unused, done) -> done);
    }

    /**
     * The requests of one packet in groups of at most {@code depth}: a group executes at once and the next
     * waits for it, so at most {@code depth} commands of a connection are in flight.
     */
    private static List<List<Request>> groups(List<Request> requests, int depth) {
        if (requests.size() <= depth) {
            return requests.isEmpty() ? List.of() : List.of(requests);
        }
        List<List<Request>> groups = new ArrayList<>();
        for (int from = 0; from < requests.size(); from += depth) {
            groups.add(requests.subList(from, Math.min(requests.size(), from + depth)));
        }
        return groups;
    }

    private CompletionStage<Done> finishConnections(Duration deadline) {
        closing.shutdown();
        return CompletableFuture.allOf(connections.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, deadline.toMillis(), TimeUnit.MILLISECONDS)
                .handle((unused, failure) -> Done.getInstance());
    }
}
