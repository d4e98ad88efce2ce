package io.corecache.engine.bitcask;

import io.corecache.engine.Bytes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds the key directory at start-up in one sorted pass instead of millions of single inserts.
 *
 * <p>Recovery feeds it every record of every file in replay order ({@link #put}, {@link #delete}); the
 * position in that order is the record's age. {@link #buildInto} then sorts the records by key with a
 * stable radix sort, keeps the youngest record of each key (or nothing, if that is a tombstone), counts
 * the older ones as dead bytes of their files, and lays the survivors out as full pages.
 *
 * <p>Implementation notes: the sort works on an 8-byte big-endian prefix of each key, taken after the
 * prefix every key shares, moved together with the record's index in two primitive arrays (an LSD radix
 * sort, four 16-bit passes: sequential memory, no comparisons). Records whose prefixes tie are then put
 * in full key order by a stable merge sort of just that run, so equal keys keep their age order.
 */
final class KeyDirLoader {

    private static final int TOMBSTONE = -1;
    private static final int META_LONGS = 3;
    /** Below this many records per thread, one thread lays them out. */
    private static final int PER_THREAD = 500_000;

    private byte[][] keys = new byte[1024][];
    /**
     * Per record, side by side so the layout pass (which visits records in key order, not in the order
     * they were added) takes one cache miss for all of them: file and offset packed in one long, the
     * packed size, the creation time.
     */
    private long[] meta = new long[1024 * META_LONGS];
    private int count;
    private final int recordsPerThread;
    /** After sorting: the sort prefix of the record at each position of the sorted order. */
    private long[] sortedPrefix;

    KeyDirLoader() {
        this(PER_THREAD);
    }

    /** A loader that splits the layout between threads once each gets {@code recordsPerThread} records. */
    KeyDirLoader(int recordsPerThread) {
        this.recordsPerThread = recordsPerThread;
    }

    void put(byte[] key, Location location) {
        add(key, location.file(), location.offset(), location.packedSize(), location.createTime());
    }

    void delete(byte[] key) {
        add(key, TOMBSTONE, 0, 0, 0);
    }

    private void add(byte[] key, int file, int offset, int packedSize, long createTime) {
        if (count == keys.length) {
            int grown = keys.length * 2;
            keys = Arrays.copyOf(keys, grown);
            meta = Arrays.copyOf(meta, grown * META_LONGS);
        }
        keys[count] = key;
        int at = count * META_LONGS;
        meta[at] = ((long) file << 32) | (offset & 0xFFFFFFFFL);
        meta[at + 1] = packedSize;
        meta[at + 2] = createTime;
        count++;
    }

    /**
     * Fills the (empty) key directory with the youngest live record of each key. The sorted records are
     * laid out by one thread per core, each on a consecutive range (split where a key's records end):
     * this pass visits records in key order, not in the order they were read, so it waits on memory
     * and gains from a second core.
     */
    void buildInto(KeyDir keyDir, FileTable fileTable) {
        int[] order = sortedOrder();
        int parts = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), count / recordsPerThread));
        List<KeyDir.Builder> builders = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int from = 0;
        for (int part = 0; part < parts; part++) {
            int to = part == parts - 1 ? count : Math.max(from, runStart(order, (int) ((long) count * (part + 1) / parts)));
            KeyDir.Builder builder = new KeyDir.Builder(part == 0);
            builders.add(builder);
            int start = from;
            Thread thread = new Thread(() -> {
                try {
                    layOut(order, start, to, builder, fileTable);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "bitcask-load-" + part);
            thread.start();
            threads.add(thread);
            from = to;
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while loading the key directory", e);
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException("loading the key directory failed", failure.get());
        }
        keyDir.install(builders);
        keys = null; // the loader is done: let the arrays go before the engine starts serving
        meta = null;
        sortedPrefix = null;
    }

    /** The first position of the run of records for the key at {@code at} (so a split never cuts a key's run). */
    private int runStart(int[] order, int at) {
        int start = Math.min(at, count);
        while (start > 0 && start < count && sortedPrefix[start] == sortedPrefix[start - 1]
                && Arrays.equals(keys[order[start]], keys[order[start - 1]])) {
            start--;
        }
        return start;
    }

    /** Lays out sorted positions {@code [from, to)}: the youngest record of each key, unless a tombstone. */
    private void layOut(int[] order, int from, int to, KeyDir.Builder builder, FileTable fileTable) {
        for (int i = from; i < to; ) {
            int run = i + 1;
            while (run < to && sortedPrefix[run] == sortedPrefix[i]
                    && Arrays.equals(keys[order[i]], keys[order[run]])) {
                run++;
            }
            for (int older = i; older < run - 1; older++) {
                countDead(fileTable, order[older]);
            }
            int youngest = order[run - 1] * META_LONGS;
            int file = (int) (meta[youngest] >> 32);
            if (file != TOMBSTONE) {
                builder.add(keys[order[run - 1]], Location.unpack(file, (int) meta[youngest], (int) meta[youngest + 1],
                        meta[youngest + 2]));
            }
            i = run;
        }
        builder.finish();
    }

    private void countDead(FileTable fileTable, int index) {
        int file = (int) (meta[index * META_LONGS] >> 32);
        if (file != TOMBSTONE) {
            fileTable.get(file).addDead((int) meta[index * META_LONGS + 1] & Integer.MAX_VALUE);
        }
    }

    /** Record indexes in key order, equal keys in replay order. */
    int[] sortedOrder() {
        int shared = sharedPrefixLength();
        long[] prefix = new long[count];
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            prefix[i] = prefixAt(keys[i], shared);
            order[i] = i;
        }
        radixSort(prefix, order);
        for (int i = 0; i < count; ) {
            int run = i + 1;
            while (run < count && prefix[run] == prefix[i]) {
                run++;
            }
            if (run - i > 1) {
                sortRunByKey(order, i, run);
            }
            i = run;
        }
        sortedPrefix = prefix;
        return order;
    }

    private int sharedPrefixLength() {
        if (count == 0) {
            return 0;
        }
        byte[] first = keys[0];
        int shared = first.length;
        for (int i = 1; i < count && shared > 0; i++) {
            int mismatch = Arrays.mismatch(first, 0, shared, keys[i], 0, Math.min(shared, keys[i].length));
            if (mismatch >= 0) {
                shared = mismatch;
            } else {
                shared = Math.min(shared, keys[i].length);
            }
        }
        return shared;
    }

    /** Bytes {@code [from, from + 8)} of the key as an unsigned big-endian number, zero-padded. */
    private static long prefixAt(byte[] key, int from) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            int at = from + i;
            value = (value << 8) | (at < key.length ? key[at] & 0xFF : 0);
        }
        return value;
    }

    /** Stable LSD radix sort of {@code prefix} as unsigned numbers, carrying {@code order} along. */
    private static void radixSort(long[] prefix, int[] order) {
        int n = prefix.length;
        long[] prefixOut = new long[n];
        int[] orderOut = new int[n];
        int[] counts = new int[1 << 16];
        for (int shift = 0; shift < 64; shift += 16) {
            Arrays.fill(counts, 0);
            for (long p : prefix) {
                counts[(int) (p >>> shift) & 0xFFFF]++;
            }
            if (counts[(int) (prefix.length > 0 ? (prefix[0] >>> shift) & 0xFFFF : 0)] == n) {
                continue; // every key has the same digit here: nothing to move
            }
            int sum = 0;
            for (int d = 0; d < counts.length; d++) {
                int c = counts[d];
                counts[d] = sum;
                sum += c;
            }
            for (int i = 0; i < n; i++) {
                int slot = counts[(int) (prefix[i] >>> shift) & 0xFFFF]++;
                prefixOut[slot] = prefix[i];
                orderOut[slot] = order[i];
            }
            System.arraycopy(prefixOut, 0, prefix, 0, n);
            System.arraycopy(orderOut, 0, order, 0, n);
        }
    }

    /** Stable sort of {@code order[from, to)} by full key (a merge sort: equal keys keep their order). */
    private void sortRunByKey(int[] order, int from, int to) {
        Integer[] run = new Integer[to - from];
        for (int i = from; i < to; i++) {
            run[i - from] = order[i];
        }
        Arrays.sort(run, (a, b) -> Bytes.compare(keys[a], keys[b])); // TimSort: stable
        for (int i = from; i < to; i++) {
            order[i] = run[i - from];
        }
    }
}
