package io.corecache.engine.bitcask;

import io.corecache.engine.Durability;
import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FaultyFileOps.Metadata;
import io.corecache.engine.FaultyFileOps.Op;
import io.corecache.engine.StorageException;
import io.corecache.engine.bitcask.FaultScenarios.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static io.corecache.engine.bitcask.FaultScenarios.DATA;
import static io.corecache.engine.bitcask.FaultScenarios.MERGING_HINT;
import static io.corecache.engine.bitcask.FaultScenarios.abandon;
import static io.corecache.engine.bitcask.FaultScenarios.b;
import static io.corecache.engine.bitcask.FaultScenarios.key;
import static io.corecache.engine.bitcask.FaultScenarios.names;
import static io.corecache.engine.bitcask.FaultScenarios.open;
import static io.corecache.engine.bitcask.FaultScenarios.reopen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults while rolling over to a new data file, injected with {@link FaultyFileOps}: a power loss at each
 * step (creating the next file, syncing the directory, writing and renaming the sealed file's hint file)
 * keeps every acknowledged write; a failed rollover fails only the write that needed it; failing hint-file
 * fsyncs do not fail the engine, and the next open removes the unfinished hint files.
 */
class BitcaskRolloverFaultTest {

    @TempDir
    Path tmp;

    /** A step of rolling over to a new data file, where the power fails. */
    enum RolloverPoint {
        CREATE_NEXT_DATA_FILE(Op.CREATE, DATA),
        SYNC_DIRECTORY_FOR_IT(Op.SYNC_DIRECTORY, path -> true),
        CREATE_HINT_OF_SEALED_FILE(Op.CREATE, MERGING_HINT),
        RENAME_HINT_OF_SEALED_FILE(Op.RENAME, MERGING_HINT);

        final Op op;
        final Predicate<Path> which;

        RolloverPoint(Op op, Predicate<Path> which) {
            this.op = op;
            this.which = which;
        }
    }

    static Stream<Arguments> rolloverCrashes() {
        return Stream.of(RolloverPoint.values())
                .flatMap(point -> Stream.of(Metadata.values()).map(metadata -> Arguments.of(point, metadata)));
    }

    @ParameterizedTest(name = "{0}, metadata durable {1}")
    @MethodSource("rolloverCrashes")
    void aPowerLossDuringARolloverKeepsEveryAcknowledgedWrite(RolloverPoint point, Metadata metadata) {
        Path dir = tmp.resolve("db");
        FaultyFileOps faulty = new FaultyFileOps(metadata, 1);
        BitcaskEngine engine = open(dir, faulty, Durability.SYNC);
        faulty.crashAt(point.op, point.which, 1); // after open: the first such call belongs to the rollover
        Model model = new Model();
        for (int i = 0; i < 5_000 && !faulty.crashed(); i++) {
            try {
                model.put(engine, key(i), 1_000);
            } catch (StorageException e) {
                model.revision--; // counted by Model.put before the engine refused it
                break;
            }
        }
        assertTrue(faulty.crashed(), "the rollover should reach " + point);
        abandon(engine);
        try (BitcaskEngine reopened = reopen(dir)) {
            model.assertHeldBy(reopened);
            assertEquals(model.revision, reopened.appliedRevision());
            for (int i = 0; i < 1_200; i++) { // and it rolls over again
                model.put(reopened, "more-" + i, 1_000);
            }
        }
        try (BitcaskEngine reopened = reopen(dir)) {
            model.assertHeldBy(reopened);
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
}
