package io.corecache.engine.lsm;

import io.corecache.engine.Durability;
import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FaultyFileOps.Op;
import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The log writer: positions, group commit (concurrent callers share fsyncs), the three durability modes,
 * and failure (a failed append or fsync fails the writer for good).
 */
class WalWriterTest {

    private static final Predicate<Path> WAL = FaultyFileOps.nameEndsWith(LsmFiles.WAL);

    @TempDir
    Path tmp;

    private final WalTestData data = new WalTestData(99);

    @Test
    void appendReturnsTheLogPositionAfterTheRecord() {
        Path file = tmp.resolve(LsmFiles.wal(1));
        try (WalWriter writer = WalWriter.create(file, WalTestData.options(FileOps.DEFAULT, Durability.SYNC))) {
            long expected = 0;
            for (WalRecord record : data.batches(20, 5)) {
                expected += WalFormat.frameSize(record);
                assertEquals(expected, writer.append(record));
                assertEquals(expected, writer.position());
            }
        }
    }

    @Test
    void aRecordSyncedUpToSurvivesACrashAndSoDoesItsNewFile() throws Exception {
        FaultyFileOps faulty = new FaultyFileOps();
        faulty.syncDirectory(tmp); // from here on, a file created in tmp is durable only once tmp is synced
        Path file = tmp.resolve(LsmFiles.wal(1));
        WalRecord record = data.nextBatch(3);
        WalWriter writer = WalWriter.create(file, WalTestData.options(faulty, Durability.SYNC));
        writer.syncUpTo(writer.append(record));
        assertEquals(writer.position(), writer.syncedPosition());
        faulty.crash();

        assertEquals(List.of(record), WalTestData.replayAll(file));
    }

    @Test
    void syncingAnAlreadySyncedPositionReturnsWithoutAnFsync() throws Exception {
        FaultyFileOps faulty = new FaultyFileOps();
        Path file = tmp.resolve(LsmFiles.wal(1));
        try (WalWriter writer = WalWriter.create(file, WalTestData.options(faulty, Durability.SYNC))) {
            long first = writer.append(data.nextBatch(2));
            long second = writer.append(data.nextBatch(2));
            writer.syncUpTo(second);
            assertEquals(1, faulty.count(Op.SYNC, WAL));
            writer.syncUpTo(first);
            writer.syncUpTo(second);
            assertEquals(1, faulty.count(Op.SYNC, WAL), "both positions were covered by the first fsync");
            assertEquals(0, faulty.unsyncedBytes(file));
            assertThrows(IllegalArgumentException.class, () -> writer.syncUpTo(second + 1));
        }
    }

    /**
     * Many writers append (under their own lock, in order, as the engine does) and each waits for its own
     * record to be durable. On a slow disk, writers pile up behind an fsync and the next one covers them
     * all: far fewer fsyncs than writes, and every acknowledged record survives a power loss.
     */
    @Test
    void concurrentWritersShareFsyncs() throws Exception {
        // A slow disk (20 ms per fsync), so writers queue behind every fsync even on a loaded machine.
        FaultyFileOps faulty = new FaultyFileOps().syncLatency(Duration.ofMillis(20));
        faulty.syncDirectory(tmp); // so the log's own creation must be made durable too
        Path file = tmp.resolve(LsmFiles.wal(1));
        WalWriter writer = WalWriter.create(file, WalTestData.options(faulty, Durability.SYNC));
        int threads = 8;
        int perThread = 25;
        Object engineLock = new Object();
        List<WalRecord> acknowledged = Collections.synchronizedList(new ArrayList<>());
        List<WalRecord> inLogOrder = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    WalRecord record;
                    long end;
                    synchronized (engineLock) {
                        record = data.nextBatch(3);
                        end = writer.append(record);
                        inLogOrder.add(record);
                    }
                    writer.syncUpTo(end);
                    assertTrue(writer.syncedPosition() >= end, "returned before its record was synced");
                    acknowledged.add(record);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        long writes = (long) threads * perThread;
        long fsyncs = faulty.count(Op.SYNC, WAL);
        // About one fsync per seven writes here; one per write if nobody shared.
        assertTrue(fsyncs < writes / 2, fsyncs + " fsyncs for " + writes + " acknowledged writes");
        assertEquals(writes, acknowledged.size());

        faulty.crash();
        assertEquals(inLogOrder, WalTestData.replayAll(file), "every acknowledged write survives, in order");
    }

