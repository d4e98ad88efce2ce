package io.corecache.engine.lsm;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.corecache.engine.lsm.WalFormatTest.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memtable: versions in order, reads at a snapshot sequence, iteration from a key, concurrency. */
class MemtableTest {

    private final Memtable memtable = new Memtable();

    @Test
    void getReturnsTheNewestVersionAtOrBelowTheSequence() {
        InternalEntry v1 = put("k", 10, "one");
        InternalEntry v2 = put("k", 20, "two");
        InternalEntry gone = InternalEntry.delete(b("k"), 30, 3, 0);
        memtable.add(v2);
        memtable.add(gone);
        memtable.add(v1);

        assertNull(memtable.get(b("k"), 9), "no version that old");
        assertSame(v1, memtable.get(b("k"), 10));
        assertSame(v1, memtable.get(b("k"), 19));
        assertSame(v2, memtable.get(b("k"), 29));
        assertSame(gone, memtable.get(b("k"), 30), "tombstones are returned: they hide older tables' versions");
        assertSame(gone, memtable.get(b("k"), Long.MAX_VALUE));
        assertNull(memtable.get(b("j"), Long.MAX_VALUE));
    }

    @Test
    void keysThatArePrefixesOfEachOtherOrDifferInHighBytesStayApart() {
        memtable.add(put("ab", 1, "x"));
        memtable.add(new InternalEntry(new byte[]{(byte) 0xFF}, 2, EntryKind.PUT, b("high"), 1, 0, 0, 0));
        assertNull(memtable.get(b("a"), 10), "a is a prefix of ab, not the same key");
        assertNull(memtable.get(b("abc"), 10));
        assertNull(memtable.get(new byte[]{0x7F}, 10));
        assertEquals("high", new String(memtable.get(new byte[]{(byte) 0xFF}, 10).value()));
        // unsigned order: 0xFF sorts after "ab" (0x61 0x62)
        assertEquals(List.of(b("ab").length, 1), keysLengths(memtable.iterator(null, 10)));
    }

    @Test
    void iterationIsKeyAscendingNewestVersionFirstFromTheStartKey() {
        List<InternalEntry> added = List.of(put("b", 5, "b5"), put("a", 1, "a1"), put("c", 2, "c2"),
                put("b", 7, "b7"), put("a", 9, "a9"), InternalEntry.delete(b("c"), 8, 8, 0));
        added.forEach(memtable::add);

        assertEquals(List.of("a#9", "a#1", "b#7", "b#5", "c#8", "c#2"), names(memtable.iterator(null, 100)));
        assertEquals(List.of("b#7", "b#5", "c#8", "c#2"), names(memtable.iterator(b("b"), 100)));
        assertEquals(List.of("b#7", "b#5", "c#8", "c#2"), names(memtable.iterator(b("aa"), 100)),
                "a start key that is absent starts at the next key");
        assertEquals(List.of(), names(memtable.iterator(b("d"), 100)));
        assertEquals(names(memtable.iterator(null, 100)), names(memtable.iterator(new byte[0], 100)));
        assertEquals(List.of("a#9", "a#1", "b#7", "b#5", "c#8", "c#2"), names(memtable.entries().iterator()));
    }

    @Test
    void iterationSeesOnlySequencesAtOrBelowTheSnapshot() {
        memtable.add(put("a", 1, "a1"));
        memtable.add(put("a", 4, "a4"));
        memtable.add(put("b", 5, "b5"));
        memtable.add(put("c", 2, "c2"));
        memtable.add(InternalEntry.delete(b("c"), 6, 6, 0));

        assertEquals(List.of("a#1", "c#2"), names(memtable.iterator(null, 3)));
        assertEquals(List.of("a#4", "a#1", "b#5", "c#2"), names(memtable.iterator(null, 5)));
        assertEquals(List.of("b#5", "c#2"), names(memtable.iterator(b("b"), 5)));
        assertEquals(List.of(), names(memtable.iterator(null, 0)));
        Iterator<InternalEntry> none = memtable.iterator(b("z"), 10);
        assertFalse(none.hasNext());
        assertThrows(java.util.NoSuchElementException.class, none::next);
    }

    @Test
    void sizeCountsKeysValuesAndOverheadAndADuplicateVersionIsRefused() {
        assertTrue(memtable.isEmpty());
        assertEquals(0, memtable.approximateBytes());
        memtable.add(put("key", 1, "value"));
        memtable.add(InternalEntry.delete(b("key"), 2, 2, 0));
        long expected = 3 + 5 + Memtable.ENTRY_OVERHEAD_BYTES + 3 + Memtable.ENTRY_OVERHEAD_BYTES;
        assertEquals(expected, memtable.approximateBytes());
        assertEquals(2, memtable.entryCount());
        assertFalse(memtable.isEmpty());

        assertThrows(IllegalArgumentException.class, () -> memtable.add(put("key", 1, "other")));
        assertEquals(expected, memtable.approximateBytes(), "a refused entry is not counted");
        assertEquals("value", new String(memtable.get(b("key"), 1).value()));
        assertThrows(UnsupportedOperationException.class, () -> memtable.entries().clear());
    }

