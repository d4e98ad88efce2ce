package io.corecache.engine.lsm;

import java.util.concurrent.TimeUnit;

/**
 * How much a write is slowed when flushing or compaction falls behind (docs/lsm.md, "Memtables and
 * flush"): nothing while there is room, then a short pause growing with the backlog, so writers slow down
 * smoothly rather than all stopping at once; only past the hard limit must a writer wait.
 *
 * <p>Soft limits: every immutable slot taken ({@code maxImmutableMemtables} frozen memtables waiting), or
 * level 0 at {@code level0SlowdownTables} or more. Hard limits: the memtable is full and no immutable slot
 * is free, or level 0 holds {@code level0StopTables}. Compaction runs on its own thread, so level 0 always
 * shrinks again and a writer waiting on it waits for a compaction, not for ever.
 */
final class WriteThrottle {

    /** The longest pause a single write gets. */
    static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(4);
    private static final long STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int maxImmutables;
    private final int level0Slowdown;
    private final int level0Stop;

    WriteThrottle(LsmOptions options) {
        this.maxImmutables = options.maxImmutableMemtables();
        this.level0Slowdown = options.level0SlowdownTables();
        this.level0Stop = options.level0StopTables();
    }

    /** The pause before a group is written: 0, or 1 ms per step of backlog past the soft limits, at most 4 ms. */
    long pauseNanos(int immutables, int level0Tables) {
        long steps = 0;
        if (immutables >= maxImmutables) {
            steps += immutables - maxImmutables + 1;
        }
        if (level0Tables >= level0Slowdown) {
            steps += level0Tables - level0Slowdown + 1;
        }
        return Math.min(MAX_PAUSE_NANOS, steps * STEP_NANOS);
    }

    /** Whether a writer that needs a new memtable must wait for a flush or compaction first. */
    boolean mustWait(int immutables, int level0Tables) {
        return immutables >= maxImmutables || level0Tables >= level0Stop;
    }
}
