package io.corecache.engine.bitcask;

import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FaultyFileOps.Op;
import io.corecache.engine.StorageException;
import io.corecache.engine.Versioned;
import io.corecache.engine.WriteBatch;
import io.corecache.engine.bitcask.FaultScenarios.Model;
import io.corecache.engine.bitcask.FaultScenarios.Write;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static io.corecache.engine.bitcask.FaultScenarios.DATA;
import static io.corecache.engine.bitcask.FaultScenarios.abandon;
import static io.corecache.engine.bitcask.FaultScenarios.b;
import static io.corecache.engine.bitcask.FaultScenarios.key;
import static io.corecache.engine.bitcask.FaultScenarios.names;
import static io.corecache.engine.bitcask.FaultScenarios.open;
import static io.corecache.engine.bitcask.FaultScenarios.randomWrites;
import static io.corecache.engine.bitcask.FaultScenarios.reopen;
import static io.corecache.engine.bitcask.FaultScenarios.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes whose fsync or append fails, injected with {@link FaultyFileOps}, under each durability (sync, none,
 * interval): the write fails, later writes are refused until the store is reopened, reads still serve what
 * was acknowledged, a power loss afterwards loses only the failed write, and an unexpected error while
 * appending fails its write without hanging the writers queued behind it.
 */
class BitcaskFailedWriteTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(value = Op.class, names = {"SYNC", "APPEND"})
    void aFailedFsyncOrWriteFailsThatPutAndRefusesWritesUntilReopened(Op failing) {
        Path dir = tmp.resolve("db");
        FaultyFileOps faulty = new FaultyFileOps();
        BitcaskEngine engine = open(dir, faulty, Durability.SYNC);
        Model model = new Model();
        for (int i = 0; i < 200; i++) {
            model.put(engine, key(i), 100);
        }
        faulty.failAt(failing, DATA, 1);

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
    void aFailedBackgroundFsyncWithDurabilityIntervalRefusesLaterWrites() throws Exception {
        Path dir = tmp.resolve("db");
        FaultyFileOps faulty = new FaultyFileOps();
        BitcaskEngine engine = BitcaskEngine.open(dir, BitcaskOptions.defaults()
                .withEngine(EngineOptions.DEFAULT.withFileOps(faulty).withDurability(Durability.INTERVAL)
                        .withSyncInterval(Duration.ofMillis(5)))
                .withMergeCheckEvery(Duration.ZERO));
        Model model = new Model();
        for (int i = 0; i < 100; i++) {
            model.put(engine, key(i), 100);
        }
        engine.sync();
        faulty.failSyncs(1, DATA);
        model.put(engine, "unsynced", 100); // gives the background fsync something to do
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (faulty.faultsInjected() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(1, faulty.faultsInjected(), "the background fsync should have run and failed");
        StorageException refused = null;
        for (int i = 0; i < 100 && refused == null; i++) { // the failure is recorded just after the fsync throws
            try {
                engine.put(b("later"), b("x"), 5_000 + i);
                model.set("later", b("x")); // accepted before the failure was recorded: it must be there
                Thread.sleep(5);
            } catch (StorageException e) {
                refused = e;
            }
        }
        assertNotNull(refused, "writes after a failed background fsync are refused");
        model.assertHeldBy(engine);
        faulty.crash();
        abandon(engine);
        try (BitcaskEngine reopened = reopen(dir)) {
            assertTrue(reopened.appliedRevision() >= 100, "everything before the explicit sync survives");
        }
    }

    /**
     * Appending through a memory mapping to a sparse file when the disk is full raises SIGBUS, which the JVM
     * turns into an {@link InternalError} in the writing thread: not an IOException. The write must fail,
     * and the writers queued behind it must not wait forever.
     */
    @Test
    void anUnexpectedErrorWhileAppendingDoesNotHangLaterWriters() {
        Path dir = tmp.resolve("db");
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        FaultyFileOps faulty = new FaultyFileOps().beforeEach((op, path) -> {
            if (op == Op.APPEND && DATA.test(path) && armed.getAndSet(false)) {
                throw new InternalError("a fault occurred in an unsafe memory access operation (simulated)");
            }
        });
        BitcaskEngine engine = open(dir, faulty, Durability.SYNC);
        Model model = new Model();
        for (int i = 0; i < 10; i++) {
            model.put(engine, key(i), 100);
        }
        armed.set(true);
        assertThrows(Throwable.class, () -> engine.put(b("disk-full"), b("x"), 100));
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try {
                engine.put(b("next"), b("y"), 101);
            } catch (StorageException refused) {
                // refusing is fine; hanging is not
            }
        }, "a write after the failed one hangs");
        model.assertHeldBy(engine);
        abandon(engine);
    }
}