    /**
     * Four writers add versions of overlapping keys while readers get and iterate. Every read sees a
     * well-ordered table and only versions that were added; afterwards every version is there and the size
     * adds up.
     */
    @Test
    void concurrentAddsAndReads() throws Exception {
        int writers = 4;
        int perWriter = 5_000;
        AtomicLong sequences = new AtomicLong();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<InternalEntry>>> adds = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int seed = w;
            adds.add(pool.submit(() -> {
                Random random = new Random(seed);
                List<InternalEntry> mine = new ArrayList<>();
                start.await();
                for (int i = 0; i < perWriter; i++) {
                    InternalEntry e = put("key" + random.nextInt(500), sequences.incrementAndGet(),
                            "v" + random.nextInt());
                    memtable.add(e);
                    mine.add(e);
                }
                return mine;
            }));
        }
        List<Future<Integer>> reads = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            reads.add(pool.submit(() -> {
                start.await();
                int passes = 0;
                while (writing.get() || passes == 0) {
                    InternalEntry previous = null;
                    for (Iterator<InternalEntry> it = memtable.iterator(null, Long.MAX_VALUE); it.hasNext(); ) {
                        InternalEntry e = it.next();
                        assertTrue(previous == null || InternalEntry.ORDER.compare(previous, e) < 0, "out of order");
                        previous = e;
                    }
                    InternalEntry got = memtable.get(b("key7"), Long.MAX_VALUE);
                    assertTrue(got == null || new String(got.key()).equals("key7"));
                    passes++;
                }
                return passes;
            }));
        }
        start.countDown();
        List<InternalEntry> all = new ArrayList<>();
        for (Future<List<InternalEntry>> f : adds) {
            all.addAll(f.get(60, TimeUnit.SECONDS));
        }
        writing.set(false);
        for (Future<Integer> f : reads) {
            assertTrue(f.get(60, TimeUnit.SECONDS) > 0);
        }
        pool.shutdown();

        assertEquals(writers * perWriter, memtable.entryCount());
        long bytes = 0;
        for (InternalEntry e : all) {
            assertSame(e, memtable.get(e.key(), e.sequence()));
            bytes += e.key().length + e.value().length + Memtable.ENTRY_OVERHEAD_BYTES;
        }
        assertEquals(bytes, memtable.approximateBytes());
        assertEquals(all.size(), memtable.entries().size());
    }

    /**
     * One writer adds sequences 1, 2, 3, ... and publishes each after adding it, as the engine does; readers
     * iterating at the published sequence see exactly the versions up to it, never a later one, while adds
     * go on.
     */
    @Test
    void aSnapshotSeesExactlyTheVersionsPublishedBeforeIt() throws Exception {
        int total = 20_000;
        AtomicLong published = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        Future<?> writer = pool.submit(() -> {
            Random random = new Random(1);
            for (long s = 1; s <= total; s++) {
                memtable.add(put("k" + random.nextInt(1_000), s, "v"));
                published.set(s);
            }
        });
        List<Future<Integer>> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            readers.add(pool.submit(() -> {
                int checks = 0;
                while (published.get() < total || checks == 0) {
                    long snapshot = published.get();
                    long seen = 0;
                    for (Iterator<InternalEntry> it = memtable.iterator(null, snapshot); it.hasNext(); ) {
                        assertTrue(it.next().sequence() <= snapshot);
                        seen++;
                    }
                    assertEquals(snapshot, seen, "a snapshot at " + snapshot + " saw " + seen + " versions");
                    checks++;
                }
                return checks;
            }));
        }
        writer.get(60, TimeUnit.SECONDS);
        for (Future<Integer> f : readers) {
            assertTrue(f.get(60, TimeUnit.SECONDS) > 0);
        }
        pool.shutdown();
    }

    private static InternalEntry put(String key, long sequence, String value) {
        return InternalEntry.put(b(key), sequence, b(value), sequence, 0, 0, 0);
    }

    private static List<String> names(Iterator<InternalEntry> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(e -> out.add(new String(e.key()) + "#" + e.sequence()));
        return out;
    }

    private static List<Integer> keysLengths(Iterator<InternalEntry> it) {
        List<Integer> out = new ArrayList<>();
        it.forEachRemaining(e -> out.add(e.key().length));
        return out;
    }
}
