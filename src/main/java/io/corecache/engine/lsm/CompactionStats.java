package io.corecache.engine.lsm;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Cumulative compaction figures for an engine's statistics. Bytes written by compaction over bytes
 * flushed (plus one, for the flush itself) is the engine's write amplification. Thread-safe: the
 * compaction thread records, any thread reads; each figure is exact, though two read one after another
 * may straddle a compaction.
 */
public final class CompactionStats {

    private final AtomicLong compactions = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong entriesDropped = new AtomicLong();

    void record(CompactionJob.Result result) {
        bytesRead.addAndGet(result.bytesRead());
        bytesWritten.addAndGet(result.bytesWritten());
        entriesDropped.addAndGet(result.entriesDropped());
        compactions.incrementAndGet();
    }

    /** Compactions completed (a failed one is not counted). */
    public long compactions() {
        return compactions.get();
    }

    /** Bytes of input tables read by completed compactions. */
    public long bytesRead() {
        return bytesRead.get();
    }

    /** Bytes of output tables written by completed compactions. */
    public long bytesWritten() {
        return bytesWritten.get();
    }

    /** Versions, tombstones and expired puts that compactions discarded. */
    public long entriesDropped() {
        return entriesDropped.get();
    }

    @Override
    public String toString() {
        return "CompactionStats[" + compactions() + " compactions, read " + bytesRead() + " bytes, wrote "
                + bytesWritten() + " bytes, dropped " + entriesDropped() + " entries]";
    }
}
