package io.corecache.api.resp;

import io.corecache.api.resp.Request.Command;
import io.corecache.api.resp.Request.ProtocolError;
import io.corecache.cluster.NodeSettings;
import io.corecache.cluster.Router;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What every connection of the Redis-protocol endpoint shares: the command table, the store, the
 * settings, the clients. {@link #execute} checks a request (known command, arity, AUTH, sizes) and
 * starts it on its connection's session.
 */
public final class RespEndpoint {

    /** Commands a connection may send before AUTH when a password is set. */
    private static final Set<String> BEFORE_AUTH = Set.of("auth", "hello", "quit", "exit");
    /** Server-side SCAN cursors kept; see {@link ScanCursors}. */
    private static final int SCAN_CURSORS = 10_000;
    /** Redis's limits: an inline line of at most 64 KiB, at most 1M arguments in a multibulk request. */
    private static final int INLINE_LIMIT = 64 * 1024;
    private static final int MULTIBULK_LIMIT = 1024 * 1024;

    private final RespSettings settings;
    private final NodeSettings node;
    private final String nodeId;
    private final InstantSource clock;
    private final RespStore store;
    private final RespClients clients = new RespClients();
    private final CommandTable table = new CommandTable();
    private final long startedAt;

    public RespEndpoint(RespSettings settings, NodeSettings node, String nodeId, Router router, InstantSource clock) {
        this.settings = settings;
        this.node = node;
        this.nodeId = nodeId;
        this.clock = clock;
        this.store = new RespStore(router, node.scanPageSize());
        this.startedAt = clock.millis();
        StringCommands.register(table);
        KeyCommands.register(table, clock);
        KeyspaceCommands.register(table, new ScanCursors(SCAN_CURSORS), node.scanMaxLimit());
        MementoCommands.register(table);
        ServerCommands.register(table, this, clock);
    }

    /** A reply's bytes, and whether the connection closes after them (QUIT, a protocol error). */
    record Response(ByteString bytes, boolean close) {
    }

    RespSession open(InetSocketAddress remote, InetSocketAddress local) {
        RespSession session = new RespSession(clients.nextId(), remote, local, store.partitions(),
                !settings.requiresAuth(), clock.millis());
        clients.connectionsReceived.increment();
        clients.opened(session);
        return session;
    }

    void closed(RespSession session) {
        clients.closed(session);
    }

    /** A decoder for one new connection, with this endpoint's limits. */
    RequestDecoder decoder() {
        return new RequestDecoder(maxArgumentBytes(), settings.maxBulkLength(), INLINE_LIMIT, MULTIBULK_LIMIT);
    }

    /** No argument can be longer than the largest value (keys are shorter still). */
    int maxArgumentBytes() {
        return Math.max(node.limits().maxValueBytes(), node.limits().maxKeyBytes());
    }

    /**
     * Executes requests that arrived together (a pipeline's share of one packet), all started at once in
     * order, and answers their replies as one write: per request, the stream then does no work at all.
     * Replies after one that closes the connection are dropped, as their requests were.
     */
    CompletionStage<Response> executeAll(RespSession session, List<Request> requests) {
        if (requests.size() == 1) {
            return execute(session, requests.get(0));
        }
        List<CompletableFuture<Response>> replies = new ArrayList<>(requests.size());
        for (Request request : requests) {
            replies.add(execute(session, request).toCompletableFuture());
        }
        return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).thenApply(unused -> {
            ByteStringBuilder bytes = new ByteStringBuilder();
            for (CompletableFuture<Response> reply : replies) {
                Response response = reply.join();
                bytes.append(response.bytes());
                if (response.close()) {
                    return new Response(bytes.result(), true);
                }
            }
            return new Response(bytes.result(), false);
        });
    }

    CompletionStage<Response> execute(RespSession session, Request request) {
        if (request instanceof ProtocolError error) {
            clients.errorReplies.increment();
            return done(RespValue.err(error.message()), true);
        }
        if (session.quitting()) {
            // As Redis: nothing sent after QUIT is executed, even if it came in the same packet.
            return CompletableFuture.completedFuture(new Response(ByteString.emptyByteString(), true));
        }
        Command command = (Command) request;
        List<byte[]> args = command.args();
        clients.commandsProcessed.increment();
        byte[] nameBytes = args.get(0);
        String name = nameBytes == null ? "" : new String(nameBytes, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        session.touched(name, clock.millis());
        CommandSpec spec = table.find(name);
        if (spec == null) {
            return error(unknownCommand(args), false);
        }
        boolean quit = name.equals("quit") || name.equals("exit");
        if (quit) {
            session.quit();
        }
        if (!session.authenticated() && !BEFORE_AUTH.contains(name)) {
            return error("NOAUTH Authentication required.", false);
        }
        if (!spec.acceptsArgc(args.size())) {
            return error("ERR wrong number of arguments for '" + name + "' command", false);
        }
        if (command.tooLargeIndex() >= 0) {
            return error(tooLarge(spec, args.size(), command), false);
        }
        int[] writes = spec.write() ? writePartitions(spec, args) : new int[0];
        Call call = new Call(args, name, session, store);
        return session.start(spec, writes, () -> spec.handler().execute(call)).thenApply(reply -> {
            if (reply instanceof RespValue.Error) {
                clients.errorReplies.increment();
            }
            return new Response(RespEncoder.encode(reply), quit);
        });
    }

    private int[] writePartitions(CommandSpec spec, List<byte[]> args) {
        int[] positions = spec.keyPositions(args.size());
        int[] partitions = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            partitions[i] = store.partitionOf(args.get(positions[i]));
        }
        return partitions;
    }

    /** An argument the decoder dropped for its size, named by its role: a key's limit or a value's. */
    private String tooLarge(CommandSpec spec, int argc, Command command) {
        int index = command.tooLargeIndex();
        boolean key = false;
        for (int position : spec.keyPositions(argc)) {
            key |= position == index;
        }
        return key
                ? "ERR key is " + command.tooLargeLength() + " bytes; the limit is " + node.limits().maxKeyBytes()
                        + " (corecache.limits.max-key-bytes)"
                : "ERR value is " + command.tooLargeLength() + " bytes; the limit is "
                        + node.limits().maxValueBytes() + " (corecache.limits.max-value-bytes)";
    }

    /** Redis's wording: "unknown command 'X', with args beginning with: 'a' 'b' ". */
    private static String unknownCommand(List<byte[]> args) {
        StringBuilder text = new StringBuilder("ERR unknown command '")
                .append(printable(args.get(0), 128)).append("', with args beginning with: ");
        for (int i = 1; i < args.size() && text.length() < 512; i++) {
            text.append('\'').append(printable(args.get(i), 128)).append("' ");
        }
        return text.toString();
    }

    private static String printable(byte[] bytes, int max) {
        if (bytes == null) {
            return "(too large)";
        }
        String text = new String(bytes, 0, Math.min(bytes.length, max), StandardCharsets.UTF_8);
        return text.replace('\r', ' ').replace('\n', ' ');
    }

    private CompletionStage<Response> error(String text, boolean close) {
        clients.errorReplies.increment();
        return done(new RespValue.Error(text), close);
    }

    private static CompletionStage<Response> done(RespValue value, boolean close) {
        return CompletableFuture.completedFuture(new Response(RespEncoder.encode(value), close));
    }

    RespSettings settings() {
        return settings;
    }

    RespClients clients() {
        return clients;
    }

    CommandTable table() {
        return table;
    }

    boolean passwordMatches(String password) {
        return MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8),
                settings.password().getBytes(StandardCharsets.UTF_8));
    }

    /** What CONFIG GET answers: the Redis settings clients ask about, as this node has them. */
    Map<String, String> configValues() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("appendonly", node.durability().name().equals("NONE") ? "no" : "yes");
        values.put("appendfsync", switch (node.durability()) {
            case SYNC -> "always";
            case INTERVAL -> "everysec";
            case NONE -> "no";
        });
        values.put("save", "");
        values.put("databases", "1");
        values.put("maxmemory", "0");
        values.put("maxclients", Integer.toString(settings.maxConnections()));
        values.put("timeout", Long.toString(settings.idleTimeout().toSeconds()));
        values.put("port", Integer.toString(settings.port()));
        values.put("bind", settings.host());
        values.put("proto-max-bulk-len", Long.toString(settings.maxBulkLength()));
        values.put("cluster-enabled", "no");
        return values;
    }

    Map<String, String> serverInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("redis_version", ServerCommands.REDIS_VERSION);
        info.put("corecache_version", RespEndpoint.class.getPackage().getImplementationVersion() == null
                ? "dev" : RespEndpoint.class.getPackage().getImplementationVersion());
        info.put("redis_mode", "standalone");
        info.put("node_id", nodeId);
        info.put("engine", node.engine());
        info.put("durability", node.durability().name().toLowerCase(Locale.ROOT));
        info.put("tcp_port", Integer.toString(settings.port()));
        info.put("uptime_in_seconds", Long.toString((clock.millis() - startedAt) / 1000));
        info.put("process_id", Long.toString(ProcessHandle.current().pid()));
        return info;
    }
}
