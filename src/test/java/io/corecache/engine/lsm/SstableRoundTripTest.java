package io.corecache.engine.lsm;

import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.corecache.engine.lsm.SstableTestData.expectedGet;
import static io.corecache.engine.lsm.SstableTestData.firstAtOrAfter;
import static io.corecache.engine.lsm.SstableTestData.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a table gives back is what was written: every entry in order, {@code get} at any snapshot
 * sequence, iterators seeked to every position, the summary; compared against the sorted list of entries
 * as the model. Also: the writer's contract (order, ranges, empty tables, abandon), block sizing, and that
 * a lookup the bloom filter rules out reads no data block.
 */
class SstableRoundTripTest {

    @TempDir
    Path tmp;

    private static final List<InternalEntry> ENTRIES = SstableTestData.randomEntries(42, 2_000, true);

    private static FileOps fileOps(String name) {
        return name.equals("mapped") ? FileOps.MAPPED : FileOps.CHANNELS;
    }

    private static List<InternalEntry> readAll(TableIterator it) {
        List<InternalEntry> out = new ArrayList<>();
        while (it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"mapped", "channels"})
    void everyEntryComesBackInOrder(String files) {
        Path path = tmp.resolve("1.sst");
        TableSummary written = SstableTestData.write(fileOps(files), path, ENTRIES, SstableWriter.Options.DEFAULT);

        try (SstableReader reader = SstableReader.open(fileOps(files), path)) {
            assertEquals(ENTRIES, readAll(reader.iterator()));
            assertEquals(written, reader.summary());
        }
    }

    @Test
    void theSummaryDescribesTheTable() throws Exception {
        Path path = tmp.resolve("1.sst");
        TableSummary summary = SstableTestData.write(path, ENTRIES);

        assertEquals(Files.size(path), summary.fileSize());
        assertEquals(ENTRIES.size(), summary.entries());
        assertEquals(ENTRIES.stream().filter(InternalEntry::isDelete).count(), summary.deletes());
        assertArrayEquals(ENTRIES.get(0).key(), summary.smallestKey());
        assertArrayEquals(ENTRIES.get(ENTRIES.size() - 1).key(), summary.largestKey());
        assertEquals(ENTRIES.stream().mapToLong(InternalEntry::sequence).min().orElseThrow(), summary.minSequence());
        assertEquals(ENTRIES.stream().mapToLong(InternalEntry::sequence).max().orElseThrow(), summary.maxSequence());
        try (SstableReader reader = SstableReader.open(FileOps.DEFAULT, path)) {
            SstableWriter.Properties p = reader.properties();
            assertEquals(ENTRIES.stream().mapToLong(e -> e.key().length).sum(), p.rawKeyBytes());
            assertEquals(ENTRIES.stream().mapToLong(e -> e.value().length).sum(), p.rawValueBytes());
        }
    }

    @Test
    void getAnswersAsOfAnySequence() {
        Path path = tmp.resolve("1.sst");
        SstableTestData.write(path, ENTRIES);

        try (SstableReader reader = SstableReader.open(FileOps.DEFAULT, path)) {
            for (InternalEntry e : ENTRIES) {
                for (long max : new long[] {Long.MAX_VALUE, e.sequence(), e.sequence() - 1, e.sequence() + 1, 0}) {
                    assertEquals(expectedGet(ENTRIES, e.key(), max), reader.get(e.key(), max),
                            e + " as of " + max);
                }
            }
            // The newest version at the latest sequence: the first entry of its key in internal order.
            InternalEntry first = ENTRIES.get(0);
            assertEquals(first, reader.get(first.key(), Long.MAX_VALUE));
        }
    }

    @Test
    void iteratorsSeekToEveryPosition() {
        Path path = tmp.resolve("1.sst");
        SstableTestData.write(path, ENTRIES);

        try (SstableReader reader = SstableReader.open(FileOps.DEFAULT, path)) {
            TableIterator it = reader.iterator();
            for (int i = 0; i < ENTRIES.size(); i++) {
                InternalEntry e = ENTRIES.get(i);
                it.seek(e.key(), e.sequence());
                assertNextAre(it, i);
                long below = e.sequence() - 1;
                it.seek(e.key(), below);
                assertNextAre(it, firstAtOrAfter(ENTRIES, e.key(), below));
                // A key just after this one (the key with a zero byte appended) sorts before the next key.
                byte[] after = Arrays.copyOf(e.key(), e.key().length + 1);
                assertNextAre(reader.iterator(after, Long.MAX_VALUE), firstAtOrAfter(ENTRIES, after, Long.MAX_VALUE));
            }
            it.seek(new byte[] {0}, Long.MAX_VALUE);
            assertNextAre(it, 0);
            it.seek(SstableTestData.filled(65535, (byte) 0xFF), -1);
            assertFalse(it.hasNext(), "past the last entry");
            it.seekToFirst();
            assertEquals(ENTRIES, readAll(it));
        }
    }

