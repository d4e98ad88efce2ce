package io.corecache.engine.bitcask;

import io.corecache.engine.Durability;
import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FaultyFileOps.Metadata;
import io.corecache.engine.FaultyFileOps.Op;
import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;
import io.corecache.engine.bitcask.FaultScenarios.Model;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static io.corecache.engine.bitcask.FaultScenarios.DATA;
import static io.corecache.engine.bitcask.FaultScenarios.HINT;
import static io.corecache.engine.bitcask.FaultScenarios.MERGING_DATA;
import static io.corecache.engine.bitcask.FaultScenarios.MERGING_HINT;
import static io.corecache.engine.bitcask.FaultScenarios.abandon;
import static io.corecache.engine.bitcask.FaultScenarios.b;
import static io.corecache.engine.bitcask.FaultScenarios.dataFiles;
import static io.corecache.engine.bitcask.FaultScenarios.key;
import static io.corecache.engine.bitcask.FaultScenarios.open;
import static io.corecache.engine.bitcask.FaultScenarios.reopen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Merges interrupted at every point (creating, writing, syncing and renaming outputs and their hints, deleting
 * inputs, syncing the directory), by a power loss or an I/O error injected with {@link FaultyFileOps}: the
 * store reads exactly as before, and after more writes and a second merge no deleted key comes back.
 */
class BitcaskInterruptedMergeTest {

    @TempDir
    Path tmp;

    /**
     * A point in a merge where it is interrupted: the nth call of an operation on matching files. The
     * fixture's merge writes two outputs; it flushes them when it moves its first 4096 keys to them (the
     * first two appends) and once more at the end (the third append, after keys already point at them).
     */
    enum MergePoint {
        CREATE_FIRST_OUTPUT(Op.CREATE, MERGING_DATA, 1),
        FIRST_OUTPUT_APPEND(Op.APPEND, MERGING_DATA, 1),
        APPEND_AFTER_KEYS_MOVED_TO_OUTPUTS(Op.APPEND, MERGING_DATA, 3),
        FIRST_OUTPUT_FSYNC(Op.SYNC, MERGING_DATA, 1),
        SECOND_OUTPUT_FSYNC(Op.SYNC, MERGING_DATA, 2),
        CREATE_OUTPUT_HINT(Op.CREATE, MERGING_HINT, 1),
        RENAME_OUTPUT_HINT(Op.RENAME, MERGING_HINT, 1),
        RENAME_FIRST_OUTPUT(Op.RENAME, MERGING_DATA, 1),
        RENAME_SECOND_OUTPUT(Op.RENAME, MERGING_DATA, 2),
        SYNC_DIRECTORY_AFTER_RENAMES(Op.SYNC_DIRECTORY, path -> true, 1, Op.RENAME, MERGING_DATA),
        DELETE_FIRST_INPUT_HINT(Op.DELETE, HINT, 1),
        DELETE_FIRST_INPUT(Op.DELETE, DATA, 1),
        DELETE_SECOND_INPUT(Op.DELETE, DATA, 2),
        DELETE_THIRD_INPUT(Op.DELETE, DATA, 3),
        SYNC_DIRECTORY_AFTER_DELETES(Op.SYNC_DIRECTORY, path -> true, 1, Op.DELETE, DATA);

        final Op op;
        final Predicate<Path> which;
        final int nth;
        /** Counting starts after the first call of this (a directory sync is only told apart by its turn). */
        final Op after;
        final Predicate<Path> afterWhich;

        MergePoint(Op op, Predicate<Path> which, int nth) {
            this(op, which, nth, null, null);
        }

        MergePoint(Op op, Predicate<Path> which, int nth, Op after, Predicate<Path> afterWhich) {
            this.op = op;
            this.which = which;
            this.nth = nth;
            this.after = after;
            this.afterWhich = afterWhich;
        }

        /** Makes {@code faulty} interrupt the merge here, as {@code arm} says (crash or fail). */
        void arm(FaultyFileOps faulty, Runnable arm) {
            if (after == null) {
                arm.run();
                return;
            }
            java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
            faulty.beforeEach((candidate, path) -> {
                if (candidate == after && afterWhich.test(path) && armed.compareAndSet(false, true)) {
                    arm.run();
                }
            });
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
        point.arm(faulty, () -> {
            if (how == Interruption.IO_ERROR) {
                faulty.failAt(point.op, point.which, point.nth);
            } else {
                faulty.crashAt(point.op, point.which, point.nth);
            }
        });

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

    // ------------------------------------------------------------------------------------------- regressions

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

    // ----------------------------------------------------------------------------------------------- helpers

    private static void copyDirectory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }
}
