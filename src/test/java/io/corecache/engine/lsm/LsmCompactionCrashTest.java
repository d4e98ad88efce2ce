package io.corecache.engine.lsm;

import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FaultyFileOps.LostWrites;
import io.corecache.engine.FaultyFileOps.Metadata;
import io.corecache.engine.FaultyFileOps.Op;
import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;
import io.corecache.engine.lsm.LsmFaultFixtures.CountingHook;
import io.corecache.engine.lsm.LsmFaultFixtures.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.corecache.engine.lsm.LsmFaultFixtures.abandon;
import static io.corecache.engine.lsm.LsmFaultFixtures.await;
import static io.corecache.engine.lsm.LsmFaultFixtures.awaitCompactions;
import static io.corecache.engine.lsm.LsmFaultFixtures.copy;
import static io.corecache.engine.lsm.LsmFaultFixtures.options;
import static io.corecache.engine.lsm.LsmFaultFixtures.tables;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Power losses and failed writes or fsyncs during compactions the engine runs on its own: after a
 * {@code flush()} level 0 reaches its trigger, the compactor compacts it into level 1 (whose tables meet it)
 * and level 1, over its target, on into level 2. A crash before each file operation of that work in turn
 * (reading inputs, writing and fsyncing outputs, the directory fsync, the manifest append and fsync,
 * deleting the inputs), then a reopen on a healthy disk: every acknowledged write reads back with its
 * latest value, deleted keys stay deleted (no tombstone dropped while an older version survives), a full
 * scan is ordered and complete, no table outside the manifest is left, and the engine writes, flushes and
 * compacts again.
 */
class LsmCompactionCrashTest {

    private static final int KEYS = 100;

    @TempDir
    Path tmp;

    /**
     * A directory with tables on levels 0, 1 and 2 holding overwritten and deleted keys, closed cleanly, and
     * the model of what it holds. One more flush puts a second table on level 0 and starts a compaction.
     */
    private Model prepare(Path dir) {
        Model model = new Model();
        try (LsmEngine engine = LsmEngine.open(dir, options(FileOps.CHANNELS))) {
            model.round(engine, 0, KEYS, 0, 1);
            engine.flush();
            model.round(engine, 1, KEYS, 0, 2);
            engine.flush();
            awaitCompactions(engine);
            model.round(engine, 2, KEYS, 1, 3);
            engine.flush();
            LsmStats stats = engine.lsmStats();
            assertEquals(1, stats.levelFiles()[0], stats.toString());
            assertTrue(stats.levelFiles()[1] > 0 && stats.levelFiles()[2] > 0, "tables on levels 1 and 2: " + stats);
            model.check(engine, "the prepared directory");
        }
        return model;
    }

    /**
     * Counting starts at the compaction's first file operation, opening its first input, and counts only
     * the compactor thread's operations, not those of the test's own calls or of the flusher.
     */
    private static boolean opensAnInput(Op op, Path path) {
        return onTheCompactorThread() && op == Op.OPEN_READ && path.getFileName().toString().endsWith(LsmFiles.SST);
    }

    private static boolean onTheCompactorThread() {
        return Thread.currentThread().getName().startsWith("lsm-compact-");
    }

    /**
     * Metadata is durable only at a directory fsync (the harsher model: a created, renamed or deleted name
     * may be undone by the crash); what the crash does to unsynced bytes varies from step to step.
     */
    @Test
    void aCrashAtAnyFileOperationOfACompactionLosesNothing() {
        Metadata metadata = Metadata.ON_DIRECTORY_SYNC;
        Path base = tmp.resolve("base");
        Model prepared = prepare(base);
        int step = 1;
        boolean finished = false;
        while (!finished) {
            assertTrue(step < 500, "the compactions should take far fewer file operations");
            Path dir = tmp.resolve(metadata + "-step-" + step);
            copy(base, dir);
            Model model = prepared.copy();
            LostWrites lost = LostWrites.values()[step % LostWrites.values().length];
            FaultyFileOps faulty = new FaultyFileOps(FileOps.CHANNELS, metadata, step); // sees the copy as durable
            CountingHook hook = new CountingHook(faulty, step, lost, true, LsmCompactionCrashTest::opensAnInput);
            faulty.beforeEach(hook);
            LsmEngine engine = LsmEngine.open(dir, options(faulty));
            model.round(engine, 3, KEYS, 1, 2);
            hook.primed = true;
            try {
                engine.flush(); // returns once the table is installed; compaction follows on the compactor thread
            } catch (StorageException e) {
                // the flush succeeded, but the compaction's crash may fail the engine before flush() returns
                assertTrue(faulty.crashed(), "only the crash fails: " + e);
            }
            awaitCompactions(engine, faulty::crashed);
            assertTrue(faulty.crashed() || engine.lsmStats().compactionBytes() > 0, "the step compacted");
            abandon(engine); // waits for the compactor: the last compaction's deletions may still be running
            String where = "crash (" + lost + ") before operation " + step + " of the compaction: " + hook.fired();
            if (!faulty.crashed()) {
                finished = true;
                faulty.crash(lost); // the power goes just after: the deletions were never made durable
            }

            try (LsmEngine reopened = LsmEngine.open(dir, options(FileOps.CHANNELS))) {
                model.check(reopened, where);
                assertNoStrayTables(reopened, dir, where);
                model.round(reopened, 4, KEYS, 0, 3); // and it goes on: writes, flushes, compacts
                reopened.flush();
                awaitCompactions(reopened);
                model.check(reopened, where + ", then a round of writes and a compaction");
            }
            try (LsmEngine again = LsmEngine.open(dir, options(FileOps.CHANNELS))) {
                model.check(again, where + ", reopened once more");
                assertNoStrayTables(again, dir, where);
            }
            step++;
        }
        assertTrue(step > 30, "the compactions should have been cut at many points, got " + step);
    }

