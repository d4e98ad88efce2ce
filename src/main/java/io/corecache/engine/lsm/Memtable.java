package io.corecache.engine.lsm;

import io.corecache.engine.Bytes;

import java.util.AbstractCollection;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The newest writes, in memory and in {@link InternalEntry#ORDER} (key ascending, newest version first),
 * until they are flushed to a table.
 *
 * <p>Implementation notes: one {@link ConcurrentSkipListSet} (a {@code ConcurrentSkipListMap} underneath)
 * of the entries, ordered by (user key, sequence) only; lookups probe it with an entry carrying the wanted
 * key and sequence. Each entry sits in a {@link Slot} holding the first 8 bytes of its key as a long, so
 * most comparisons on a search path settle on that long without following the entry to its key array:
 * one cache miss less per step, which is most of what a search costs. The skip list is lock-free: readers never block writers nor each other, and
 * iterators are weakly consistent (they never fail and may or may not see entries added after they
 * started). Snapshot reads stay exact because they ignore every sequence above the snapshot's, and the
 * engine takes a snapshot only at a sequence whose entries are all added already. Entries (and their key
 * and value arrays) are stored as given and must not be changed afterwards.
 *
 * <p>A key filter (a bloom filter in memory only, never written anywhere) lets {@link #get(byte[], long, long)}
 * answer "not here" for most absent keys without walking the skip list: every write looks its key up to keep
 * the create time, and a new key would otherwise cost a cold skip-list search in every memtable. The filter's
 * words are set by the one thread adding entries (the write queue's leader), before the entry enters the
 * skip list; a reader consults it only for a snapshot published (a volatile write) after those adds, so it
 * sees every bit its entries set. A word is an {@code int}, which Java reads and writes atomically.
 */
final class Memtable {

    /**
     * Memory an entry costs beyond its key and value bytes, roughly: the entry object (~64 bytes), two
     * array headers (~32) and the skip list's node and share of index nodes (~32).
     */
    static final int ENTRY_OVERHEAD_BYTES = 128;

    private static final byte[] NO_VALUE = new byte[0];

    /** Bits of key filter per 512-bit block; a key sets {@value #FILTER_PROBES} bits in one block (one cache line). */
    private static final int FILTER_BLOCK_BITS = 512;
    private static final int FILTER_PROBES = 6;
    /** Filter bits per entry the memtable can hold at most (its capacity over {@link #ENTRY_OVERHEAD_BYTES}). */
    private static final int FILTER_BITS_PER_ENTRY = 8;

    /**
     * An entry and its key's first 8 bytes, big-endian, zero-padded: ordering slots by that prefix (unsigned)
     * and then by {@link InternalEntry#ORDER} is the same order, since a key before another never has a
     * greater padded prefix.
     */
    private record Slot(long prefix, InternalEntry entry) {
        static Slot of(InternalEntry entry) {
            return new Slot(prefixOf(entry.key()), entry);
        }
    }

    private static final Comparator<Slot> SLOT_ORDER = (a, b) -> {
        int byPrefix = Long.compareUnsigned(a.prefix, b.prefix);
        return byPrefix != 0 ? byPrefix : InternalEntry.ORDER.compare(a.entry, b.entry);
    };

    private final ConcurrentSkipListSet<Slot> entries = new ConcurrentSkipListSet<>(SLOT_ORDER);
    private final AtomicLong approximateBytes = new AtomicLong();
    private final AtomicLong count = new AtomicLong();
    private final int[] filter;
    private final int filterBlockMask;

    /** A memtable with a small key filter (for one that is only flushed, or tests). */
    Memtable() {
        this(64L * ENTRY_OVERHEAD_BYTES);
    }

    /** A memtable whose key filter is sized for about {@code capacityBytes} of entries (it is frozen then). */
    Memtable(long capacityBytes) {
        long wantedBlocks = Math.max(1, capacityBytes / ENTRY_OVERHEAD_BYTES * FILTER_BITS_PER_ENTRY / FILTER_BLOCK_BITS);
        int blocks = Integer.highestOneBit((int) Math.min(1 << 20, wantedBlocks));
        this.filter = new int[blocks * (FILTER_BLOCK_BITS / Integer.SIZE)];
        this.filterBlockMask = blocks - 1;
    }

    /**
     * Adds a version.
     *
     * @throws IllegalArgumentException if the memtable already holds that key at that sequence
     */
    void add(InternalEntry entry) {
        setFilterBits(BloomFilter.hash(entry.key()));
        if (!entries.add(Slot.of(entry))) {
            throw new IllegalArgumentException("the memtable already holds key " + Bytes.printable(entry.key())
                    + " at sequence " + entry.sequence());
        }
        approximateBytes.addAndGet(entry.key().length + (long) entry.value().length + ENTRY_OVERHEAD_BYTES);
        count.incrementAndGet();
    }

    /** The newest version of {@code key} with sequence {@code <= maxSequence}, tombstones included, or null. */
    InternalEntry get(byte[] key, long maxSequence) {
        return get(key, BloomFilter.hash(key), maxSequence);
    }

    /** As {@link #get(byte[], long)}, with {@code keyHash} = {@link BloomFilter#hash}{@code (key)} computed once by the caller. */
    InternalEntry get(byte[] key, long keyHash, long maxSequence) {
        if (!mightContain(keyHash)) {
            return null;
        }
        Slot found = entries.ceiling(probe(key, maxSequence));
        return found != null && Arrays.equals(found.entry.key(), key) ? found.entry : null;
    }

    /** False if no entry of the key with this {@link BloomFilter#hash} was added; true if one may have been. */
    boolean mightContain(long keyHash) {
        int base = filterBase(keyHash);
        long bits = filterBits(keyHash);
        for (int i = 0; i < FILTER_PROBES; i++, bits >>>= 9) {
            int bit = (int) bits & (FILTER_BLOCK_BITS - 1);
            if ((filter[base + (bit >>> 5)] & (1 << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    private void setFilterBits(long keyHash) {
        int base = filterBase(keyHash);
        long bits = filterBits(keyHash);
        for (int i = 0; i < FILTER_PROBES; i++, bits >>>= 9) {
            int bit = (int) bits & (FILTER_BLOCK_BITS - 1);
            filter[base + (bit >>> 5)] |= 1 << bit;
        }
    }

    /** The first word of the key's block, chosen by the hash's high half. */
    private int filterBase(long keyHash) {
        return ((int) (keyHash >>> 32) & filterBlockMask) * (FILTER_BLOCK_BITS / Integer.SIZE);
    }

    /** Six 9-bit bit positions within the block, from a remix of the hash (independent of the block choice). */
    private static long filterBits(long keyHash) {
        return keyHash * 0x9E3779B97F4A7C15L >>> 10;
    }

    /**
     * The entries from the first version of {@code startKey} (or the first key after it) on, in
     * {@link InternalEntry#ORDER}, leaving out every sequence above {@code snapshotSequence}. Several versions
     * of a key may come out, newest first; the caller keeps the one it wants.
     *
     * @param startKey the first key (inclusive); null or empty for the beginning
     */
    Iterator<InternalEntry> iterator(byte[] startKey, long snapshotSequence) {
        Iterator<Slot> all = startKey == null || startKey.length == 0 ? entries.iterator()
                : entries.tailSet(probe(startKey, Long.MAX_VALUE), true).iterator();
        return new Iterator<>() {
            private InternalEntry next = advance();

            private InternalEntry advance() {
                while (all.hasNext()) {
                    InternalEntry e = all.next().entry;
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

    /** Every entry, in {@link InternalEntry#ORDER} (what a flush writes): a read-only view. */
    Collection<InternalEntry> entries() {
        return Collections.unmodifiableCollection(new AbstractCollection<>() {
            @Override
            public Iterator<InternalEntry> iterator() {
                Iterator<Slot> slots = entries.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return slots.hasNext();
                    }

                    @Override
                    public InternalEntry next() {
                        return slots.next().entry;
                    }
                };
            }

            @Override
            public int size() {
                return entries.size();
            }
        });
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
    private static Slot probe(byte[] key, long sequence) {
        return Slot.of(new InternalEntry(key, sequence, EntryKind.PUT, NO_VALUE, 0, 0, 0, 0));
    }

    /** The first 8 bytes of {@code key}, big-endian, zero-padded if it is shorter. */
    private static long prefixOf(byte[] key) {
        long prefix = 0;
        int n = Math.min(8, key.length);
        for (int i = 0; i < n; i++) {
            prefix |= (key[i] & 0xFFL) << (56 - 8 * i);
        }
        return prefix;
    }
}
