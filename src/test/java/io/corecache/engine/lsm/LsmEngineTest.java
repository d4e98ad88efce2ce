package io.corecache.engine.lsm;

import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FaultyFileOps.Metadata;
import io.corecache.engine.FaultyFileOps.Op;
import io.corecache.engine.FileOps;
import io.corecache.engine.RangeCursor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the LSM engine adds to the contract: filters spare reads, flushes run beside writers and beside
 * compaction, stats.
 */
class LsmEngineTest {

    @TempDir
    Path dir;

    private static byte[] b(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static LsmOptions options(FileOps fileOps) {
        return LsmOptions.defaults().withMemtableBytes(64 << 10)
                .withEngine(EngineOptions.DEFAULT.withFileOps(fileOps).withDurability(Durability.NONE));
    }

    @Test
    void aMissingKeyTheFiltersRuleOutReadsNoDataBlock() {
        try (LsmEngine engine = LsmEngine.open(dir, options(FileOps.DEFAULT).withBlockCacheBytes(0).withMemtableBytes(1 << 20))) {
            for (int round = 0; round < 3; round++) {
                for (int i = round; i < 3_000; i += 3 * 2) {
                    engine.put(b(String.format("key-%05d", i)), b("value-" + i), i + 1);
                }
                engine.flush();
            }
            assertEquals(3, engine.lsmStats().levelFiles()[0], "three overlapping level-0 tables");
            int ruledOut = 0;
            for (int i = 3; i < 3_000; i += 6) { // never written, inside every table's key range
                byte[] key = b(String.format("key-%05d", i));
                boolean anyMayHold = engine.tableReaders().stream().anyMatch(t -> t.mightContain(key));
                long before = engine.dataBlocksRead();
                assertNull(engine.get(key));
                if (!anyMayHold) {
                    ruledOut++;
                    assertEquals(before, engine.dataBlocksRead(), "no data block read for " + new String(key));
                }
            }
            assertTrue(ruledOut > 400, "the filters should rule out almost all of 500 keys, got " + ruledOut);
            long before = engine.dataBlocksRead();
            assertArrayEquals(b("value-6"), engine.get(b("key-00006")).value());
            assertTrue(engine.dataBlocksRead() > before, "a key that is there is read from a data block");
        }
    }

    @Test
    void writersKeepCompletingPutsWhileAFlushRuns() throws Exception {
        FaultyFileOps faulty = new FaultyFileOps(FileOps.DEFAULT, Metadata.IMMEDIATE, 1);
        AtomicLong completed = new AtomicLong();
        CountDownLatch progressDuringFlush = new CountDownLatch(1);
        AtomicBoolean sawProgress = new AtomicBoolean();
        AtomicBoolean flushing = new AtomicBoolean();
        // The flush's table fsync waits until the writer has completed 200 more puts (or 20 s pass).
        faulty.beforeEach((op, path) -> {
            if (op == Op.SYNC && path.getFileName().toString().endsWith(LsmFiles.SST) && flushing.compareAndSet(true, false)) {
                long start = completed.get();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (completed.get() < start + 200 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                sawProgress.set(completed.get() >= start + 200);
                progressDuringFlush.countDown();
            }
        });
        try (LsmEngine engine = LsmEngine.open(dir, options(faulty))) {
            for (int i = 0; i < 100; i++) {
                engine.put(b("before-" + i), b("v"), i + 1);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> writerError = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (long i = 0; !stop.get() && i < 50_000; i++) {
                        engine.put(b("during-" + (i % 500)), b("v" + i), 1_000 + i);
                        completed.incrementAndGet();
                    }
                } catch (Throwable t) {
                    writerError.set(t);
                }
            });
            flushing.set(true);
            writer.start();
            engine.flush();
            stop.set(true);
            writer.join(30_000);
            assertTrue(progressDuringFlush.await(1, TimeUnit.SECONDS), "the flush reached its table fsync");
            assertNull(writerError.get(), "the writer failed");
            assertTrue(sawProgress.get(), "the writer completed 200 puts while the flush was writing its table");
            // At least the flush's table; the writer's puts may fill the memtable and flush again meanwhile.
            assertTrue(engine.lsmStats().levelFiles()[0] >= 1, "the flush wrote a level-0 table");
        }
    }

