package io.corecache.engine.lsm;

import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FileOps;
import io.corecache.engine.NoFsyncFileOps;
import io.corecache.engine.StorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import static io.corecache.engine.lsm.CompactionPickerTest.add;
import static io.corecache.engine.lsm.CompactionPickerTest.key;
import static io.corecache.engine.lsm.CompactionPickerTest.pointers;
import static io.corecache.engine.lsm.CompactionPickerTest.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Compactions of real tables in a temporary directory, checked against what readers must keep seeing. */
class CompactionJobTest {

    private static final long NOW = 1_000_000L;
    private static final SstableWriter.Options SMALL_BLOCKS = new SstableWriter.Options(512, 10);

    @TempDir
    Path dir;

    private FileOps fileOps = FileOps.DEFAULT;
    private final AtomicLong fileNumbers = new AtomicLong(1000);
    private final Map<Long, SstableReader> openReaders = new HashMap<>();

    // ------------------------------------------------------------------------------------- what is dropped

    @Test
    void aVersionShadowedBelowTheOldestSnapshotIsDroppedAndOneASnapshotSeesIsKept() {
        List<InternalEntry> entries = List.of(put("k", 10), put("k", 7), put("k", 3));
        assertEquals(List.of(10L, 7L), sequencesAfter(entries, 8), "snapshot 8 reads #7; nobody reads #3");
        assertEquals(List.of(10L), sequencesAfter(entries, 20), "every snapshot reads #10");
        assertEquals(List.of(10L, 7L, 3L), sequencesAfter(entries, 5), "snapshot 5 reads #3");
        assertEquals(List.of(10L, 7L), sequencesAfter(entries, 7), "snapshot 7 reads #7 itself");
    }

    @Test
    void aTombstoneAtTheBaseLevelGoesWithEverythingItHides() {
        List<InternalEntry> entries = List.of(delete("d", 9), put("d", 2), put("e", 1));
        assertEquals(List.of(1L), sequencesAfter(entries, 20), "tombstone and the put it hides both gone");
        assertEquals(List.of(9L, 2L, 1L), sequencesAfter(entries, 5), "snapshot 5 still reads #2: all kept");
        assertEquals(List.of(9L, 2L, 1L), sequencesAfter(entries, 8), "snapshot 8 reads #2 under the tombstone");
        assertEquals(List.of(1L), sequencesAfter(entries, 9), "the tombstone is itself <= the oldest snapshot");
    }

    @Test
    void aTombstoneIsKeptWhileADeeperTableMayHoldTheKey() {
        List<InternalEntry> entries = List.of(delete("d", 9), put("d", 2), delete("x", 8));
        // A level-3 table covering [c, e]: it may hold an older "d", which the tombstone must go on hiding.
        Version deeper = Version.EMPTY.apply(add(CompactionPickerTest.table(50, 3, "c", "e", 100)));
        assertEquals(List.of(9L), sequencesAfter(entries, 20, deeper),
                "d's tombstone stays (the put under it goes); x's tombstone is outside [c,e] and goes");
    }

    @Test
    void anExpiredPutIsDroppedLikeATombstoneButOnlyOnceExpired() {
        InternalEntry expiring = InternalEntry.put(key("t"), 5, key("v"), 0, 1, 1, NOW - 1);
        InternalEntry later = InternalEntry.put(key("u"), 6, key("v"), 0, 1, 1, NOW + 1);
        List<InternalEntry> entries = List.of(expiring, put("t", 4), later);
        assertEquals(List.of(6L), sequencesAfter(entries, 20), "t expired at NOW-1; u not yet");
        Version deeper = Version.EMPTY.apply(add(CompactionPickerTest.table(50, 3, "a", "z", 100)));
        assertEquals(List.of(5L, 6L), sequencesAfter(entries, 20, deeper), "a level-3 table may hold t");
        Version sameLevel = Version.EMPTY.apply(add(CompactionPickerTest.table(50, 2, "a", "z", 100)));
        assertEquals(List.of(6L), sequencesAfter(entries, 20, sameLevel), "the output level itself is no deeper");
    }

