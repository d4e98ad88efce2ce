package io.corecache.engine.bitcask;

import io.corecache.engine.Durability;
import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FaultyFileOps.LostWrites;
import io.corecache.engine.FaultyFileOps.Metadata;
import io.corecache.engine.FaultyFileOps.Op;
import io.corecache.engine.FileOps;
import io.corecache.engine.RangeCursor;
import io.corecache.engine.StorageException;
import io.corecache.engine.Versioned;
import io.corecache.engine.WriteBatch;
import io.corecache.engine.bitcask.FaultScenarios.Model;
import io.corecache.engine.bitcask.FaultScenarios.Write;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static io.corecache.engine.bitcask.FaultScenarios.DATA;
import static io.corecache.engine.bitcask.FaultScenarios.abandon;
import static io.corecache.engine.bitcask.FaultScenarios.activeDataFile;
import static io.corecache.engine.bitcask.FaultScenarios.assertValue;
import static io.corecache.engine.bitcask.FaultScenarios.b;
import static io.corecache.engine.bitcask.FaultScenarios.dataFiles;
import static io.corecache.engine.bitcask.FaultScenarios.hintOf;
import static io.corecache.engine.bitcask.FaultScenarios.key;
import static io.corecache.engine.bitcask.FaultScenarios.open;
import static io.corecache.engine.bitcask.FaultScenarios.randomWrites;
import static io.corecache.engine.bitcask.FaultScenarios.reopen;
import static io.corecache.engine.bitcask.FaultScenarios.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Power losses while writing, injected with {@link FaultyFileOps} on both ways of appending ({@link Disk}):
 * writes acknowledged with durability=sync survive; writes and batches in flight (including batches cut at
 * any byte) are whole or absent; concurrent sync writers share fsyncs through group commit; with
 * durability=none the store reopens as a prefix of its writes that includes everything synced.
 */
class BitcaskPowerLossTest {

    @TempDir
    Path tmp;

    /** The real file system under the faults: the engine's two ways of reading and appending. */
    enum Disk {
        CHANNELS(FileOps.CHANNELS), MAPPED(FileOps.MAPPED);

        final FileOps fileOps;

        Disk(FileOps fileOps) {
            this.fileOps = fileOps;
        }

        FaultyFileOps faulty() {
            return new FaultyFileOps(fileOps, Metadata.ON_DIRECTORY_SYNC, 42);
        }
    }

    /** Every combination of a disk with the arguments. */
    private static Stream<Arguments> onEachDisk(Stream<Arguments> cases) {
        List<Arguments> all = cases.toList();
        return Stream.of(Disk.values()).flatMap(disk -> all.stream().map(a -> {
            Object[] args = new Object[a.get().length + 1];
            args[0] = disk;
            System.arraycopy(a.get(), 0, args, 1, a.get().length);
            return Arguments.of(args);
        }));
    }

    static Stream<Arguments> lostWritesOnEachDisk() {
        return onEachDisk(Stream.of(LostWrites.values()).map(Arguments::of));
    }

    // --------------------------------------------------------------------------- durability=sync and crashes

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("lostWritesOnEachDisk")
    void acknowledgedSyncWritesSurviveAPowerLoss(Disk disk, LostWrites lost) {
        Path dir = tmp.resolve("db");
        FaultyFileOps faulty = disk.faulty();
        BitcaskEngine engine = open(dir, faulty, Durability.SYNC);
        Model model = new Model();
        Random random = new Random(1);
        // ~1.5 MiB of 1 KiB values: the active file rolls over once, so a sealed file and a new one must survive.
        for (int i = 0; i < 1_500; i++) {
            String key = key(random.nextInt(600));
            if (i % 7 == 6) {
                model.delete(engine, key);
            } else {
                model.put(engine, key, 1_000);
            }
        }
        assertTrue(engine.stats().files() > 1, "the workload should roll over: " + engine.stats());

        faulty.crash(lost);

        assertThrows(StorageException.class, () -> engine.put(b("after"), b("crash"), 9_999),
                "the engine that lost its power cannot write any more");
        abandon(engine);
        try (BitcaskEngine reopened = reopen(dir)) {
            model.assertHeldBy(reopened);
            assertEquals(model.revision, reopened.appliedRevision());
            model.put(reopened, "written-after-reopen", 10);
        }
        try (BitcaskEngine reopened = reopen(dir)) {
            model.assertHeldBy(reopened);
        }
    }

