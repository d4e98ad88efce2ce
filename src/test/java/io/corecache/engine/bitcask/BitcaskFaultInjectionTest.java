package io.corecache.engine.bitcask;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.Entry;
import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FaultyFileOps.LostWrites;
import io.corecache.engine.FaultyFileOps.Metadata;
import io.corecache.engine.FaultyFileOps.Op;
import io.corecache.engine.FileOps;
import io.corecache.engine.RangeCursor;
import io.corecache.engine.StorageException;
import io.corecache.engine.Versioned;
import io.corecache.engine.WriteBatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static io.corecache.engine.FaultyFileOps.nameEndsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Power losses, failed fsyncs, flipped bits and interrupted merges, injected through the {@link FileOps}
 * seam with {@link FaultyFileOps}, and what a user of the engine sees afterwards: acknowledged writes
 * survive, interrupted ones and batches are whole or absent, damage is reported as
 * {@link CorruptionException} naming the file and offset, and deleted keys never come back.
 */
class BitcaskFaultInjectionTest {

    private static final Predicate<Path> DATA = nameEndsWith(FileNames.DATA);
    private static final Predicate<Path> MERGING_DATA = nameEndsWith(FileNames.DATA + FileNames.MERGING);
    private static final Predicate<Path> MERGING_HINT = nameEndsWith(FileNames.HINT + FileNames.MERGING);
    private static final Predicate<Path> HINT = nameEndsWith(FileNames.HINT);

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