    /**
     * Random inputs (three overlapping level-0 tables and the level-1 tables under them) and a deeper level
     * with older versions: every snapshot from the oldest live one up reads the same through the outputs as
     * through the inputs, and nothing the rules call garbage survives.
     */
    @Test
    void randomCompactionsAgreeWithAModelAtEveryLiveSnapshot() {
        for (int round = 0; round < 12; round++) {
            Random random = new Random(round);
            fileNumbers.set(1000 * (round + 1));
            Path roundDir = dir.resolve("r" + round);
            mkdirs(roundDir);
            // Deeper level 3: old versions of some keys (sequences below every input's).
            List<InternalEntry> deep = new ArrayList<>();
            for (int k = 0; k < 60; k += 1 + random.nextInt(4)) {
                deep.add(InternalEntry.put(rkey(k), 1 + k, key("deep" + k), 0, 1, 1, 0));
            }
            List<List<InternalEntry>> l0 = new ArrayList<>();
            List<InternalEntry> all = new ArrayList<>();
            List<Long> sequences = new ArrayList<>();
            for (long s = 100; s < 100 + 600; s++) {
                sequences.add(s);
            }
            Collections.shuffle(sequences, random);
            int next = 0;
            for (int t = 0; t < 4; t++) {
                TreeSet<InternalEntry> table = new TreeSet<>(InternalEntry.ORDER);
                int n = 20 + random.nextInt(60);
                for (int i = 0; i < n; i++) {
                    byte[] k = rkey(random.nextInt(60));
                    long seq = sequences.get(next++);
                    int shape = random.nextInt(6);
                    table.add(shape == 0 ? InternalEntry.delete(k, seq, 0, 1)
                            : InternalEntry.put(k, seq, key("v" + seq), 0, 1, 1,
                            shape == 1 ? (random.nextBoolean() ? NOW - 5 : NOW + 5) : 0));
                }
                l0.add(new ArrayList<>(table));
                all.addAll(table);
            }
            VersionEdit.Builder edit = VersionEdit.builder();
            for (int t = 0; t < 3; t++) {
                edit.addTable(write(roundDir, 1 + t, 0, l0.get(t)));
            }
            // The 4th random table becomes level 1, split between user keys into disjoint tables.
            List<InternalEntry> level1 = l0.get(3);
            int cut = level1.size() / 2;
            while (cut < level1.size() && Arrays.equals(level1.get(cut).key(), level1.get(cut - 1).key())) {
                cut++;
            }
            edit.addTable(write(roundDir, 10, 1, level1.subList(0, cut)));
            if (cut < level1.size()) {
                edit.addTable(write(roundDir, 11, 1, level1.subList(cut, level1.size())));
            }
            edit.addTable(write(roundDir, 20, 3, deep));
            Version version = Version.EMPTY.apply(edit.build());
            CompactionPicker picker = new CompactionPicker(new CompactionPolicy(3, 1 << 30, 10, 1 << 30));
            Compaction compaction = picker.pick(version, pointers()).orElseThrow();
            assertEquals(3, compaction.inputs().size(), "all three level-0 tables share keys");

            long oldest = 100 + random.nextInt(650);
            CompactionPolicy policy = new CompactionPolicy(3, 1 << 30, 10, 1 + random.nextInt(3000));
            CompactionJob.Result result = new CompactionJob(fileOps, roundDir, policy, SMALL_BLOCKS, fileNumbers::getAndIncrement)
                    .run(compaction, version, oldest, NOW);
            List<InternalEntry> out = new ArrayList<>();
            for (TableFile table : result.outputs()) {
                out.addAll(readAll(roundDir, table));
            }
            assertEquals(result.entriesRead() - result.entriesDropped(), out.size());
            assertEquals(all.size(), result.entriesRead());
            for (long snapshot : new long[] {oldest, oldest + 1, oldest + 50, 700, Long.MAX_VALUE / 2}) {
                assertEquals(view(concat(all, deep), snapshot), view(concat(out, deep), snapshot),
                        "round " + round + ", oldest snapshot " + oldest + ", read at " + snapshot);
            }
            assertNoGarbage(out, oldest, round);
            Version after = version.apply(result.edit()); // throws if level 1 would overlap
            assertEquals(Set.of(), Set.copyOf(after.files(0)), "level 0 emptied");
            assertTrue(after.files(1).containsAll(result.outputs()));
            assertLevelsDisjoint(after);
        }
    }

    // ------------------------------------------------------------------------------------- output tables

