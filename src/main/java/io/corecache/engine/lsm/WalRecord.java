package io.corecache.engine.lsm;

import java.util.List;

/**
 * One write-ahead log record: one atomic write (a batch). Replay applies all of its entries or, if the
 * record did not survive a crash whole, none of them.
 *
 * <p>A record with no entries is legal: it records only that the caller reached {@code revision} (a log
 * entry that changed no data), so the revision survives a crash.
 *
 * @param revision the caller's revision of the write
 * @param entries  the entries, in the order they were written; each carries its own sequence
 */
record WalRecord(long revision, List<InternalEntry> entries) {

    WalRecord {
        entries = List.copyOf(entries); // rejects null entries; the caller cannot change it under the writer
        for (InternalEntry e : entries) {
            WalFormat.checkEncodable(e);
        }
    }

    static WalRecord of(long revision, InternalEntry... entries) {
        return new WalRecord(revision, List.of(entries));
    }

    /** The highest sequence among the entries, or 0 if there are none. */
    long maxSequence() {
        long max = 0;
        for (InternalEntry e : entries) {
            max = Math.max(max, e.sequence());
        }
        return max;
    }
}