    static Stream<Arguments> crashesDuringWrites() {
        return onEachDisk(Stream.of(
                Arguments.of(0L, LostWrites.CUT),
                Arguments.of(0L, LostWrites.ZEROS),
                Arguments.of(0L, LostWrites.GARBAGE),
                Arguments.of(700L, LostWrites.CUT),
                Arguments.of(700L, LostWrites.ZEROS)));
    }

    @ParameterizedTest(name = "{0}, keep {1} unsynced bytes, then {2}")
    @MethodSource("crashesDuringWrites")
    void writesInFlightAtAPowerLossAreWhollyThereOrAbsent(Disk disk, long keepUnsynced, LostWrites rest)
            throws Exception {
        Path dir = tmp.resolve("db");
        // The crash comes just before the 60th fsync of a data file: one group is appended but not synced.
        FaultyFileOps faulty = disk.faulty().crashAt(Op.SYNC, DATA, 60, keepUnsynced, rest);
        BitcaskEngine engine = open(dir, faulty, Durability.SYNC);
        AtomicLong revisions = new AtomicLong();
        Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
        Map<String, byte[]> interrupted = new ConcurrentHashMap<>();
        List<List<String>> interruptedBatches = new CopyOnWriteArrayList<>();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int writer = t;
            writers.add(new Thread(() -> {
                for (int i = 0; i < 100_000; i++) {
                    long revision = revisions.incrementAndGet();
                    Map<String, byte[]> ops = new TreeMap<>();
                    int keys = i % 3 == 2 ? 3 : 1; // every third write is a batch of three puts
                    for (int k = 0; k < keys; k++) {
                        String key = "w" + writer + "-" + i + "-" + k;
                        ops.put(key, value(key, revision, 100 + (i * 37 + k * 11) % 400));
                    }
                    try {
                        if (keys == 1) {
                            Map.Entry<String, byte[]> only = ops.entrySet().iterator().next();
                            engine.put(b(only.getKey()), only.getValue(), revision);
                        } else {
                            WriteBatch batch = new WriteBatch(revision);
                            ops.forEach((key, value) -> batch.put(b(key), value));
                            engine.write(batch);
                        }
                        acknowledged.putAll(ops);
                    } catch (StorageException e) {
                        interrupted.putAll(ops);
                        if (keys > 1) {
                            interruptedBatches.add(new ArrayList<>(ops.keySet()));
                        }
                        return;
                    }
                }
            }, "writer-" + t));
        }
        writers.forEach(Thread::start);
        for (Thread writer : writers) {
            writer.join();
        }
        assertTrue(faulty.crashed(), "the crash should have happened part way");
        abandon(engine);

