package io.corecache.engine.lsm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The memtables at one moment: the active one taking writes and the frozen ones waiting for their flush;
 * immutable, swapped whole, so a reader takes one consistent view with a single volatile read.
 *
 * @param active     the memtable writes go to
 * @param activeLog  the number of the write-ahead log holding the active memtable's writes
 * @param immutables frozen memtables, oldest first (the flush order)
 */
record Memtables(Memtable active, long activeLog, List<Frozen> immutables) {

    /**
     * A memtable no longer written to, and what the manifest records once it is flushed.
     *
     * @param memtable        its entries
     * @param log             the write-ahead log that holds them; obsolete once they are in a table
     * @param lastSequence    the highest sequence written before it was frozen
     * @param appliedRevision the applied revision when it was frozen
     */
    record Frozen(Memtable memtable, long log, long lastSequence, long appliedRevision) {
    }

    Memtables {
        immutables = List.copyOf(immutables);
    }

    static Memtables fresh(long log) {
        return new Memtables(new Memtable(), log, List.of());
    }

    /** No frozen memtables; the active one sized (its key filter) for {@code memtableBytes}. */
    static Memtables fresh(long log, long memtableBytes) {
        return new Memtables(new Memtable(memtableBytes), log, List.of());
    }

    /** The active memtable frozen (as {@code frozen} says) and a new one writing to log {@code newLog}. */
    Memtables switchTo(long newLog, long lastSequence, long appliedRevision) {
        return switchTo(newLog, lastSequence, appliedRevision, new Memtable());
    }

    /** As {@link #switchTo(long, long, long)}, with {@code next} (empty) as the new active memtable. */
    Memtables switchTo(long newLog, long lastSequence, long appliedRevision, Memtable next) {
        List<Frozen> frozen = new ArrayList<>(immutables);
        frozen.add(new Frozen(active, activeLog, lastSequence, appliedRevision));
        return new Memtables(next, newLog, frozen);
    }

    /** Without the oldest frozen memtable (it is in a table now). */
    Memtables withoutOldest() {
        return new Memtables(active, activeLog, immutables.subList(1, immutables.size()));
    }

    /** The log of the memtable after the oldest frozen one: the first log still needed once it is flushed. */
    long logAfterOldest() {
        return immutables.size() > 1 ? immutables.get(1).log() : activeLog;
    }

    /** Every memtable, newest first: the order a lookup consults them in. */
    List<Memtable> newestFirst() {
        List<Memtable> all = new ArrayList<>(immutables.size() + 1);
        all.add(active);
        for (Frozen frozen : immutables) {
            all.add(frozen.memtable());
        }
        Collections.reverse(all.subList(1, all.size()));
        return all;
    }
}
