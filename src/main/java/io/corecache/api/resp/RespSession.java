package io.corecache.api.resp;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Supplier;

/**
 * One client connection's state (its id, name, whether it authenticated) and the order its commands start in.
 *
 * <p>Implementation notes: a connection's commands run concurrently (pipelining) but must look as if they
 * ran one by one. Commands start strictly in arrival order, each after the previous one has sent its
 * messages; messages from one connection to one partition arrive in the order sent, and the partition
 * applies them in that order. Two things could still let a later command overtake an earlier one: a
 * direct read (no message) of a partition that an earlier write of ours has not reached yet, which
 * {@link #mayReadDirectly} forbids while any write of this connection to that partition is in flight; and
 * a command of several steps (RENAME), whose later steps are sent after later commands would have
 * started, which is why nothing starts after a {@code sequential} command until it has finished.
 * {@link #start} is called in arrival order by one stream stage; the gate chains each start on the
 * previous one, so a command held behind a sequential one still starts before any later command.
 */
final class RespSession {

    private final long id;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final long connectedAt;
    private final AtomicIntegerArray writesInFlight;
    private volatile boolean authenticated;
    /** Set by QUIT as it arrives: later commands of the connection are dropped, never executed. */
    private volatile boolean quitting;
    private volatile String name = "";
    private volatile String lastCommand = "NULL";
    private volatile long lastActiveAt;
    /** Completes when the last command started may be overtaken by the next; only the stream stage sets it. */
    private CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

    RespSession(long id, InetSocketAddress remote, InetSocketAddress local, int partitions, boolean authenticated,
                long now) {
        this.id = id;
        this.remote = remote;
        this.local = local;
        this.connectedAt = now;
        this.lastActiveAt = now;
        this.writesInFlight = new AtomicIntegerArray(partitions);
        this.authenticated = authenticated;
    }

    /**
     * Starts {@code command} once every earlier command may be overtaken; the returned stage completes with
     * its reply. {@code writePartitions} are the partitions it writes, marked while it is in flight.
     */
    CompletionStage<RespValue> start(CommandSpec spec, int[] writePartitions, Supplier<CompletionStage<RespValue>> command) {
        CompletableFuture<RespValue> reply = new CompletableFuture<>();
        CompletableFuture<Void> previous = gate;
        if (previous.isDone()) {
            gate = run(spec, writePartitions, command, reply);
        } else {
            gate = previous.thenCompose(unused -> run(spec, writePartitions, command, reply));
        }
        return reply;
    }

    private CompletableFuture<Void> run(CommandSpec spec, int[] writePartitions,
                                        Supplier<CompletionStage<RespValue>> command,
                                        CompletableFuture<RespValue> reply) {
        for (int p : writePartitions) {
            writesInFlight.incrementAndGet(p);
        }
        CompletionStage<RespValue> result;
        try {
            result = command.get();
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> done = result.handle((value, failure) -> {
            for (int p : writePartitions) {
                writesInFlight.decrementAndGet(p);
            }
            if (failure != null) {
                reply.complete(ErrorReplies.toReply(failure, spec.name()));
            } else {
                reply.complete(value);
            }
            return (Void) null;
        }).toCompletableFuture();
        return spec.sequential() ? done : CompletableFuture.completedFuture(null);
    }

    /** True if no write of this connection to {@code partition} is in flight. */
    boolean mayReadDirectly(int partition) {
        return writesInFlight.get(partition) == 0;
    }

    long id() {
        return id;
    }

    InetSocketAddress remote() {
        return remote;
    }

    InetSocketAddress local() {
        return local;
    }

    long connectedAt() {
        return connectedAt;
    }

    boolean quitting() {
        return quitting;
    }

    void quit() {
        quitting = true;
    }

    boolean authenticated() {
        return authenticated;
    }

    void authenticate() {
        authenticated = true;
    }

    String name() {
        return name;
    }

    void name(String name) {
        this.name = name;
    }

    String lastCommand() {
        return lastCommand;
    }

    long lastActiveAt() {
        return lastActiveAt;
    }

    void touched(String command, long now) {
        lastCommand = command;
        lastActiveAt = now;
    }
}