        try (BitcaskEngine reopened = reopen(dir)) {
            acknowledged.forEach((key, value) -> assertValue(reopened, key, value, "acknowledged"));
            int present = 0;
            for (Map.Entry<String, byte[]> e : interrupted.entrySet()) {
                Versioned found = reopened.get(b(e.getKey()));
                if (found != null) {
                    assertArrayEquals(e.getValue(), found.value(), "whole or absent: " + e.getKey());
                    present++;
                }
            }
            for (List<String> batch : interruptedBatches) {
                long there = batch.stream().filter(key -> reopened.get(b(key)) != null).count();
                assertTrue(there == 0 || there == batch.size(), "batch " + batch + " is all or nothing: " + there);
            }
            assertEquals(acknowledged.size() + present, count(reopened), "nothing else is in the store");
        }
    }

    @Test
    void concurrentSyncWritersShareFsyncs() throws Exception {
        Path dir = tmp.resolve("db");
        // A slow disk: while one group's fsync runs, the other writers queue and go in the next group.
        FaultyFileOps faulty = new FaultyFileOps().syncLatency(Duration.ofMillis(2));
        BitcaskEngine engine = open(dir, faulty, Durability.SYNC);
        int threads = 8;
        int perThread = 40;
        AtomicLong revisions = new AtomicLong();
        long syncsBefore = faulty.count(Op.SYNC, DATA);
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int writer = t;
            writers.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    long revision = revisions.incrementAndGet();
                    String key = "w" + writer + "-" + i;
                    engine.put(b(key), value(key, revision, 100), revision);
                }
            }));
        }
        writers.forEach(Thread::start);
        for (Thread writer : writers) {
            writer.join();
        }
        long puts = (long) threads * perThread;
        long syncs = faulty.count(Op.SYNC, DATA) - syncsBefore;
        assertTrue(syncs > 0 && syncs <= puts / 2, puts + " acknowledged puts should share fsyncs, but made " + syncs);

        faulty.crash();
        abandon(engine);
        try (BitcaskEngine reopened = reopen(dir)) {
            assertEquals(puts, count(reopened), "every acknowledged put survives the crash");
        }
    }

    /**
     * A batch written with durability=none and then cut by a power loss at every interesting byte: inside
     * the first header, at record boundaries, one byte short of the end. Only the whole batch may survive.
     */
    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("lostWritesOnEachDisk")
    void aBatchCutAnywhereByAPowerLossIsAllOrNothing(Disk disk, LostWrites lost) throws Exception {
        List<Long> cuts = null;
        List<String> failures = new ArrayList<>();
        for (int attempt = 0; cuts == null || attempt < cuts.size(); attempt++) {
            Path dir = tmp.resolve("cut-" + attempt);
            FaultyFileOps faulty = new FaultyFileOps(disk.fileOps, Metadata.ON_DIRECTORY_SYNC, attempt);
            BitcaskEngine engine = open(dir, faulty, Durability.NONE);
            Model before = new Model();
            for (int i = 0; i < 20; i++) {
                before.put(engine, key(i), 300);
            }
            engine.sync();
            Model after = before.copy();
            WriteBatch batch = new WriteBatch(++after.revision);
            List<Integer> recordSizes = new ArrayList<>();
            for (int i = 15; i < 25; i++) { // five overwrites, five new keys
                byte[] value = value(key(i), after.revision, 250);
                batch.put(b(key(i)), value);
                after.set(key(i), value);
                recordSizes.add(RecordFormat.size(key(i).length(), value.length));
            }
            for (int i = 0; i < 3; i++) {
                batch.delete(b(key(i)));
                after.remove(key(i));
                recordSizes.add(RecordFormat.size(key(i).length(), 0));
            }
            engine.write(batch);
            long unsynced = faulty.unsyncedBytes(activeDataFile(dir));
            assertEquals(recordSizes.stream().mapToLong(Integer::longValue).sum(), unsynced);
            if (cuts == null) {
                cuts = cutPoints(recordSizes);
            }
            long keep = cuts.get(attempt);

            faulty.crash(keep, lost);
            abandon(engine);

            try (BitcaskEngine reopened = reopen(dir)) {
                Model expected = keep == unsynced ? after : before;
                expected.assertHeldBy(reopened, "batch cut after " + keep + " of " + unsynced + " bytes, rest " + lost);
                assertEquals(expected.revision, reopened.appliedRevision());
            } catch (StorageException | AssertionError e) {
                failures.add("cut after " + keep + " of " + unsynced + " bytes: " + e);
            }
        }
        assertEquals(List.of(), failures, failures.size() + " of " + cuts.size() + " cuts failed to reopen as "
                + "all or nothing (rest " + lost + ")");
    }

    /** Offsets into a batch's bytes worth cutting at: every record boundary, a byte either side, inside headers. */
    private static List<Long> cutPoints(List<Integer> recordSizes) {
        TreeSet<Long> cuts = new TreeSet<>(List.of(0L, 1L, 20L, (long) RecordFormat.HEADER_BYTES - 1));
        long at = 0;
        for (int size : recordSizes) {
            cuts.add(at + RecordFormat.HEADER_BYTES + 3);
            cuts.add(at + size / 2);
            at += size;
            cuts.add(at - 1);
            cuts.add(at);
            cuts.add(at + 1);
        }
        cuts.removeIf(cut -> cut > recordSizes.stream().mapToLong(Integer::longValue).sum());
        return new ArrayList<>(cuts);
    }

    // --------------------------------------------------------------------------------------- durability=none

    static Stream<Arguments> noneModeCrashes() {
        return onEachDisk(Stream.of(
                Arguments.of(0L, LostWrites.CUT),
                Arguments.of(0L, LostWrites.ZEROS),
                Arguments.of(0L, LostWrites.GARBAGE),
                Arguments.of(10_000L, LostWrites.CUT),
                Arguments.of(10_000L, LostWrites.ZEROS),
                Arguments.of(10_000L, LostWrites.GARBAGE)));
    }

    /**
     * With durability=none a power loss may drop the writes since the last sync, but what reopens is exactly
     * the store after some prefix of the writes that includes every write before the last engine.sync().
     */
    @ParameterizedTest(name = "{0}, keep {1} unsynced bytes, then {2}")
    @MethodSource("noneModeCrashes")
    void unsyncedWritesMayBeLostButTheStoreReopensAsAPrefixOfTheWrites(Disk disk, long keepUnsynced,
                                                                        LostWrites rest) {
        Path dir = tmp.resolve("db");
        FaultyFileOps faulty = disk.faulty();
        BitcaskEngine engine = open(dir, faulty, Durability.NONE);
        List<Write> writes = randomWrites(new Random(3), 1_500, 300, 1_000);
        int syncedThrough = 0;
        for (Write w : writes) {
            w.applyTo(engine);
            if (w.revision() == 700) {
                engine.sync();
                syncedThrough = 700;
            }
        }

        faulty.crash(keepUnsynced, rest);
        abandon(engine);

        try (BitcaskEngine reopened = reopen(dir)) {
            long revision = reopened.appliedRevision();
            assertTrue(revision >= syncedThrough && revision <= writes.size(),
                    "recovered revision " + revision + " should be between the last sync (" + syncedThrough
                            + ") and the last write (" + writes.size() + ")");
            Model.after(writes, revision).assertHeldBy(reopened, "the first " + revision + " writes");
        } catch (StorageException e) {
            throw new AssertionError("reopening after losing unsynced writes (" + keepUnsynced + " kept, rest "
                    + rest + ") failed: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------------- regressions

    /**
     * A memory-mapped data file is extended 16 MiB ahead of its appends and only trimmed when its handle is
     * closed. After a power loss (or a killed process) every file sealed in that session is 16 MiB on disk;
     * reopened from its hint file, the engine takes that for the file's size: stats report 16 MiB per file,
     * and the dead-bytes ratio that decides automatic merges is diluted 16-fold.
     */
    @Test
    void afterAPowerLossStatsCountTheBytesWrittenNotTheSpaceAllocatedAhead() throws Exception {
        Path dir = tmp.resolve("db");
        FaultyFileOps faulty = Disk.MAPPED.faulty();
        BitcaskEngine engine = open(dir, faulty, Durability.SYNC);
        Model model = new Model();
        for (int i = 0; i < 3_000; i++) {
            model.put(engine, key(i), 1_000);
        }
        awaitHintFiles(dir);
        long diskBytes = engine.stats().diskBytes();

        faulty.crash(); // every write was synced: the crash loses nothing
        abandon(engine);

        try (BitcaskEngine reopened = open(dir, Disk.MAPPED.faulty(), Durability.SYNC)) {
            model.assertHeldBy(reopened);
            long after = reopened.stats().diskBytes();
            assertTrue(after <= diskBytes * 1.1, "the store held " + diskBytes + " bytes before the crash and "
                    + after + " after it, with the same data");
        }
    }

    // ----------------------------------------------------------------------------------------------- helpers

    /** Waits until every sealed data file has its hint file (written in the background after a rollover). */
    private static void awaitHintFiles(Path dir) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            List<Path> files = dataFiles(dir);
            if (files.subList(0, files.size() - 1).stream().allMatch(f -> Files.exists(hintOf(f)))) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "hint files were not written: " + files);
            Thread.sleep(10);
        }
    }

    private static long count(BitcaskEngine engine) {
        long n = 0;
        try (RangeCursor all = engine.scan(null, null, Integer.MAX_VALUE)) {
            while (all.hasNext()) {
                all.next();
                n++;
            }
        }
        return n;
    }
}