    /** The iterator's next entries are ENTRIES[from ..], up to three of them, then the end if reached. */
    private static void assertNextAre(TableIterator it, int from) {
        for (int i = from; i < Math.min(from + 3, ENTRIES.size()); i++) {
            assertTrue(it.hasNext(), "expected entry " + i);
            assertEquals(ENTRIES.get(i), it.next());
        }
        if (from + 3 >= ENTRIES.size()) {
            assertFalse(it.hasNext());
        }
    }

    @Test
    void aMissingKeyReadsNoDataBlockWhenTheFilterRulesItOut() {
        Path path = tmp.resolve("1.sst");
        List<InternalEntry> entries = SstableTestData.smallEntries(5_000);
        SstableTestData.write(path, entries);

        try (SstableReader reader = SstableReader.open(FileOps.DEFAULT, path)) {
            int ruledOut = 0;
            for (int i = 0; i < 2_000; i++) {
                // Absent, but inside the table's key range: only the filter can save the block read.
                byte[] absent = text(String.format("key-%06d-absent", i));
                long before = reader.blocksRead();
                assertNull(reader.get(absent, Long.MAX_VALUE));
                if (!reader.mightContain(absent)) {
                    ruledOut++;
                    assertEquals(before, reader.blocksRead(), "a filtered-out key read a block");
                }
            }
            assertTrue(ruledOut > 1_940, "the filter ruled out only " + ruledOut + " of 2000 absent keys");
            assertTrue(reader.blocksRead() < 60, reader.blocksRead() + " blocks read for 2000 absent keys");

            // Outside the key range no block is read whatever the filter says.
            long before = reader.blocksRead();
            assertNull(reader.get(text("a"), Long.MAX_VALUE));
            assertNull(reader.get(text("zzz"), Long.MAX_VALUE));
            assertEquals(before, reader.blocksRead());

            // A key that is there costs exactly one block read (no cache).
            assertEquals(entries.get(1234), reader.get(entries.get(1234).key(), Long.MAX_VALUE));
            assertEquals(before + 1, reader.blocksRead());
        }
    }

    @Test
    void dataBlocksAreCutNearTheTargetSizeAndAHugeValueMakesOneBigBlock() {
        Path path = tmp.resolve("1.sst");
        List<InternalEntry> entries = new ArrayList<>(SstableTestData.smallEntries(2_000));
        byte[] huge = new byte[1 << 20];
        new Random(3).nextBytes(huge);
        InternalEntry big = InternalEntry.put(text("key-001000x"), 1, huge, 0, 0, 0, 0);
        entries.add(big);
        entries.sort(InternalEntry.ORDER);
        SstableTestData.write(path, entries);

        try (SstableReader reader = SstableReader.open(FileOps.DEFAULT, path)) {
            int hugeBlocks = 0;
            for (int b = 0; b + 1 < reader.blockCount(); b++) {
                long size = reader.blockOffset(b + 1) - reader.blockOffset(b);
                if (size > 1 << 20) {
                    hugeBlocks++;
                    assertTrue(size < (1 << 20) + 8192, "the huge value's block is " + size + " bytes");
                } else {
                    // Cut at the first entry that takes the block to 4 KiB; entries here are ~60 bytes.
                    assertTrue(size >= 4096 && size < 4096 + 100, "block " + b + " is " + size + " bytes");
                }
            }
            assertEquals(1, hugeBlocks);
            assertEquals(big, reader.get(big.key(), Long.MAX_VALUE));
        }
    }

    @Test
    void aTinyBlockSizeStillPutsOneEntryInEachBlock() {
        Path path = tmp.resolve("1.sst");
        List<InternalEntry> entries = SstableTestData.smallEntries(50);
        SstableTestData.write(FileOps.DEFAULT, path, entries, new SstableWriter.Options(1, 10));

        try (SstableReader reader = SstableReader.open(FileOps.DEFAULT, path)) {
            assertEquals(50, reader.blockCount());
            assertEquals(entries, readAll(reader.iterator()));
            assertEquals(entries.get(17), reader.get(entries.get(17).key(), Long.MAX_VALUE));
        }
    }