    /**
     * While one caller's fsync is in flight, five more append and wait. When it ends, one of them fsyncs
     * everything appended so far and all five return: two fsyncs for six callers, whichever leads.
     */
    @Test
    void callersQueuedBehindAnFsyncAreAllCoveredByTheNextOne() throws Exception {
        CountDownLatch firstFsyncStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstFsync = new CountDownLatch(1);
        FaultyFileOps faulty = new FaultyFileOps().beforeEach((op, path) -> {
            if (op == Op.SYNC && firstFsyncStarted.getCount() > 0) {
                firstFsyncStarted.countDown();
                await(releaseFirstFsync);
            }
        });
        Path file = tmp.resolve(LsmFiles.wal(1));
        WalWriter writer = WalWriter.create(file, WalTestData.options(faulty, Durability.SYNC));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        long firstEnd = writer.append(data.nextBatch(2));
        List<Future<?>> callers = new ArrayList<>();
        callers.add(pool.submit(() -> writer.syncUpTo(firstEnd)));
        assertTrue(firstFsyncStarted.await(10, TimeUnit.SECONDS));
        List<Thread> waiting = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 5; i++) {
            long end = writer.append(data.nextBatch(2));
            callers.add(pool.submit(() -> {
                waiting.add(Thread.currentThread());
                writer.syncUpTo(end);
            }));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((waiting.size() < 5 || waiting.stream().anyMatch(t -> t.getState() != Thread.State.WAITING))
                && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(1, faulty.count(Op.SYNC, WAL), "the five wait for the fsync in flight");
        releaseFirstFsync.countDown();
        for (Future<?> f : callers) {
            f.get(10, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(2, faulty.count(Op.SYNC, WAL));
        assertEquals(writer.position(), writer.syncedPosition());
        writer.close();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void intervalModeFsyncsInTheBackgroundOnlyWhenThereIsSomethingToSync() throws Exception {
        FaultyFileOps faulty = new FaultyFileOps();
        Path file = tmp.resolve(LsmFiles.wal(0xabc)); // a name no other test's thread has
        WalWriter writer = WalWriter.create(file,
                WalTestData.options(faulty, Durability.INTERVAL).withSyncInterval(Duration.ofMillis(10)));
        Thread.sleep(80);
        assertEquals(0, faulty.count(Op.SYNC, WAL), "nothing appended, nothing to fsync");
        assertTrue(backgroundThreadRunning(file), "the interval thread runs");

        WalRecord record = data.nextBatch(3);
        long end = writer.append(record);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (writer.syncedPosition() < end && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(end, writer.syncedPosition(), "the background thread fsynced the record");
        assertEquals(0, faulty.unsyncedBytes(file));
        long fsyncs = faulty.count(Op.SYNC, WAL);
        Thread.sleep(60);
        assertEquals(fsyncs, faulty.count(Op.SYNC, WAL), "no more fsyncs once everything is synced");

        writer.close();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (backgroundThreadRunning(file) && System.nanoTime() < deadline) {
            Thread.sleep(5); // the pool has terminated; its thread may take a moment to exit
        }
        assertFalse(backgroundThreadRunning(file), "close stops the interval thread");
        faulty.crash();
        assertEquals(List.of(record), WalTestData.replayAll(file));
    }

    @Test
    void noneModeFsyncsOnlyOnClose() throws Exception {
        FaultyFileOps faulty = new FaultyFileOps();
        Path file = tmp.resolve(LsmFiles.wal(1));
        WalWriter writer = WalWriter.create(file,
                WalTestData.options(faulty, Durability.NONE).withSyncInterval(Duration.ofMillis(10)));
        List<WalRecord> records = data.batches(10, 3);
        records.forEach(writer::append);
        Thread.sleep(60);
        assertEquals(0, faulty.count(Op.SYNC, WAL));
        assertTrue(faulty.unsyncedBytes(file) > 0);
        assertFalse(backgroundThreadRunning(file));

        writer.close();
        assertEquals(1, faulty.count(Op.SYNC, WAL));
        faulty.crash();
        assertEquals(records, WalTestData.replayAll(file));
    }

    @Test
    void aFailedFsyncFailsTheWriterForGood() {
        FaultyFileOps faulty = new FaultyFileOps().failSyncs(1, WAL);
        Path file = tmp.resolve(LsmFiles.wal(1));
        WalWriter writer = WalWriter.create(file, WalTestData.options(faulty, Durability.SYNC));
        long end = writer.append(data.nextBatch(2));

        StorageException failed = assertThrows(StorageException.class, () -> writer.syncUpTo(end));
        assertTrue(failed.getMessage().contains(file.toString()), failed.getMessage());
        // The disk works again, but what the failed fsync kept is unknown: nothing more is accepted.
        assertThrows(StorageException.class, () -> writer.append(data.nextBatch(2)));
        assertThrows(StorageException.class, () -> writer.syncUpTo(end));
        assertThrows(StorageException.class, () -> writer.syncUpTo(0));
        assertEquals(1, faulty.count(Op.APPEND, WAL), "the refused append never reached the file");
        assertDoesNotThrow(writer::close, "closing a failed writer releases it without failing again");
        assertEquals(1, faulty.count(Op.SYNC, WAL), "no fsync after the failure, not even on close");
    }

    @Test
    void aFailedAppendFailsTheWriterForGood() {
        FaultyFileOps faulty = new FaultyFileOps().failAt(Op.APPEND, WAL, 3);
        Path file = tmp.resolve(LsmFiles.wal(1));
        WalWriter writer = WalWriter.create(file, WalTestData.options(faulty, Durability.SYNC));
        writer.append(data.nextBatch(2));
        long second = writer.append(data.nextBatch(2));

        assertThrows(StorageException.class, () -> writer.append(data.nextBatch(2)));
        assertEquals(second, writer.position(), "the failed record is not counted");
        assertThrows(StorageException.class, () -> writer.append(data.nextBatch(2)));
        assertThrows(StorageException.class, () -> writer.syncUpTo(second));
        assertEquals(3, faulty.count(Op.APPEND, WAL));
        writer.close();
    }

    @Test
    void aClosedWriterRefusesCallsAndClosingTwiceDoesNothing() {
        Path file = tmp.resolve(LsmFiles.wal(1));
        WalWriter writer = WalWriter.create(file, WalTestData.options(FileOps.DEFAULT, Durability.SYNC));
        long end = writer.append(data.nextBatch(2));
        writer.close();
        assertDoesNotThrow(writer::close);
        assertThrows(StorageException.class, () -> writer.append(data.nextBatch(2)));
        assertThrows(StorageException.class, () -> writer.syncUpTo(end));
    }

    @Test
    void creatingALogThatExistsFails() {
        Path file = tmp.resolve(LsmFiles.wal(1));
        WalWriter.create(file, WalTestData.options(FileOps.DEFAULT, Durability.SYNC)).close();
        assertThrows(StorageException.class,
                () -> WalWriter.create(file, WalTestData.options(FileOps.DEFAULT, Durability.SYNC)));
    }

    private static boolean backgroundThreadRunning(Path file) {
        String name = "wal-sync-" + file.getFileName();
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(name) && t.isAlive() && t.isDaemon());
    }
}