    // ------------------------------------------------------------------------- durability=sync and crashes

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
                    assertArrayEquals(e.getValue(), found.value(), "an interrupted write is whole or absent: " + e.getKey());
                    present++;
                }
            }
            for (List<String> batch : interruptedBatches) {
                long there = batch.stream().filter(key -> reopened.get(b(key)) != null).count();
                assertTrue(there == 0 || there == batch.size(), "batch " + batch + " is all or nothing, found " + there);
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

    // ------------------------------------------------------------------------------------ durability=none

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
            if (w.revision == 700) {
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

    // -------------------------------------------------------------------------------------- failing fsyncs

    @Test
    void aFailedFsyncFailsThatPutAndRefusesWritesUntilReopened() {
        Path dir = tmp.resolve("db");
        FaultyFileOps faulty = new FaultyFileOps();
        BitcaskEngine engine = open(dir, faulty, Durability.SYNC);
        Model model = new Model();
        for (int i = 0; i < 200; i++) {
            model.put(engine, key(i), 100);
        }
        faulty.failSyncs(1, DATA);

        byte[] failedValue = value("failed", 1_000, 100);
        assertThrows(StorageException.class, () -> engine.put(b("failed"), failedValue, 1_000));
        assertEquals(1, faulty.faultsInjected());
        StorageException refused = assertThrows(StorageException.class, () -> engine.put(b("later"), b("x"), 1_001));
        assertTrue(refused.getMessage().contains("refuses writes"), refused.getMessage());
        assertThrows(StorageException.class, () -> engine.delete(b(key(0)), 1_002));
        assertThrows(StorageException.class, () -> engine.write(new WriteBatch(1_003).put(b("batched"), b("x"))));
        assertThrows(StorageException.class, engine::sync);
        assertThrows(StorageException.class, engine::merge);
        // Reads go on: the store still serves what it acknowledged, and not the write that failed.
        model.assertHeldBy(engine);
        assertNull(engine.get(b("failed")));
        engine.close();

        try (BitcaskEngine reopened = reopen(dir)) {
            Versioned failed = reopened.get(b("failed"));
            if (failed != null) { // its bytes were written, only their fsync failed: either outcome is allowed
                assertArrayEquals(failedValue, failed.value());
                model.set("failed", failedValue);
                model.revision = 1_000;
            }
            model.assertHeldBy(reopened);
            assertNull(reopened.get(b("later")));
            model.put(reopened, "later", 10); // writable again
        }
        try (BitcaskEngine reopened = reopen(dir)) {
            model.assertHeldBy(reopened);
        }
    }

    @Test
    void aFailedFsyncThenAPowerLossLosesOnlyTheWriteThatFailed() {
        Path dir = tmp.resolve("db");
        FaultyFileOps faulty = new FaultyFileOps();
        BitcaskEngine engine = open(dir, faulty, Durability.SYNC);
        Model model = new Model();
        for (int i = 0; i < 200; i++) {
            model.put(engine, key(i), 100);
        }
        faulty.failSyncs(1, DATA);
        assertThrows(StorageException.class, () -> engine.put(b("failed"), b("never synced"), 1_000));

        faulty.crash();
        abandon(engine);

        try (BitcaskEngine reopened = reopen(dir)) {
            model.assertHeldBy(reopened);
            assertNull(reopened.get(b("failed")), "its bytes never reached the disk");
            assertEquals(200, reopened.appliedRevision());
        }
    }

    @Test
    void aFailedExplicitSyncWithDurabilityNoneFailsTheEngine() {
        Path dir = tmp.resolve("db");
        FaultyFileOps faulty = new FaultyFileOps();
        BitcaskEngine engine = open(dir, faulty, Durability.NONE);
        List<Write> writes = randomWrites(new Random(4), 300, 100, 200);
        for (Write w : writes.subList(0, 200)) {
            w.applyTo(engine);
        }
        engine.sync();
        for (Write w : writes.subList(200, 300)) {
            w.applyTo(engine);
        }
        faulty.failSyncs(1, DATA);

        assertThrows(StorageException.class, engine::sync);
        assertThrows(StorageException.class, () -> engine.put(b("later"), b("x"), 1_000));
        Model.after(writes, 300).assertHeldBy(engine, "reads still work after the failed sync");

        faulty.crash();
        abandon(engine);
        try (BitcaskEngine reopened = reopen(dir)) {
            assertEquals(200, reopened.appliedRevision(), "the last successful sync covered 200 writes");
            Model.after(writes, 200).assertHeldBy(reopened);
        }
    }

    @Test
    void aFailedRolloverFailsTheWriteAndKeepsEverythingAcknowledged() {
        Path dir = tmp.resolve("db");
        FaultyFileOps faulty = new FaultyFileOps();
        BitcaskEngine engine = open(dir, faulty, Durability.SYNC);
        faulty.failAt(Op.CREATE, DATA, 1); // the first data file was created at open; this is the next one
        Model model = new Model();
        StorageException failure = null;
        for (int i = 0; i < 2_000 && failure == null; i++) {
            try {
                model.put(engine, key(i), 1_000);
            } catch (StorageException e) {
                failure = e;
                model.revision--; // Model.put counted it before the engine refused it
            }
        }
        assertNotNull(failure, "the write that needed a new data file should fail");
        assertThrows(StorageException.class, () -> engine.put(b("later"), b("x"), 5_000));
        model.assertHeldBy(engine);
        engine.close();

        try (BitcaskEngine reopened = reopen(dir)) {
            model.assertHeldBy(reopened);
            for (int i = 0; i < 1_500; i++) { // and it rolls over fine now
                model.put(reopened, "more-" + i, 1_000);
            }
        }
        try (BitcaskEngine reopened = reopen(dir)) {
            model.assertHeldBy(reopened);
        }
    }

    @Test
    void failingHintFileFsyncsDoNotFailTheEngine() throws Exception {
        Path dir = tmp.resolve("db");
        FaultyFileOps faulty = new FaultyFileOps().failSyncs(Integer.MAX_VALUE, MERGING_HINT);
        Model model = new Model();
        try (BitcaskEngine engine = open(dir, faulty, Durability.NONE)) {
            for (int i = 0; i < 3_000; i++) {
                model.put(engine, key(i), 1_000);
            }
        }
        assertTrue(faulty.faultsInjected() > 0, "hint files should have been written and failed");
        assertFalse(names(dir, FileNames.HINT + FileNames.MERGING).isEmpty(), "the failed hint files are left over");
        try (BitcaskEngine reopened = reopen(dir)) {
            model.assertHeldBy(reopened);
        }
        assertEquals(List.of(), names(dir, FileNames.MERGING), "open removes the unfinished hint files");
    }

    // ------------------------------------------------------------------------ a power loss during recovery

    /** Where an open is interrupted: cleaning up after a crashed merge, or cutting a torn tail. */
    enum RecoveryPoint {
        DELETE_UNFINISHED_MERGE_OUTPUT(Op.DELETE, MERGING_DATA),
        CUT_TORN_TAIL(Op.TRUNCATE, path -> true),
        SYNC_AFTER_CUT(Op.SYNC, DATA),
        DELETE_HINT_OF_UNFINISHED_OUTPUT(Op.DELETE, HINT);

        final Op op;
        final Predicate<Path> which;

        RecoveryPoint(Op op, Predicate<Path> which) {
            this.op = op;
            this.which = which;
        }
    }

    @ParameterizedTest
    @EnumSource(RecoveryPoint.class)
    void aPowerLossWhileOpeningIsRecoveredByTheNextOpen(RecoveryPoint point) throws Exception {
        Path dir = tmp.resolve("db");
        // Ordered metadata, so what the crashed merge left (outputs, a hint) is on disk for the open to clean.
        FaultyFileOps faulty = new FaultyFileOps(FileOps.CHANNELS, Metadata.IMMEDIATE, 1);
        BitcaskEngine engine = open(dir, faulty, Durability.NONE);
        Model model = new Model();
        for (int i = 0; i < 1_500; i++) {
            model.put(engine, key(i % 1_200), 1_000);
        }
        engine.sync();
        Model synced = model.copy();
        for (int i = 0; i < 5; i++) {
            model.put(engine, key(i), 1_000);
        }
        // Power fails as the merge renames its first output; 30 bytes of the unsynced writes reached the disk.
        faulty.crashAt(Op.RENAME, MERGING_DATA, 1, 30, LostWrites.CUT);
        assertThrows(StorageException.class, engine::merge);
        abandon(engine);
        assertFalse(names(dir, FileNames.MERGING).isEmpty(), "the merge left its outputs");

        FaultyFileOps crashesWhileOpening = new FaultyFileOps(FileOps.CHANNELS, Metadata.IMMEDIATE, 2)
                .crashAt(point.op, point.which, 1);
        assertThrows(StorageException.class, () -> open(dir, crashesWhileOpening, Durability.NONE).close());
        assertEquals(1, crashesWhileOpening.faultsInjected(), "the open should reach " + point);

        try (BitcaskEngine reopened = reopen(dir)) {
            synced.assertHeldBy(reopened);
            assertEquals(synced.revision, reopened.appliedRevision());
        }
        assertEquals(List.of(), names(dir, FileNames.MERGING));
    }

    // ------------------------------------------------------------------------------------------ flipped bits

    @Test
    void aFlippedBitInAnImmutableFileFailsOnlyThatRecordsReads() throws Exception {
        Path dir = tmp.resolve("db");
        Model model = new Model();
        try (BitcaskEngine engine = open(dir, FileOps.DEFAULT, Durability.NONE)) {
            for (int i = 0; i < 3_000; i++) {
                model.put(engine, key(i), 1_000);
            }
        }
        List<Path> dataFiles = dataFiles(dir);
        assertTrue(dataFiles.size() >= 3, "files should roll over: " + dataFiles);
        Path immutable = dataFiles.get(0);
        assertTrue(Files.exists(hintOf(immutable)), "sealed files get a hint file, so open does not read values");
        RecordAt victim = records(immutable).get(10);
        flipBit(immutable, victim.valueOffset() + victim.valueLength / 2, 3);

        try (BitcaskEngine engine = reopen(dir)) {
            CorruptionException e = assertThrows(CorruptionException.class, () -> engine.get(victim.key));
            assertEquals(immutable, e.file());
            assertEquals(victim.offset, e.offset());
            assertTrue(e.getMessage().contains(immutable.toString()) && e.getMessage().contains("offset " + victim.offset),
                    e.getMessage());
            for (Map.Entry<String, byte[]> entry : model.live.entrySet()) {
                if (!Arrays.equals(b(entry.getKey()), victim.key)) {
                    assertValue(engine, entry.getKey(), entry.getValue(), "an undamaged record");
                }
            }
            try (RangeCursor all = engine.scan(null, null, Integer.MAX_VALUE)) {
                CorruptionException inScan = assertThrows(CorruptionException.class, () -> {
                    while (all.hasNext()) {
                        Entry entry = all.next();
                        assertFalse(Arrays.equals(entry.key(), victim.key), "the damaged value must not be returned");
                    }
                });
                assertEquals(immutable, inScan.file());
                assertEquals(victim.offset, inScan.offset());
            }
            byte[] justAfter = Arrays.copyOf(victim.key, victim.key.length + 1); // the smallest key after it
            try (RangeCursor after = engine.scan(justAfter, null, Integer.MAX_VALUE)) {
                int n = 0;
                while (after.hasNext()) {
                    after.next();
                    n++;
                }
                assertEquals(model.live.tailMap(new String(victim.key, StandardCharsets.UTF_8), false).size(), n,
                        "a scan that does not reach the damaged record works");
            }
        }
    }

    /** Where in a record of the active file a bit is flipped. */
    enum Field {
        CHECKSUM(0, 5),
        FLAGS(RecordFormat.OFF_FLAGS, 0),
        KEY_LENGTH_HIGH_BIT(RecordFormat.OFF_KEY_LEN, 7),
        VALUE_LENGTH_LOW_BIT(RecordFormat.OFF_VALUE_LEN + 3, 0),
        VALUE_LENGTH_HIGH_BIT(RecordFormat.OFF_VALUE_LEN, 6),
        REVISION(RecordFormat.OFF_REVISION + 7, 1),
        KEY(RecordFormat.HEADER_BYTES, 0),
        VALUE(RecordFormat.HEADER_BYTES + 20, 4);

        final int offset;
        final int bit;

        Field(int offset, int bit) {
            this.offset = offset;
            this.bit = bit;
        }
    }

    @ParameterizedTest
    @EnumSource(Field.class)
    void aFlippedBitInTheMiddleOfTheActiveFileFailsOpenNamingFileAndOffset(Field field) throws Exception {
        Path dir = tmp.resolve("db");
        try (BitcaskEngine engine = open(dir, FileOps.DEFAULT, Durability.NONE)) {
            Model model = new Model();
            for (int i = 0; i < 200; i++) {
                model.put(engine, key(i), 1_000);
            }
        }
        Path active = activeDataFile(dir);
        RecordAt victim = records(active).get(100);
        flipBit(active, victim.offset + field.offset, field.bit);
        byte[] damaged = Files.readAllBytes(active);

        CorruptionException e = assertThrows(CorruptionException.class, () -> reopen(dir).close(),
                "100 good records follow the damaged one: this is no torn write");
        assertEquals(active, e.file());
        assertEquals(victim.offset, e.offset());
        assertTrue(e.getMessage().contains(active.toString()) && e.getMessage().contains("offset " + victim.offset),
                e.getMessage());
        assertUnchanged(damaged, active, "a failed open must not cut acknowledged records off");
    }

    /** How the end of the active file can be torn by a crash. */
    enum Tear {
        RECORD_HALF_WRITTEN, HEADER_HALF_WRITTEN, ZEROS_AFTER_LAST_RECORD, LAST_RECORD_HALF_WRITTEN_THEN_ZEROS
    }

    @ParameterizedTest
    @EnumSource(Tear.class)
    void aTornTailAtTheVeryEndOfTheActiveFileIsCutSilently(Tear tear) throws Exception {
        Path dir = tmp.resolve("db");
        Model model = new Model();
        try (BitcaskEngine engine = open(dir, FileOps.DEFAULT, Durability.SYNC)) {
            for (int i = 0; i < 200; i++) {
                model.put(engine, key(i), 1_000);
            }
        }
        Path active = activeDataFile(dir);
        List<RecordAt> records = records(active);
        RecordAt last = records.get(records.size() - 1);
        long goodEnd = Files.size(active);
        try (FileChannel channel = FileChannel.open(active, StandardOpenOption.WRITE)) {
            switch (tear) {
                case RECORD_HALF_WRITTEN -> goodEnd = truncate(channel, last.offset + last.size() / 2, last.offset);
                case HEADER_HALF_WRITTEN -> goodEnd = truncate(channel, last.offset + 20, last.offset);
                case ZEROS_AFTER_LAST_RECORD -> channel.write(ByteBuffer.allocate(4096), goodEnd);
                case LAST_RECORD_HALF_WRITTEN_THEN_ZEROS -> {
                    channel.write(ByteBuffer.allocate(last.size() / 2 + 4096), last.offset + last.size() / 2);
                    goodEnd = last.offset;
                }
            }
        }
        if (goodEnd == last.offset) {
            model.remove(new String(last.key, StandardCharsets.UTF_8));
            model.revision--;
        }

        try (BitcaskEngine engine = reopen(dir)) {
            model.assertHeldBy(engine);
            assertEquals(model.revision, engine.appliedRevision());
        }
        assertEquals(goodEnd, Files.size(active), "the torn tail is cut at the last whole record");
        try (BitcaskEngine engine = reopen(dir)) {
            model.put(engine, "after-the-cut", 100);
        }
        try (BitcaskEngine engine = reopen(dir)) {
            model.assertHeldBy(engine);
        }
    }

    /** Where in a hint file a bit is flipped. */
    enum HintDamage {
        MAGIC(0), FIRST_KEY(HintFile.MAGIC.length + HintFile.ENTRY_FIXED_BYTES), MIDDLE(-2), TRAILER_COUNT(-1);

        final int offset;

        HintDamage(int offset) {
            this.offset = offset;
        }

        long in(long size) {
            return switch (offset) {
                case -1 -> size - HintFile.TRAILER_BYTES;
                case -2 -> size / 2;
                default -> offset;
            };
        }
    }

    @ParameterizedTest
    @EnumSource(HintDamage.class)
    void aFlippedBitInAHintFileFallsBackToTheDataFile(HintDamage damage) throws Exception {
        Path dir = tmp.resolve("db");
        Model model = new Model();
        try (BitcaskEngine engine = open(dir, FileOps.DEFAULT, Durability.NONE)) {
            for (int i = 0; i < 3_000; i++) {
                model.put(engine, key(i), 1_000);
            }
        }
        Path hint = hintOf(dataFiles(dir).get(0));
        assertTrue(Files.exists(hint));
        flipBit(hint, damage.in(Files.size(hint)), 0);

        FaultyFileOps counting = new FaultyFileOps();
        try (BitcaskEngine engine = open(dir, counting, Durability.NONE)) {
            model.assertHeldBy(engine);
            assertEquals(model.revision, engine.appliedRevision());
        }
        assertTrue(counting.count(Op.READ, path -> path.equals(dataFiles(dir).get(0))) > 0,
                "the data file was read instead of its damaged hint");
    }

    // ------------------------------------------------------------------------------ interrupted merges

    /** A point in a merge where it is interrupted: the nth call of an operation on matching files. */
    enum MergePoint {
        CREATE_FIRST_OUTPUT(Op.CREATE, MERGING_DATA, 1),
        FIRST_OUTPUT_APPEND(Op.APPEND, MERGING_DATA, 1),
        THIRD_OUTPUT_APPEND(Op.APPEND, MERGING_DATA, 3),
        FIRST_OUTPUT_FSYNC(Op.SYNC, MERGING_DATA, 1),
        SECOND_OUTPUT_FSYNC(Op.SYNC, MERGING_DATA, 2),
        CREATE_OUTPUT_HINT(Op.CREATE, MERGING_HINT, 1),
        RENAME_OUTPUT_HINT(Op.RENAME, MERGING_HINT, 1),
        RENAME_FIRST_OUTPUT(Op.RENAME, MERGING_DATA, 1),
        RENAME_SECOND_OUTPUT(Op.RENAME, MERGING_DATA, 2),
        SYNC_DIRECTORY_AFTER_RENAMES(Op.SYNC_DIRECTORY, path -> true, 1),
        DELETE_FIRST_INPUT_HINT(Op.DELETE, HINT, 1),
        DELETE_FIRST_INPUT(Op.DELETE, DATA, 1),
        DELETE_SECOND_INPUT(Op.DELETE, DATA, 2),
        DELETE_THIRD_INPUT(Op.DELETE, DATA, 3),
        SYNC_DIRECTORY_AFTER_DELETES(Op.SYNC_DIRECTORY, path -> true, 2);

        final Op op;
        final Predicate<Path> which;
        final int nth;

        MergePoint(Op op, Predicate<Path> which, int nth) {
            this.op = op;
            this.which = which;
            this.nth = nth;
        }
    }

    /** How the merge is interrupted. */
    enum Interruption {
        /** Power loss; only what a directory sync made durable keeps its name. */
        POWER_LOSS,
        /** Power loss on a file system that makes each rename and delete durable at once, in order. */
        POWER_LOSS_ORDERED_METADATA,
        /** The call throws an I/O error; the process lives on and keeps using the engine. */
        IO_ERROR
    }

    static Stream<Arguments> mergeInterruptions() {
        return Stream.of(MergePoint.values())
                .flatMap(point -> Stream.of(Interruption.values()).map(how -> Arguments.of(point, how)));
    }

    @TempDir
    static Path mergeFixtureRoot;
    private static Path mergeFixture;
    private static Model mergeFixtureModel;

    /** One store to merge, copied for each case: ~5 MiB in six files, overwrites, deletes and re-puts. */
    @BeforeAll
    static void buildMergeFixture() {
        mergeFixture = mergeFixtureRoot.resolve("fixture");
        mergeFixtureModel = new Model();
        Model model = mergeFixtureModel;
        Random random = new Random(7);
        int keys = 6_000; // more live records than a merge relocates at once (4096)
        try (BitcaskEngine engine = open(mergeFixture, FileOps.DEFAULT, Durability.NONE)) {
            for (int i = 0; i < keys; i++) {
                model.put(engine, key(i), 200 + random.nextInt(400));
            }
            for (int n = 0; n < 4_000; n++) {
                model.put(engine, key(random.nextInt(keys)), 200 + random.nextInt(400));
            }
            for (int n = 0; n < 900; n++) {
                model.delete(engine, key(random.nextInt(keys)));
            }
            List<String> deleted = new ArrayList<>(model.touched);
            deleted.removeAll(model.live.keySet());
            for (int n = 0; n < 300; n++) { // a put after a tombstone, both in files the merge drops
                model.put(engine, deleted.get(random.nextInt(deleted.size())), 300);
            }
            for (int n = 0; n < 500; n++) {
                model.delete(engine, key(random.nextInt(keys)));
            }
        }
    }

    @ParameterizedTest(name = "{1} at {0}")
    @MethodSource("mergeInterruptions")
    void aMergeInterruptedAnywhereKeepsTheStoreExactlyAsItWas(MergePoint point, Interruption how) throws Exception {
        Path dir = tmp.resolve("db");
        copyDirectory(mergeFixture, dir);
        Model model = mergeFixtureModel.copy();
        FaultyFileOps faulty = new FaultyFileOps(
                how == Interruption.POWER_LOSS_ORDERED_METADATA ? Metadata.IMMEDIATE : Metadata.ON_DIRECTORY_SYNC, 1);
        BitcaskEngine engine = open(dir, faulty, Durability.NONE);
        assertTrue(dataFiles(dir).size() >= 5, "the merge should have four inputs or more: " + dataFiles(dir));
        if (how == Interruption.IO_ERROR) {
            faulty.failAt(point.op, point.which, point.nth);
        } else {
            faulty.crashAt(point.op, point.which, point.nth);
        }

        assertThrows(StorageException.class, engine::merge);
        assertEquals(1, faulty.faultsInjected(), "the merge should reach " + point);

        if (how == Interruption.IO_ERROR) {
            model.assertHeldBy(engine, "the live engine after its merge failed at " + point);
        } else {
            abandon(engine);
            engine = open(dir, new FaultyFileOps(), Durability.NONE);
            model.assertHeldBy(engine, "after a power loss at " + point);
            assertEquals(model.revision, engine.appliedRevision());
        }

        // Go on: delete keys whose puts sit in the oldest files, fill the active file so those tombstones
        // become immutable, and merge again, which drops them. An old put must not come back afterwards.
        List<String> oldest = new ArrayList<>(model.live.keySet()).subList(0, 500);
        for (String key : oldest) {
            model.delete(engine, key);
        }
        Random random = new Random(11);
        for (int n = 0; n < 300; n++) {
            model.put(engine, key(random.nextInt(6_000)), 300);
        }
        for (int n = 0; n < 2_600; n++) {
            model.put(engine, "later-" + n, 450);
        }
        engine.merge();
        model.assertHeldBy(engine, "after a second merge");
        engine.close();

        try (BitcaskEngine reopened = open(dir, new FaultyFileOps(), Durability.NONE)) {
            model.assertHeldBy(reopened, "after a second merge and a reopen");
            assertEquals(model.revision, reopened.appliedRevision());
        }
    }

    // ---------------------------------------------------------------------------------------- regressions

    /**
     * A merge that fails to delete an input (here: the first) has already retired it, but the file stays on
     * disk. A later merge drops the tombstone that hid an old put in it, and the next open replays the
     * forgotten file: the deleted key is back.
     */
    @Test
    void aFailedInputDeleteDuringMergeDoesNotResurrectKeysDeletedLater() {
        Path dir = tmp.resolve("db");
        FaultyFileOps faulty = new FaultyFileOps();
        Model model = new Model();
        try (BitcaskEngine engine = open(dir, faulty, Durability.NONE)) {
            model.put(engine, "doomed", 100);
            for (int i = 0; i < 1_100; i++) { // roll over: "doomed" is in an immutable file now
                model.put(engine, "filler-" + i, 1_000);
            }
            faulty.failAt(Op.DELETE, DATA, 1);
            assertThrows(StorageException.class, engine::merge);

            model.delete(engine, "doomed");
            for (int i = 0; i < 1_100; i++) { // roll over again: the tombstone is immutable too
                model.put(engine, "filler-" + i, 1_000);
            }
            engine.merge(); // drops the tombstone: nothing older holds "doomed"... except the forgotten file
            assertNull(engine.get(b("doomed")));
        }
        try (BitcaskEngine reopened = reopen(dir)) {
            assertNull(reopened.get(b("doomed")), "a deleted key came back from a merged-away input");
            model.assertHeldBy(reopened);
        }
    }

    /**
     * The length fields of a record are not covered by anything checked before they are trusted: a bit
     * flipped high in the value length of a record in the middle of the active file makes it "run past the
     * end of the file", which the scanner takes for a torn write, and open silently truncates every
     * acknowledged record after it.
     */
    @Test
    void aFlippedLengthBitInTheMiddleOfTheActiveFileIsCorruptionNotATornTail() throws Exception {
        Path dir = tmp.resolve("db");
        Model model = new Model();
        try (BitcaskEngine engine = open(dir, FileOps.DEFAULT, Durability.SYNC)) {
            for (int i = 0; i < 50; i++) {
                model.put(engine, key(i), 100);
            }
        }
        Path active = activeDataFile(dir);
        RecordAt victim = records(active).get(10);
        flipBit(active, victim.offset + RecordFormat.OFF_VALUE_LEN, 7);
        byte[] damaged = Files.readAllBytes(active);

        StorageException e = assertThrows(StorageException.class, () -> reopen(dir).close(),
                "40 acknowledged records follow the damaged one");
        assertTrue(e instanceof CorruptionException, e.toString());
        assertUnchanged(damaged, active, "nothing was cut");
    }

    /**
     * A power loss that leaves random bytes after the last synced record (a torn write of sectors that held
     * something else) must reopen with that tail cut, like zeros or a short record do, not refuse to open.
     */
    @Test
    void garbageAfterTheLastSyncedRecordIsCutLikeATornWrite() throws Exception {
        Path dir = tmp.resolve("db");
        FaultyFileOps faulty = new FaultyFileOps();
        BitcaskEngine engine = open(dir, faulty, Durability.NONE);
        Model model = new Model();
        for (int i = 0; i < 50; i++) {
            model.put(engine, key(i), 100);
        }
        engine.sync();
        Model synced = model.copy();
        for (int i = 50; i < 60; i++) {
            model.put(engine, key(i), 100);
        }
        faulty.crash(LostWrites.GARBAGE);
        abandon(engine);

        try (BitcaskEngine reopened = reopen(dir)) {
            synced.assertHeldBy(reopened);
        }
    }

    /**
     * Write-back got part of an unsynced group to the disk and the file's new size too; the rest reads as
     * zeros. The first damaged record is followed by nothing but zeros, so it is a torn write, not corruption.
     */
    @Test
    void aRecordCutShortByZerosIsATornTail() throws Exception {
        Path dir = tmp.resolve("db");
        FaultyFileOps faulty = new FaultyFileOps();
        BitcaskEngine engine = open(dir, faulty, Durability.NONE);
        Model model = new Model();
        for (int i = 0; i < 50; i++) {
            model.put(engine, key(i), 100);
        }
        engine.sync();
        Model synced = model.copy();
        for (int i = 50; i < 60; i++) {
            model.put(engine, key(i), 100);
        }
        faulty.crash(RecordFormat.size(key(50).length(), 100) / 2, LostWrites.ZEROS);
        abandon(engine);

        try (BitcaskEngine reopened = reopen(dir)) {
            synced.assertHeldBy(reopened);
        }
    }

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
            assertEquals(diskBytes, reopened.stats().diskBytes(), "bytes of the data files, as before the crash");
        }
    }

    // -------------------------------------------------------------------------------------------- helpers

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

    private static BitcaskEngine open(Path dir, FileOps fileOps, Durability durability) {
        return BitcaskEngine.open(dir, BitcaskOptions.defaults()
                .withEngine(EngineOptions.DEFAULT.withFileOps(fileOps).withDurability(durability))
                .withMaxFileBytes(BitcaskOptions.MIN_FILE_BYTES)
                .withMergeCheckEvery(Duration.ZERO));
    }

    /** Opens the directory as a crash left it, on a fresh seam (so it can crash again). */
    private static BitcaskEngine reopen(Path dir) {
        return open(dir, new FaultyFileOps(), Durability.SYNC);
    }

    /** Stops an engine whose files died in a crash; closing it cannot sync, and says so. */
    private static void abandon(BitcaskEngine engine) {
        try {
            engine.close();
        } catch (StorageException expected) {
            // its files are gone with the power
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String key(int i) {
        return String.format("key-%05d", i);
    }

    /** Bytes that could only have come from this write: a wrong or damaged value cannot pass for it. */
    private static byte[] value(String key, long revision, int size) {
        byte[] value = new byte[size];
        new Random(key.hashCode() * 1_000_003L + revision).nextBytes(value);
        return value;
    }

    private static void assertValue(BitcaskEngine engine, String key, byte[] expected, String what) {
        Versioned found = engine.get(b(key));
        assertNotNull(found, what + " key " + key + " is missing");
        assertArrayEquals(expected, found.value(), what + " key " + key + " has another value");
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

    /** One write of a generated sequence: revision i is the ith write; a null value deletes. */
    private record Write(long revision, String key, byte[] value) {
        void applyTo(BitcaskEngine engine) {
            if (value == null) {
                engine.delete(b(key), revision);
            } else {
                engine.put(b(key), value, revision);
            }
        }
    }

    private static List<Write> randomWrites(Random random, int count, int keys, int valueBytes) {
        List<Write> writes = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String key = key(random.nextInt(keys));
            writes.add(new Write(i, key, random.nextInt(100) < 15 ? null : value(key, i, valueBytes)));
        }
        return writes;
    }

    /** What the store must hold: a trivially correct model of it, and the keys ever written (deleted ones too). */
    private static final class Model {
        final TreeMap<String, byte[]> live = new TreeMap<>();
        final TreeSet<String> touched = new TreeSet<>();
        long revision;

        static Model after(List<Write> writes, long revision) {
            Model model = new Model();
            for (Write w : writes) {
                if (w.revision <= revision) {
                    if (w.value == null) {
                        model.remove(w.key);
                    } else {
                        model.set(w.key, w.value);
                    }
                    model.revision = w.revision;
                }
            }
            writes.forEach(w -> model.touched.add(w.key));
            return model;
        }

        void put(BitcaskEngine engine, String key, int valueBytes) {
            long rev = ++revision;
            byte[] value = value(key, rev, valueBytes);
            engine.put(b(key), value, rev);
            set(key, value);
        }

        void delete(BitcaskEngine engine, String key) {
            engine.delete(b(key), ++revision);
            remove(key);
        }

        void set(String key, byte[] value) {
            live.put(key, value);
            touched.add(key);
        }

        void remove(String key) {
            live.remove(key);
            touched.add(key);
        }

        Model copy() {
            Model copy = new Model();
            copy.live.putAll(live);
            copy.touched.addAll(touched);
            copy.revision = revision;
            return copy;
        }

        void assertHeldBy(BitcaskEngine engine) {
            assertHeldBy(engine, "");
        }

        /** Every key reads as the model says (deleted ones as absent) and a full scan is exactly the model. */
        void assertHeldBy(BitcaskEngine engine, String context) {
            String where = context.isEmpty() ? "" : " (" + context + ")";
            for (String key : touched) {
                Versioned found = engine.get(b(key));
                byte[] expected = live.get(key);
                if (expected == null) {
                    assertNull(found, "deleted or never acknowledged key " + key + " is back" + where);
                } else {
                    assertNotNull(found, "key " + key + " is missing" + where);
                    assertArrayEquals(expected, found.value(), "key " + key + " has another value" + where);
                }
            }
            List<String> scanned = new ArrayList<>();
            try (RangeCursor all = engine.scan(null, null, Integer.MAX_VALUE)) {
                while (all.hasNext()) {
                    Entry entry = all.next();
                    String key = new String(entry.key(), StandardCharsets.UTF_8);
                    scanned.add(key);
                    byte[] expected = live.get(key);
                    if (expected != null) {
                        assertArrayEquals(expected, entry.version().value(), "scan of " + key + where);
                    }
                }
            }
            if (!scanned.equals(new ArrayList<>(live.keySet()))) {
                TreeSet<String> extra = new TreeSet<>(scanned);
                extra.removeAll(live.keySet());
                TreeSet<String> missing = new TreeSet<>(live.keySet());
                scanned.forEach(missing::remove);
                fail("scan differs from the model" + where + ": extra " + first(extra) + ", missing " + first(missing));
            }
        }

        private static List<String> first(TreeSet<String> keys) {
            return keys.stream().limit(10).toList();
        }
    }

    /** A record found by walking a data file's headers (layout in {@link RecordFormat}). */
    private record RecordAt(long offset, byte[] key, int valueLength) {
        long valueOffset() {
            return offset + RecordFormat.HEADER_BYTES + key.length;
        }

        int size() {
            return RecordFormat.size(key.length, valueLength);
        }
    }

    private static List<RecordAt> records(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        List<RecordAt> records = new ArrayList<>();
        for (int at = 0; at + RecordFormat.HEADER_BYTES <= bytes.limit() && bytes.getLong(at) != 0; ) {
            int keyLength = Short.toUnsignedInt(bytes.getShort(at + RecordFormat.OFF_KEY_LEN));
            int valueLength = bytes.getInt(at + RecordFormat.OFF_VALUE_LEN);
            byte[] key = new byte[keyLength];
            bytes.get(at + RecordFormat.HEADER_BYTES, key);
            records.add(new RecordAt(at, key, valueLength));
            at += RecordFormat.size(keyLength, valueLength);
        }
        return records;
    }

    /** The file still starts with {@code before}, and anything after is zeros (space allocated ahead). */
    private static void assertUnchanged(byte[] before, Path file, String message) throws IOException {
        byte[] now = Files.readAllBytes(file);
        assertTrue(now.length >= before.length, message + ": " + file + " shrank to " + now.length);
        assertArrayEquals(before, Arrays.copyOf(now, before.length), message);
        for (int i = before.length; i < now.length; i++) {
            if (now[i] != 0) {
                fail(message + ": byte " + i + " of " + file + " changed");
            }
        }
    }

    private static void flipBit(Path file, long offset, int bit) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ (1 << bit))).rewind();
            channel.write(one, offset);
        }
    }

    private static long truncate(FileChannel channel, long size, long goodEnd) throws IOException {
        channel.truncate(size);
        return goodEnd;
    }

    /** Data files in id (replay) order. */
    private static List<Path> dataFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> FileNames.parseData(p.getFileName().toString()).isPresent())
                    .sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path activeDataFile(Path dir) {
        List<Path> files = dataFiles(dir);
        return files.get(files.size() - 1);
    }

    private static Path hintOf(Path dataFile) {
        String name = dataFile.getFileName().toString();
        return dataFile.resolveSibling(name.substring(0, name.length() - FileNames.DATA.length()) + FileNames.HINT);
    }

    private static List<String> names(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        }
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }
}