    @Test
    void outputsAreCutAtTheTargetSizeButNeverInsideAUserKey() {
        List<InternalEntry> entries = new ArrayList<>();
        long seq = 100_000;
        for (int k = 0; k < 400; k++) {
            int versions = k == 200 ? 60 : 1 + k % 3; // key 200 alone is larger than a whole output
            for (int v = 0; v < versions; v++) {
                entries.add(InternalEntry.put(rkey(k), seq--, new byte[100], 0, 1, 1, 0));
            }
        }
        entries.sort(InternalEntry.ORDER);
        TableFile input = write(dir, 1, 1, entries);
        Version version = Version.EMPTY.apply(add(input));
        Compaction compaction = new Compaction(1, List.of(input), List.of(), input.smallest(), input.largest());
        long target = 4096;
        CompactionJob.Result result = job(new CompactionPolicy(4, 1, 10, target))
                .run(compaction, version, 0, NOW); // oldest snapshot 0: every version kept
        List<TableFile> outputs = result.outputs();
        assertTrue(outputs.size() >= 10, "about " + (input.fileSize() / target) + " outputs, got " + outputs.size());
        assertEquals(0, result.entriesDropped());
        List<InternalEntry> out = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            TableFile table = outputs.get(i);
            assertEquals(2, table.level());
            List<InternalEntry> held = readAll(dir, table);
            out.addAll(held);
            if (i > 0) {
                assertTrue(Arrays.compareUnsigned(outputs.get(i - 1).largest(), table.smallest()) < 0,
                        "a user key in two outputs: " + outputs.get(i - 1) + " / " + table);
            }
            if (i < outputs.size() - 1 && !Arrays.equals(table.largest(), rkey(200))) {
                // Cut at the first key boundary past the target: within a block and one key of it.
                assertTrue(table.fileSize() < target + 3 * 512, "too large: " + table);
            }
            if (Arrays.equals(table.largest(), rkey(200)) || held.stream().anyMatch(e -> Arrays.equals(e.key(), rkey(200)))) {
                assertEquals(60, held.stream().filter(e -> Arrays.equals(e.key(), rkey(200))).count(),
                        "every version of the big key in one table");
            }
        }
        assertEquals(entries, out);
        Version after = version.apply(result.edit());
        assertEquals(List.of(), after.files(1));
        assertLevelsDisjoint(after);
    }

    @Test
    void afterTheEditEveryKeyReadsAsBeforeThroughTheEnginesLookupPath() {
        TableFile old1 = write(dir, 1, 1, List.of(put("a", 1), put("b", 2), put("c", 3)));
        TableFile old2 = write(dir, 2, 1, List.of(put("m", 4), put("n", 5)));
        TableFile old3 = write(dir, 5, 2, List.of(put("c", 0), put("q", 0)));
        TableFile flush1 = write(dir, 3, 0, List.of(put("b", 10), delete("c", 11), put("d", 12)));
        TableFile flush2 = write(dir, 4, 0, List.of(put("b", 20), put("z", 21)));
        Version version = Version.EMPTY.apply(add(old1, old2, old3, flush1, flush2));
        Compaction compaction = new CompactionPicker(new CompactionPolicy(2, 1 << 20, 10, 1 << 20))
                .pick(version, pointers()).orElseThrow();
        assertEquals(List.of(4L, 3L), CompactionPickerTest.numbers(compaction.inputs()));
        assertEquals(List.of(1L, 2L), CompactionPickerTest.numbers(compaction.outputLevelInputs()),
                "[b,z] covers both level-1 tables");
        Map<String, Long> before = new TreeMap<>();
        for (String k : List.of("a", "b", "c", "d", "m", "n", "q", "z", "zz")) {
            InternalEntry e = get(version, key(k));
            before.put(k, e == null ? null : e.isDelete() ? -e.sequence() : e.sequence());
        }
        CompactionJob.Result result = job(CompactionPolicy.DEFAULT).run(compaction, version, 1000, NOW);
        Version after = version.apply(result.edit());
        for (String k : before.keySet()) {
            InternalEntry e = get(after, key(k));
            assertEquals(before.get(k), e == null ? null : e.isDelete() ? -e.sequence() : e.sequence(), k);
        }
        assertEquals(-11L, before.get("c"), "the tombstone hides c#0 at level 2");
        assertTrue(readAll(dir, result.outputs().get(0)).contains(delete("c", 11)),
                "so it is kept: level 2 may hold c");
        assertLevelsDisjoint(after);
    }

    @Test
    void editAndStatisticsOfAnL0Compaction() {
        TableFile low = write(dir, 1, 1, List.of(put("a", 1), put("b", 2), put("c", 3)));
        TableFile high = write(dir, 2, 1, List.of(put("x", 4)));
        TableFile flush1 = write(dir, 3, 0, List.of(put("b", 10), delete("c", 11), put("d", 12)));
        TableFile flush2 = write(dir, 4, 0, List.of(put("b", 20), put("e", 21)));
        Version version = Version.EMPTY.apply(add(low, high, flush1, flush2));
        Compaction compaction = new CompactionPicker(new CompactionPolicy(2, 1 << 20, 10, 1 << 20))
                .pick(version, pointers()).orElseThrow();
        assertEquals(List.of(4L, 3L), CompactionPickerTest.numbers(compaction.inputs()));
        assertEquals(List.of(1L), CompactionPickerTest.numbers(compaction.outputLevelInputs()), "x is outside [a,e]");

        CompactionStats stats = new CompactionStats();
        CompactionJob.Result result = job(CompactionPolicy.DEFAULT).run(compaction, version, 100, NOW);
        stats.record(result);
        assertEquals(Set.of(new VersionEdit.RemovedTable(0, 3), new VersionEdit.RemovedTable(0, 4),
                new VersionEdit.RemovedTable(1, 1)), Set.copyOf(result.edit().removed()));
        assertEquals(result.outputs(), result.edit().added());
        assertEquals(low.fileSize() + flush1.fileSize() + flush2.fileSize(), result.bytesRead());
        assertEquals(8, result.entriesRead());
        assertEquals(4, result.entriesDropped(), "b#10, b#2, c#11 (tombstone at the base), c#3");
        Version after = version.apply(result.edit());
        assertEquals(List.of(), after.files(0));
        assertEquals(2, after.files(1).size());
        assertEquals(List.of(put("a", 1), put("b", 20), put("d", 12), put("e", 21)), readAll(dir, result.outputs().get(0)));
        assertEquals(1, stats.compactions());
        assertEquals(result.bytesWritten(), stats.bytesWritten());
        assertEquals(result.outputs().get(0).fileSize(), stats.bytesWritten());
        assertEquals(result.bytesRead(), stats.bytesRead());
        assertEquals(4, stats.entriesDropped());
        assertTrue(fileOps.exists(dir.resolve(LsmFiles.sst(1))), "inputs are the caller's to delete");
    }

    @Test
    void everythingDroppedMeansNoOutputAndAnEditThatOnlyRemoves() {
        TableFile flush = write(dir, 1, 0, List.of(delete("a", 5), put("a", 4)));
        Version version = Version.EMPTY.apply(add(flush));
        Compaction compaction = new Compaction(0, List.of(flush), List.of(), flush.smallest(), flush.largest());
        CompactionJob.Result result = job(CompactionPolicy.DEFAULT).run(compaction, version, 10, NOW);
        assertEquals(List.of(), result.outputs());
        assertEquals(0, result.bytesWritten());
        assertEquals(Version.EMPTY.tableCount(), version.apply(result.edit()).tableCount());
        assertEquals(Set.of(LsmFiles.sst(1)), Set.copyOf(list(dir)));
    }

    // ------------------------------------------------------------------------------------------- failures

    @Test
    void aFailedWriteFsyncOrDirectorySyncLeavesNoOutputAndThrows() throws IOException {
        List<InternalEntry> entries = new ArrayList<>();
        for (int k = 0; k < 300; k++) {
            entries.add(InternalEntry.put(rkey(k), 1000 - k, new byte[100], 0, 1, 1, 0));
        }
        entries.sort(InternalEntry.ORDER);
        record Fault(FaultyFileOps.Op op, int nth) {
        }
        for (Fault fault : List.of(new Fault(FaultyFileOps.Op.APPEND, 1), new Fault(FaultyFileOps.Op.APPEND, 40),
                new Fault(FaultyFileOps.Op.SYNC, 1), new Fault(FaultyFileOps.Op.SYNC, 3),
                new Fault(FaultyFileOps.Op.SYNC_DIRECTORY, 1), new Fault(FaultyFileOps.Op.CREATE, 2))) {
            FaultyFileOps faulty = new FaultyFileOps(FaultyFileOps.Metadata.IMMEDIATE, 7);
            fileOps = faulty;
            Path faultDir = dir.resolve(fault.op() + "-" + fault.nth());
            mkdirs(faultDir);
            TableFile input = write(faultDir, 1, 1, entries);
            Version version = Version.EMPTY.apply(add(input));
            Compaction compaction = new Compaction(1, List.of(input), List.of(), input.smallest(), input.largest());
            faulty.failAt(fault.op(), path -> !path.getFileName().toString().equals(LsmFiles.sst(1)), fault.nth());
            CompactionJob job = job(new CompactionPolicy(4, 1, 10, 4096), faultDir);
            assertThrows(StorageException.class, () -> job.run(compaction, version, 0, NOW), fault.toString());
            assertEquals(1, faulty.faultsInjected(), fault + " was reached");
            assertEquals(List.of(LsmFiles.sst(1)), list(faultDir), fault + ": no partial output left");
            assertEquals(entries, readAll(faultDir, input), "the input is untouched");
        }
    }

    // -------------------------------------------------------------------------------- write amplification

    /**
     * A simple fill as the engine would drive it: flushes of 200 random keys (about 24 KiB each) into
     * level 0, compacting after each until the picker has nothing to do. Level 1 target 128 KiB, x10,
     * 32 KiB tables. Prints the write amplification (flushed + compacted bytes over flushed bytes) and
     * checks every key still reads its latest value and the levels stay disjoint. Files are not fsynced
     * here, to keep the test fast on a busy machine.
     */
    @Test
    void writeAmplificationOfASimpleFill() {
        fileOps = new NoFsyncFileOps(FileOps.DEFAULT); // what is measured is bytes, not durability: skip ~250 fsyncs
        CompactionPolicy policy = new CompactionPolicy(4, 256 << 10, 10, 64 << 10);
        CompactionPicker picker = new CompactionPicker(policy);
        CompactionJob job = job(policy);
        CompactionStats stats = new CompactionStats();
        Random random = new Random(11);
        Map<String, Long> latest = new TreeMap<>();
        Version version = Version.EMPTY;
        byte[][] pointers = pointers();
        long sequence = 1;
        long flushedBytes = 0;
        for (int flush = 0; flush < 60; flush++) {
            TreeSet<InternalEntry> memtable = new TreeSet<>(InternalEntry.ORDER);
            for (int i = 0; i < 200; i++) {
                String k = String.format("key%06d", random.nextInt(20_000));
                memtable.add(InternalEntry.put(key(k), sequence, new byte[100], 0, 1, 1, 0));
                latest.put(k, sequence++);
            }
            TableFile table = write(dir, fileNumbers.getAndIncrement(), 0, new ArrayList<>(memtable));
            flushedBytes += table.fileSize();
            version = version.apply(add(table));
            for (int guard = 0; guard < 20; guard++) {
                var picked = picker.pick(version, pointers);
                if (picked.isEmpty()) {
                    break;
                }
                CompactionJob.Result result = job.run(picked.get(), version, sequence - 1, NOW);
                version = version.apply(result.edit());
                pointers[picked.get().level()] = picked.get().nextCompactPointer();
                stats.record(result);
                for (TableFile gone : picked.get().allInputs()) {
                    delete(dir.resolve(LsmFiles.sst(gone.number())));
                }
            }
        }
        assertLevelsDisjoint(version);
        assertTrue(version.files(0).size() < policy.level0CompactionTrigger());
        assertTrue(stats.compactions() > 10, stats.toString());
        for (Map.Entry<String, Long> e : latest.entrySet()) {
            InternalEntry found = get(version, key(e.getKey()));
            assertNotNull(found, e.getKey());
            assertEquals(e.getValue(), found.sequence(), e.getKey());
        }
        double amplification = (double) (flushedBytes + stats.bytesWritten()) / flushedBytes;
        System.out.printf("compaction write amplification: %.2f (flushed %d bytes, compaction wrote %d, read %d,"
                        + " %d compactions, %d entries dropped; %s)%n", amplification, flushedBytes,
                stats.bytesWritten(), stats.bytesRead(), stats.compactions(), stats.entriesDropped(), version);
        assertTrue(amplification > 1.5 && amplification < 15, "amplification " + amplification);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private CompactionJob job(CompactionPolicy policy) {
        return job(policy, dir);
    }

    private CompactionJob job(CompactionPolicy policy, Path in) {
        return new CompactionJob(fileOps, in, policy, SMALL_BLOCKS, fileNumbers::getAndIncrement);
    }

    /** The sequences a level-1 -> 2 compaction of {@code entries} keeps, with nothing below level 2. */
    private List<Long> sequencesAfter(List<InternalEntry> entries, long oldestSnapshot) {
        return sequencesAfter(entries, oldestSnapshot, Version.EMPTY);
    }

    private List<Long> sequencesAfter(List<InternalEntry> entries, long oldestSnapshot, Version deeper) {
        Path at = dir.resolve("s" + fileNumbers.get());
        mkdirs(at);
        long number = fileNumbers.getAndIncrement();
        List<InternalEntry> sorted = new ArrayList<>(entries);
        sorted.sort(InternalEntry.ORDER);
        TableFile input = write(at, number, 1, sorted);
        Version version = deeper.apply(add(input));
        Compaction compaction = new Compaction(1, List.of(input), List.of(), input.smallest(), input.largest());
        CompactionJob.Result result = job(CompactionPolicy.DEFAULT, at).run(compaction, version, oldestSnapshot, NOW);
        List<Long> kept = new ArrayList<>();
        for (TableFile table : result.outputs()) {
            readAll(at, table).forEach(e -> kept.add(e.sequence()));
        }
        return kept;
    }

    private TableFile write(Path in, long number, int level, List<InternalEntry> entries) {
        SstableWriter writer = SstableWriter.create(fileOps, in.resolve(LsmFiles.sst(number)), SMALL_BLOCKS);
        entries.forEach(writer::add);
        TableSummary s = writer.finish();
        return new TableFile(number, level, s.fileSize(), s.smallestKey(), s.largestKey(), s.minSequence(),
                s.maxSequence(), s.entries());
    }

    private List<InternalEntry> readAll(Path in, TableFile table) {
        try (SstableReader reader = SstableReader.open(fileOps, in.resolve(LsmFiles.sst(table.number())))) {
            List<InternalEntry> entries = new ArrayList<>();
            reader.iterator().forEachRemaining(entries::add);
            return entries;
        }
    }

    /** The engine's lookup: level 0 newest first, then at most one table per level. */
    private InternalEntry get(Version version, byte[] key) {
        for (int level = 0; level < Version.LEVELS; level++) {
            for (TableFile table : version.tablesForKey(level, key)) {
                SstableReader reader = openReaders.computeIfAbsent(table.number(),
                        n -> SstableReader.open(fileOps, dir.resolve(LsmFiles.sst(n))));
                InternalEntry found = reader.get(key, Long.MAX_VALUE);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    @AfterEach
    void closeReaders() {
        openReaders.values().forEach(SstableReader::close);
    }

    /** What a reader at {@code snapshot} sees: key -> value of the newest version <= snapshot, if live. */
    private static Map<String, String> view(List<InternalEntry> entries, long snapshot) {
        Map<String, InternalEntry> newest = new TreeMap<>();
        for (InternalEntry e : entries) {
            if (e.sequence() <= snapshot) {
                newest.merge(str(e.key()), e, (a, b) -> a.sequence() >= b.sequence() ? a : b);
            }
        }
        Map<String, String> visible = new TreeMap<>();
        newest.forEach((k, e) -> {
            if (!e.isDelete() && !(e.expiresAt() != 0 && NOW >= e.expiresAt())) {
                visible.put(k, str(e.value()));
            }
        });
        return visible;
    }

    /** No output version is hidden from every live snapshot by a newer version of its key. */
    private static void assertNoGarbage(List<InternalEntry> out, long oldest, int round) {
        for (int i = 1; i < out.size(); i++) {
            InternalEntry newer = out.get(i - 1);
            InternalEntry older = out.get(i);
            if (Arrays.equals(newer.key(), older.key())) {
                assertFalse(newer.sequence() <= oldest, "round " + round + ": " + older + " is shadowed by " + newer);
            }
        }
    }

    private static void assertLevelsDisjoint(Version version) {
        for (int level = 1; level < Version.LEVELS; level++) {
            List<TableFile> tables = version.files(level);
            for (int i = 1; i < tables.size(); i++) {
                assertTrue(Arrays.compareUnsigned(tables.get(i - 1).largest(), tables.get(i).smallest()) < 0,
                        "level " + level + " overlaps: " + tables.get(i - 1) + " / " + tables.get(i));
            }
        }
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private List<String> list(Path in) {
        try {
            List<String> names = new ArrayList<>(fileOps.list(in));
            Collections.sort(names);
            return names;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void mkdirs(Path path) {
        try {
            fileOps.createDirectories(path);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void delete(Path path) {
        try {
            fileOps.delete(path);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] rkey(int k) {
        return key(String.format("k%04d", k));
    }

    private static InternalEntry put(String k, long sequence) {
        return InternalEntry.put(key(k), sequence, key(k + sequence), 0, 1, 1, 0);
    }

    private static InternalEntry delete(String k, long sequence) {
        return InternalEntry.delete(key(k), sequence, 0, 1);
    }
}
