package io.corecache.engine.lsm;

import io.corecache.engine.Bytes;

import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The newest writes, in memory and in {@link InternalEntry#ORDER} (key ascending, newest version first),
 * until they are flushed to a table.
 *
 * <p>Implementation notes: one {@link ConcurrentSkipListSet} (a {@code ConcurrentSkipListMap} underneath)
 * of the entries themselves, ordered by (user key, sequence) only; lookups probe it with an entry carrying
 * the wanted key and sequence. The skip list is lock-free: readers never block writers nor each other, and
 * iterators are weakly consistent (they never fail and may or may not see entries added after they
 * started). Snapshot reads stay exact because they ignore every sequence above the snapshot's, and the
 * engine takes a snapshot only at a sequence whose entries are all added already. Entries (and their key
 * and value arrays) are stored as given and must not be changed afterwards.
 */
final class Memtable {

    /**
     * Memory an entry costs beyond its key and value bytes, roughly: the entry object (~64 bytes), two
     * array headers (~32) and the skip list's node and share of index nodes (~32).
     */
    static final int ENTRY_OVERHEAD_BYTES = 128;

    private static final byte[] NO_VALUE = new byte[0];

    private final ConcurrentSkipListSet<InternalEntry> entries = new ConcurrentSkipListSet<>(InternalEntry.ORDER);
    private final AtomicLong approximateBytes = new AtomicLong();
    private final AtomicLong count = new AtomicLong();

    /**
     * Adds a version.
     *
     * @throws IllegalArgumentException if the memtable already holds that key at that sequence
     */
    void add(InternalEntry entry) {
        if (!entries.add(entry)) {
            throw new IllegalArgumentException("the memtable already holds key " + Bytes.printable(entry.key())
                    + " at sequence " + entry.sequence());
        }
        approximateBytes.addAndGet(entry.key().length + (long) entry.value().length + ENTRY_OVERHEAD_BYTES);
        count.incrementAndGet();
    }

    /** The newest version of {@code key} with sequence {@code <= maxSequence}, tombstones included, or null. */
    InternalEntry get(byte[] key, long maxSequence) {
        InternalEntry found = entries.ceiling(probe(key, maxSequence));
        return found != null && Arrays.equals(found.key(), key) ? found : null;
    }

    /**
     * The entries from the first version of {@code startKey} (or the first key after it) on, in
     * {@link InternalEntry#ORDER}, leaving out every sequence above {@code snapshotSequence}. Several versions
     * of a key may come out, newest first; the caller keeps the one it wants.
     *
     * @param startKey the first key (inclusive); null or empty for the beginning
     */
    Iterator<InternalEntry> iterator(byte[] startKey, long snapshotSequence) {
        Iterator<InternalEntry> all = startKey == null || startKey.length == 0 ? entries.iterator()
                : entries.tailSet(probe(startKey, Long.MAX_VALUE), true).iterator();
        return new Iterator<>() {
            private InternalEntry next = advance();

            private InternalEntry advance() {
                while (all.hasNext()) {
                    InternalEntry e = all.next();
                    if (e.sequence() <= snapshotSequence) {
                        return e;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public InternalEntry next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                InternalEntry e = next;
                next = advance();
                return e;
            }
        };
    }

    /** Every entry, in {@link InternalEntry#ORDER} (what a flush writes), read-only. */
    NavigableSet<InternalEntry> entries() {
        return Collections.unmodifiableNavigableSet(entries);
    }

    /** Keys, values and per-entry overhead of everything added, in bytes: when to flush. */
    long approximateBytes() {
        return approximateBytes.get();
    }

    /** Entries added so far (counted as they are added; the skip list's own size is a full walk). */
    long entryCount() {
        return count.get();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** An entry that sorts first among the versions of {@code key} with sequence {@code <= sequence}. */
    private static InternalEntry probe(byte[] key, long sequence) {
        return new InternalEntry(key, sequence, EntryKind.PUT, NO_VALUE, 0, 0, 0, 0);
    }
}