    @Test
    void entriesOutOfOrderAreRejected() {
        SstableWriter writer = SstableWriter.create(FileOps.DEFAULT, tmp.resolve("1.sst"));
        writer.add(InternalEntry.put(text("b"), 5, text("v"), 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> writer.add(InternalEntry.put(text("a"), 9, text("v"), 0, 0, 0, 0)), "smaller key");
        assertThrows(IllegalArgumentException.class,
                () -> writer.add(InternalEntry.put(text("b"), 6, text("v"), 0, 0, 0, 0)), "newer version after older");
        assertThrows(IllegalArgumentException.class,
                () -> writer.add(InternalEntry.delete(text("b"), 5, 0, 0)), "same key and sequence");
        writer.add(InternalEntry.delete(text("b"), 4, 0, 0));
        writer.add(InternalEntry.put(text("c"), 9, text("v"), 0, 0, 0, 0));
        assertEquals(3, writer.finish().entries(), "rejected entries left no trace");
    }

    @Test
    void keysAndSequencesOutOfRangeAreRejected() {
        SstableWriter writer = SstableWriter.create(FileOps.DEFAULT, tmp.resolve("1.sst"));
        assertThrows(IllegalArgumentException.class,
                () -> writer.add(InternalEntry.put(new byte[0], 1, text("v"), 0, 0, 0, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> writer.add(InternalEntry.put(new byte[65536], 1, text("v"), 0, 0, 0, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> writer.add(InternalEntry.put(text("k"), 1L << 56, text("v"), 0, 0, 0, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> writer.add(InternalEntry.put(text("k"), -1, text("v"), 0, 0, 0, 0)));
        writer.add(InternalEntry.put(text("k"), (1L << 56) - 1, text("v"), 0, 0, 0, 0));
        assertEquals((1L << 56) - 1, writer.finish().maxSequence());
    }

    @Test
    void anEmptyTableCannotBeFinishedOnlyAbandoned() {
        Path path = tmp.resolve("1.sst");
        SstableWriter writer = SstableWriter.create(FileOps.DEFAULT, path);
        assertThrows(IllegalStateException.class, writer::finish);
        writer.abandon();
        assertFalse(Files.exists(path));
    }

    @Test
    void abandonDeletesAPartialTable() {
        Path path = tmp.resolve("1.sst");
        SstableWriter writer = SstableWriter.create(FileOps.DEFAULT, path);
        for (InternalEntry e : SstableTestData.smallEntries(1_000)) {
            writer.add(e);
        }
        assertTrue(writer.fileSize() > 0, "blocks are written as they fill");
        writer.abandon();
        writer.abandon();
        assertFalse(Files.exists(path));
        assertThrows(IllegalStateException.class, () -> writer.add(InternalEntry.delete(text("z"), 1, 0, 0)));
    }

    @Test
    void aWriterRefusesAnExistingFile() throws Exception {
        Path path = tmp.resolve("1.sst");
        Files.write(path, new byte[] {1});
        assertThrows(StorageException.class, () -> SstableWriter.create(FileOps.DEFAULT, path));
        assertEquals(1, Files.size(path), "the existing file is untouched");
    }

    @Test
    void aClosedReaderRefusesReads() {
        Path path = tmp.resolve("1.sst");
        List<InternalEntry> entries = SstableTestData.smallEntries(100);
        SstableTestData.write(path, entries);
        SstableReader reader = SstableReader.open(FileOps.DEFAULT, path);
        TableIterator it = reader.iterator();
        reader.close();
        reader.close();

        assertThrows(StorageException.class, () -> reader.get(entries.get(0).key(), Long.MAX_VALUE));
        assertThrows(StorageException.class, it::hasNext);
    }

    @Test
    void concurrentReadersSeeTheSameAnswers() throws Exception {
        Path path = tmp.resolve("7.sst");
        SstableTestData.write(FileOps.MAPPED, path, ENTRIES, SstableWriter.Options.DEFAULT);
        BlockCache cache = new BlockCache(64 * 1024);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (SstableReader reader = SstableReader.open(FileOps.MAPPED, path, 7, cache)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = t;
                results.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    int checked = 0;
                    for (int i = 0; i < 3_000; i++) {
                        InternalEntry e = ENTRIES.get(random.nextInt(ENTRIES.size()));
                        long max = random.nextBoolean() ? Long.MAX_VALUE : e.sequence() - 1;
                        assertEquals(expectedGet(ENTRIES, e.key(), max), reader.get(e.key(), max));
                        checked++;
                        if (i % 500 == 0) {
                            TableIterator it = reader.iterator(e.key(), e.sequence());
                            assertEquals(e, it.next());
                        }
                    }
                    return checked;
                }));
            }
            for (Future<Integer> f : results) {
                assertEquals(3_000, f.get());
            }
            assertTrue(cache.hits() > 0 && cache.evictions() > 0, "the shared cache was used and full");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void severalVersionsOfAKeyComeBackNewestFirst() {
        Path path = tmp.resolve("1.sst");
        byte[] key = text("k");
        List<InternalEntry> versions = new ArrayList<>();
        for (long s = 100; s >= 1; s--) {
            versions.add(s % 3 == 0 ? InternalEntry.delete(key, s, s, s)
                    : InternalEntry.put(key, s, text("v" + s), s, 1, s, 0));
        }
        SstableTestData.write(path, versions);

        try (SstableReader reader = SstableReader.open(FileOps.DEFAULT, path)) {
            assertEquals(versions, readAll(reader.iterator()));
            assertEquals(versions.get(0), reader.get(key, Long.MAX_VALUE));
            assertTrue(reader.get(key, 99).isDelete(), "99 is a tombstone");
            assertArrayEquals(text("v50"), reader.get(key, 50).value());
            assertNull(reader.get(key, 0));
            Set<Long> seen = new LinkedHashSet<>();
            reader.iterator(key, 40).forEachRemaining(e -> seen.add(e.sequence()));
            assertEquals(40, seen.size());
            assertEquals(40L, seen.iterator().next());
        }
    }
}
