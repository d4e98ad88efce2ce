package io.corecache.engine.lsm;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FaultyFileOps.LostWrites;
import io.corecache.engine.FaultyFileOps.Metadata;
import io.corecache.engine.FaultyFileOps.Op;
import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;
import io.corecache.engine.Versioned;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Power losses (FaultyFileOps) while writing and while flushing, and damaged write-ahead logs: what was
 * acknowledged survives, what a crash cut short is dropped whole, damage that is not a torn tail stops the
 * engine from opening.
 */
class LsmCrashTest {

    @TempDir
    Path dir;

    private static LsmOptions options(FileOps fileOps, Durability durability) {
        return LsmOptions.defaults().withMemtableBytes(16 << 10).withBlockCacheBytes(1 << 20)
                .withEngine(EngineOptions.DEFAULT.withFileOps(fileOps).withDurability(durability));
    }

    private static byte[] b(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void abandon(LsmEngine engine) {
        try {
            engine.close();
        } catch (StorageException expected) {
            // its files went with the power
        }
    }

    @ParameterizedTest
    @EnumSource(LostWrites.class)
    void syncWritesAcknowledgedBeforeACrashSurviveIt(LostWrites lost) {
        for (int crashAt : new int[] {1, 37, 150, 400}) {
            Path sub = dir.resolve(lost + "-" + crashAt);
            FaultyFileOps faulty = new FaultyFileOps(FileOps.CHANNELS, Metadata.ON_DIRECTORY_SYNC, crashAt);
            LsmEngine engine = LsmEngine.open(sub, options(faulty, Durability.SYNC));
            // Crash before the nth log append: flushes of 16 KiB memtables run meanwhile.
            faulty.beforeEach(new CrashAt(faulty, Op.APPEND, ".wal", crashAt, lost));
            TreeMap<String, String> acknowledged = new TreeMap<>();
            int written = 0;
            try {
                for (int i = 0; i < 1_000; i++) {
                    String key = "key-" + (i * 7 % 300);
                    if (i % 10 == 9) {
                        engine.delete(b(key), i + 1);
                        acknowledged.remove(key);
                    } else {
                        engine.put(b(key), b("value-" + i + "-" + "x".repeat(i % 50)), i + 1);
                        acknowledged.put(key, "value-" + i + "-" + "x".repeat(i % 50));
                    }
                    written = i + 1;
                }
            } catch (StorageException expected) {
                // the crash
            }
            assertTrue(faulty.crashed(), "the crash happened at append " + crashAt);
            abandon(engine);
            try (LsmEngine reopened = LsmEngine.open(sub, options(FileOps.CHANNELS, Durability.SYNC))) {
                for (int k = 0; k < 300; k++) {
                    String key = "key-" + k;
                    Versioned v = reopened.get(b(key));
                    String expected = acknowledged.get(key);
                    if (expected == null) {
                        assertNull(v, key + " was deleted or never written, crash at append " + crashAt);
                    } else {
                        assertNotNull(v, key + " was acknowledged, crash at append " + crashAt);
                        assertEquals(expected, new String(v.value(), StandardCharsets.UTF_8), key);
                    }
                }
                assertEquals(written, reopened.appliedRevision(), "applied revision after a crash at " + crashAt);
            }
        }
    }

    @Test
    void aCrashAtAnyFileOperationOfAFlushLosesNothing() {
        int step = 1;
        boolean flushCompleted = false;
        while (!flushCompleted) {
            assertTrue(step < 200, "a flush should take far fewer file operations");
            Path sub = dir.resolve("step-" + step);
            FaultyFileOps faulty = new FaultyFileOps(FileOps.CHANNELS, Metadata.ON_DIRECTORY_SYNC, step);
            LsmEngine engine = LsmEngine.open(sub, options(faulty, Durability.SYNC).withMemtableBytes(1 << 20));
            for (int i = 0; i < 300; i++) {
                engine.put(b("key-" + i), b("value-" + i), i + 1);
            }
            AtomicBoolean armed = new AtomicBoolean(true);
            AtomicInteger seen = new AtomicInteger();
            int crashAt = step;
            faulty.beforeEach((op, path) -> {
                if (armed.get() && seen.incrementAndGet() == crashAt) {
                    faulty.crash(LostWrites.GARBAGE);
                    throw new IOException("power loss before " + op + " " + path);
                }
            });
            try {
                engine.flush();
                flushCompleted = !faulty.crashed();
            } catch (StorageException e) {
                assertTrue(faulty.crashed(), "only the crash fails the flush: " + e);
            }
            armed.set(false);
            faulty.crash(LostWrites.GARBAGE); // if not yet: just after the flush returned
            abandon(engine);
            try (LsmEngine reopened = LsmEngine.open(sub, options(FileOps.CHANNELS, Durability.SYNC))) {
                for (int i = 0; i < 300; i++) {
                    Versioned v = reopened.get(b("key-" + i));
                    assertNotNull(v, "key-" + i + " lost by a crash before operation " + step + " of a flush");
                    assertArrayEquals(b("value-" + i), v.value());
                }
                assertEquals(300, reopened.appliedRevision());
                reopened.put(b("after"), b("crash"), 301); // and it takes writes again
            }
            try (LsmEngine again = LsmEngine.open(sub, options(FileOps.CHANNELS, Durability.SYNC))) {
                assertNotNull(again.get(b("after")));
            }
            step++;
        }
        assertTrue(step > 5, "the flush should have been cut at several points, got " + step);
    }

    @Test
    void aTornLogTailIsCutAndTheIntactRecordsKept() throws IOException {
        FaultyFileOps faulty = new FaultyFileOps(FileOps.CHANNELS, Metadata.ON_DIRECTORY_SYNC, 7);
        LsmEngine engine = LsmEngine.open(dir, options(faulty, Durability.SYNC));
        for (int i = 0; i < 50; i++) {
            engine.put(b("key-" + i), b("value-" + i), i + 1);
        }
        faulty.crash();
        abandon(engine);
        Path wal = onlyLog();
        long intact = Files.size(wal);
        // The start of a record a crash cut short: a plausible length, then too few bytes.
        ByteBuffer torn = ByteBuffer.allocate(11).putInt(200).putInt(0x12345678).put(new byte[] {1, 2, 3});
        Files.write(wal, torn.array(), StandardOpenOption.APPEND);

        try (LsmEngine reopened = LsmEngine.open(dir, options(FileOps.CHANNELS, Durability.SYNC))) {
            for (int i = 0; i < 50; i++) {
                assertArrayEquals(b("value-" + i), reopened.get(b("key-" + i)).value());
            }
            assertEquals(50, reopened.appliedRevision());
            reopened.put(b("key-50"), b("value-50"), 51);
        }
        assertTrue(intact > 0);
        try (LsmEngine again = LsmEngine.open(dir, options(FileOps.CHANNELS, Durability.SYNC))) {
            assertArrayEquals(b("value-50"), again.get(b("key-50")).value(), "writes after the cut tail are kept");
        }
    }

    @Test
    void damageBeforeIntactRecordsStopsTheOpen() throws IOException {
        FaultyFileOps faulty = new FaultyFileOps(FileOps.CHANNELS, Metadata.ON_DIRECTORY_SYNC, 7);
        LsmEngine engine = LsmEngine.open(dir, options(faulty, Durability.SYNC));
        for (int i = 0; i < 50; i++) {
            engine.put(b("key-" + i), b("value-" + i), i + 1);
        }
        faulty.crash();
        abandon(engine);
        Path wal = onlyLog();
        byte[] bytes = Files.readAllBytes(wal);
        bytes[20] ^= 0x10; // inside the first record; 49 intact records follow
        Files.write(wal, bytes);

        CorruptionException e = assertThrows(CorruptionException.class,
                () -> LsmEngine.open(dir, options(FileOps.CHANNELS, Durability.SYNC)));
        assertEquals(wal, e.file());
        assertEquals(0, e.offset());
        assertTrue(Files.exists(wal), "the damaged log is left for an operator to look at");
    }

    @Test
    void aCrashDuringARestoreReopensEmpty() throws IOException {
        java.io.ByteArrayOutputStream checkpoint = new java.io.ByteArrayOutputStream();
        try (LsmEngine source = LsmEngine.open(dir.resolve("source"), options(FileOps.CHANNELS, Durability.NONE))) {
            for (int i = 0; i < 3_000; i++) {
                source.put(b("new-" + i), b("value-" + i), i + 1);
            }
            source.checkpoint(checkpoint);
        }
        Path target = dir.resolve("target");
        FaultyFileOps faulty = new FaultyFileOps(FileOps.CHANNELS, Metadata.ON_DIRECTORY_SYNC, 3);
        LsmEngine engine = LsmEngine.open(target, options(faulty, Durability.SYNC));
        engine.put(b("old"), b("x"), 1);
        // Crash once the restore has written a few 16 KiB memtables' worth (flushes included).
        faulty.beforeEach(new CrashAt(faulty, Op.SYNC, ".sst", 2, LostWrites.GARBAGE));
        assertThrows(StorageException.class,
                () -> engine.restore(new java.io.ByteArrayInputStream(checkpoint.toByteArray())));
        assertTrue(faulty.crashed());
        assertNull(engine.get(b("new-0")), "a restore in progress serves nothing");
        abandon(engine);
        try (LsmEngine reopened = LsmEngine.open(target, options(FileOps.CHANNELS, Durability.SYNC))) {
            assertNull(reopened.get(b("old")), "the state the restore was replacing is gone");
            assertNull(reopened.get(b("new-0")), "nothing half-loaded survives");
            assertTrue(!reopened.scan(null, null, 1).hasNext(), "the engine reopens empty");
            assertEquals(0, reopened.appliedRevision());
            assertTrue(!Files.exists(target.resolve(LsmRecovery.RESTORING)));
        }
    }

    private Path onlyLog() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> logs = files.filter(p -> p.getFileName().toString().endsWith(LsmFiles.WAL)).toList();
            assertEquals(1, logs.size(), "one write-ahead log: " + logs);
            return logs.get(0);
        }
    }

    /** Crashes before the nth call of an operation on files with a suffix. */
    private static final class CrashAt implements FaultyFileOps.Hook {
        private final FaultyFileOps faulty;
        private final Op op;
        private final String suffix;
        private final int nth;
        private final LostWrites lost;
        private final AtomicInteger seen = new AtomicInteger();

        CrashAt(FaultyFileOps faulty, Op op, String suffix, int nth, LostWrites lost) {
            this.faulty = faulty;
            this.op = op;
            this.suffix = suffix;
            this.nth = nth;
            this.lost = lost;
        }

        @Override
        public void before(Op candidate, Path path) throws IOException {
            if (candidate == op && path.getFileName().toString().endsWith(suffix) && seen.incrementAndGet() == nth) {
                faulty.crash(lost);
                throw new IOException("power loss before " + op + " " + path);
            }
        }
    }
}