    /**
     * A write or fsync that fails during a compaction (no crash) fails the engine, as a failed flush does:
     * writes are refused until a reopen, reads go on, outputs of the failed compaction are removed, and the
     * reopened engine compacts at its next flush. Nothing acknowledged is lost either way, including when
     * the manifest fsync failed after its append (the reopened engine may then find the edit applied).
     */
    @ParameterizedTest(name = "{0} of {1}")
    @CsvSource({"SYNC, .sst", "APPEND, .sst", "CREATE, .sst", "SYNC_DIRECTORY, ''", "APPEND, MANIFEST-",
            "SYNC, MANIFEST-"})
    void aFailedWriteOrFsyncDuringACompactionFailsTheEngineAndLosesNothing(Op op, String name) {
        Path dir = tmp.resolve("dir");
        Model model = prepare(dir);
        FaultyFileOps faulty = new FaultyFileOps(FileOps.CHANNELS, Metadata.ON_DIRECTORY_SYNC, 1);
        AtomicBoolean compacting = new AtomicBoolean();
        CountingHook hook = new CountingHook(faulty, 1, LostWrites.CUT, false, (o, path) -> {
            compacting.compareAndSet(false, opensAnInput(o, path));
            return compacting.get() && onTheCompactorThread() && o == op && path.getFileName().toString().contains(name);
        });
        faulty.beforeEach(hook);
        LsmEngine engine = LsmEngine.open(dir, options(faulty));
        try {
            model.round(engine, 3, KEYS, 1, 2);
            hook.primed = true;
            try {
                engine.flush();
            } catch (StorageException e) {
                assertTrue(hook.fired() != null, "only the injected failure fails: " + e);
            }
            await(() -> hook.fired() != null, "the compaction reaching " + op + " of " + name);
            await(() -> refusesWrites(engine), "the engine failing");
            StorageException refused = assertThrows(StorageException.class,
                    () -> engine.put(LsmFaultFixtures.b("later"), LsmFaultFixtures.b("x"), model.revision() + 1));
            assertTrue(mentions(refused, "injected failure of " + op), "the cause is kept: " + refused);
            model.check(engine, "reads after the failed compaction");
        } finally {
            abandon(engine);
        }
        try (LsmEngine reopened = LsmEngine.open(dir, options(FileOps.CHANNELS))) {
            model.check(reopened, "reopened after a failed " + op + " of " + name);
            assertNoStrayTables(reopened, dir, "after a failed " + op);
            model.round(reopened, 4, KEYS, 0, 3);
            reopened.flush();
            awaitCompactions(reopened);
            assertTrue(reopened.lsmStats().compactionBytes() > 0, "the reopened engine compacts");
            model.check(reopened, "and after compacting again");
        }
    }

    private static boolean mentions(Throwable e, String text) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains(text)) {
                return true;
            }
        }
        return false;
    }

    private static boolean refusesWrites(LsmEngine engine) {
        try {
            engine.flush(); // the memtable is empty: nothing happens unless the engine has failed
            return false;
        } catch (StorageException e) {
            return true;
        }
    }

    /**
     * Every table file on disk is one the manifest names (crash leftovers are deleted at open). The
     * reopened engine may be compacting (its compactor starts at open), so this waits out the compactions
     * and the deletion of their inputs first.
     */
    private static void assertNoStrayTables(LsmEngine engine, Path dir, String where) {
        awaitCompactions(engine);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (named(engine) != tables(dir).size() && System.nanoTime() < deadline) {
            LsmFaultFixtures.sleepMillis(1);
        }
        assertEquals(named(engine), tables(dir).size(), where + ": tables on disk " + tables(dir));
    }

    private static int named(LsmEngine engine) {
        return Arrays.stream(engine.lsmStats().levelFiles()).sum();
    }
}