    @Test
    void aFlushCompletesWhileACompactionIsHeldUp() throws Exception {
        FaultyFileOps faulty = new FaultyFileOps(FileOps.DEFAULT, Metadata.IMMEDIATE, 1);
        CountDownLatch compactionStarted = new CountDownLatch(1);
        CountDownLatch releaseCompaction = new CountDownLatch(1);
        // The compactor's first table write waits (at most 30 s) until the test lets it go.
        faulty.beforeEach((op, path) -> {
            if (op == Op.CREATE && Thread.currentThread().getName().startsWith("lsm-compact")
                    && compactionStarted.getCount() > 0) {
                compactionStarted.countDown();
                try {
                    releaseCompaction.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        LsmOptions options = options(faulty).withCompaction(CompactionPolicy.DEFAULT.withLevel0CompactionTrigger(2));
        try (LsmEngine engine = LsmEngine.open(dir, options)) {
            for (int table = 0; table < 2; table++) {
                for (int i = 0; i < 100; i++) {
                    engine.put(b("key-" + i), b("v" + table), table * 100 + i + 1);
                }
                engine.flush();
            }
            assertTrue(compactionStarted.await(10, TimeUnit.SECONDS), "two level-0 tables start a compaction");
            try {
                engine.put(b("after"), b("written while compacting"), 1_000);
                engine.flush(); // would wait for the compaction if the two shared a thread
                assertEquals(3, engine.lsmStats().levelFiles()[0], "the new table joined level 0 meanwhile");
            } finally {
                releaseCompaction.countDown();
            }
            for (int attempt = 0; attempt < 1_000 && engine.lsmStats().levelFiles()[0] > 1; attempt++) {
                Thread.sleep(10);
            }
            LsmStats stats = engine.lsmStats();
            assertEquals(1, stats.levelFiles()[0], "the compaction finished and left the newest table: " + stats);
            assertTrue(stats.levelFiles()[1] >= 1, "its output is in level 1: " + stats);
            assertArrayEquals(b("v1"), engine.get(b("key-7")).value());
            assertArrayEquals(b("written while compacting"), engine.get(b("after")).value());
        }
    }

    @Test
    void aScanKeepsItsTablesWhileMemtablesAreFlushedUnderIt() {
        try (LsmEngine engine = LsmEngine.open(dir, options(FileOps.DEFAULT))) {
            for (int i = 0; i < 200; i++) {
                engine.put(b(String.format("k%03d", i)), b("old"), i + 1);
            }
            engine.flush();
            for (int i = 0; i < 200; i += 2) {
                engine.put(b(String.format("k%03d", i)), b("mid"), 300 + i);
            }
            try (RangeCursor cursor = engine.scan(null, null, Integer.MAX_VALUE)) {
                for (int i = 0; i < 200; i++) {
                    engine.delete(b(String.format("k%03d", i)), 1_000 + i);
                }
                engine.flush();
                int seen = 0;
                while (cursor.hasNext()) {
                    String value = new String(cursor.next().version().value(), StandardCharsets.UTF_8);
                    assertEquals(seen % 2 == 0 ? "mid" : "old", value);
                    seen++;
                }
                assertEquals(200, seen);
            }
            assertTrue(!engine.scan(null, null, 10).hasNext(), "everything is deleted now");
        }
    }

    @Test
    void statsCountTablesFlushesAndLiveKeys() {
        try (LsmEngine engine = LsmEngine.open(dir, options(FileOps.DEFAULT))) {
            for (int i = 0; i < 100; i++) {
                engine.put(b("k" + i), b("v"), i + 1);
            }
            engine.flush();
            engine.put(b("extra"), b("v"), 101);
            LsmStats lsm = engine.lsmStats();
            assertEquals(1, lsm.levelFiles()[0]);
            assertTrue(lsm.flushBytes() > 0 && lsm.flushBytes() == lsm.levelBytes()[0], lsm.toString());
            assertEquals(101, engine.stats().liveKeys());
            assertEquals(1, engine.stats().files());
            assertEquals(101, engine.stats().appliedRevision());
        }
    }
}
