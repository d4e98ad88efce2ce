package io.corecache.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * Group commit at the replica: replies wait for the fsync that covers what they saw, with one fsync in
 * flight at a time and every reply that arrived meanwhile riding on the next one.
 *
 * <p>Implementation notes: the replica applies writes to its engine at once (the engine appends without
 * fsync) and parks each reply here. {@code inFlight} holds replies whose writes the running fsync covers,
 * because they were applied before it started; {@code waiting} holds the rest. A read is parked the same
 * way when it may have seen an unsynced write, so no client ever observes a write that a crash could take
 * back. Only the replica's actor touches this class.
 */
final class DurableReplies {

    /** Fails a parked reply when its fsync fails. */
    interface Parked {
        void complete();

        void fail(Throwable cause);
    }

    private List<Parked> inFlight = new ArrayList<>();
    private List<Parked> waiting = new ArrayList<>();
    private boolean syncing;

    /** True when nothing applied so far is still waiting for an fsync. */
    boolean allDurable() {
        return !syncing && waiting.isEmpty();
    }

    /** Parks a write's reply: only an fsync that starts after the write was applied covers it. */
    void park(Parked reply) {
        waiting.add(reply);
    }

    /**
     * Parks a read's reply only if it may have seen an unsynced write, behind the fsync that covers every
     * write applied so far; false when nothing is pending and it may go at once.
     */
    boolean parkRead(Parked reply) {
        if (!waiting.isEmpty()) {
            waiting.add(reply);
            return true;
        }
        if (syncing) {
            inFlight.add(reply); // every applied write is covered by the running fsync
            return true;
        }
        return false;
    }

    /** True when an fsync should start now: something waits and none is running. Marks it running. */
    boolean startSync() {
        if (syncing || waiting.isEmpty()) {
            return false;
        }
        List<Parked> swap = inFlight;
        inFlight = waiting;
        waiting = swap;
        syncing = true;
        return true;
    }

    /** The running fsync ended: completes (or fails) the replies it covered. */
    void syncDone(Throwable failure) {
        List<Parked> covered = inFlight;
        inFlight = new ArrayList<>();
        syncing = false;
        for (Parked reply : covered) {
            if (failure == null) {
                reply.complete();
            } else {
                reply.fail(failure);
            }
        }
    }

    /** Replies parked, waiting for an fsync. */
    int pending() {
        return inFlight.size() + waiting.size();
    }

    /** Completes everything still parked: a close synced the engine. */
    void completeAll() {
        List<Parked> all = new ArrayList<>(inFlight);
        all.addAll(waiting);
        inFlight = new ArrayList<>();
        waiting = new ArrayList<>();
        syncing = false;
        all.forEach(Parked::complete);
    }

    /** Fails everything still parked (an fsync failed, or the engine could not be synced). */
    void failAll(Throwable cause) {
        syncDone(cause);
        List<Parked> rest = waiting;
        waiting = new ArrayList<>();
        rest.forEach(reply -> reply.fail(cause));
    }
}
