package io.corecache.engine.bitcask;

import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FaultyFileOps.Metadata;
import io.corecache.engine.FaultyFileOps.Op;
import io.corecache.engine.FileOps;
import io.corecache.engine.RangeCursor;
import io.corecache.engine.StorageEngineContractTest.ManualClock;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Defects a review of the engine found, each frozen as a test: a reader racing a page split, sync()
 * racing another fsync, an interrupted caller, a write racing a restore, a limited scan over expired
 * keys, a crash while the first open writes FORMAT. Two known limitations of torn-tail detection are kept
 * here disabled, with the reason (docs/engine.md, "Known limitations").
 */
class BitcaskRegressionTest {

    @TempDir
    Path tmp;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static BitcaskOptions options(EngineOptions engine) {
        return BitcaskOptions.defaults().withEngine(engine).withMergeCheckEvery(Duration.ZERO);
    }

    // ---------------------------------------------------------------- F1: KeyDir.get misses keys during a split

    /**
     * A lock-free get of a key that is always present must never return null. The writer keeps building a
     * directory whose only page is just under the split size and then inserts one key, splitting it; readers
     * (more threads than cores, so they get preempted) look up a key that lands in the upper half.
     */
    @Test
    void keyDirGetNeverMissesALiveKeyWhileAnotherKeySplitsItsPage() throws Exception {
        AtomicReference<KeyDir> current = new AtomicReference<>();
        byte[] probe = b(String.format("k%06d", 990)); // ends up in the upper half after the split
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong misses = new AtomicLong();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread r = new Thread(() -> {
                while (!stop.get()) {
                    KeyDir d = current.get();
                    if (d != null && d.get(probe) == null) {
                        misses.incrementAndGet();
                    }
                }
            });
            r.setDaemon(true);
            r.start();
            readers.add(r);
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        long splits = 0;
        while (misses.get() == 0 && System.nanoTime() < deadline) {
            KeyDir d = new KeyDir();
            int i = 0;
            // fill one page up to the split threshold (keys 0, 10, 20, ... and the probe)
            d.put(probe, new Location(0, 1, 50, 1, false));
            for (; i < 980; i += 10) {
                byte[] k = b(String.format("k%06d", i));
                d.put(k, new Location(0, i, 50, 1, false));
                if ((d.size() + 1) * (KeyDirPage.ENTRY_OVERHEAD + k.length) > KeyDir.SPLIT_BYTES) {
                    break;
                }
            }
            current.set(d);
            Thread.onSpinWait();
            d.put(b(String.format("k%06d", i + 5)), new Location(0, 0, 50, 1, false)); // splits the page
            splits++;
            if (splits == 1) {
                assertEquals(2, d.snapshot(null, null, Integer.MAX_VALUE).size(), "the last put must split");
            }
        }
        stop.set(true);
        for (Thread r : readers) {
            r.join();
        }
        assertEquals(0, misses.get(), "KeyDir.get returned null for a present key (" + splits + " splits)");
    }

    // ------------------------------------------------- F2: sync() returns while another sync's fsync is in flight

    @Test
    void syncReturnsOnlyOnceAcknowledgedWritesAreDurable() throws Exception {
        FaultyFileOps faulty = new FaultyFileOps(FileOps.MAPPED, Metadata.ON_DIRECTORY_SYNC, 1);
        BitcaskEngine engine = BitcaskEngine.open(tmp.resolve("db"),
                options(EngineOptions.DEFAULT.withDurability(Durability.NONE).withFileOps(faulty)));
        try {
            engine.put(b("a"), b("acknowledged"), 1);
            faulty.syncLatency(Duration.ofMillis(1_500));
            Thread other = new Thread(engine::sync); // e.g. the INTERVAL background fsync
            other.start();
            Thread.sleep(300); // "other" has cleared the unsynced flag and is inside its slow fsync
            engine.sync();     // must not return before the put is durable
            Path active = engine.writer().active().path;
            long unsynced = faulty.unsyncedBytes(active);
            other.join();
            assertEquals(0, unsynced, "sync() returned while the acknowledged put was still unsynced");
        } finally {
            faulty.syncLatency(Duration.ZERO);
            engine.close();
        }
    }

    // ------------------------------------------------- F4: an interrupted writer thread fails the whole engine

    @Test
    void anInterruptedCallerDoesNotFailTheEngine() throws Exception {
        try (BitcaskEngine engine = BitcaskEngine.open(tmp.resolve("db"), options(EngineOptions.DEFAULT))) {
            engine.put(b("a"), b("1"), 1);
            Thread t = new Thread(() -> {
                Thread.currentThread().interrupt(); // e.g. a request whose future was cancelled
                try {
                    engine.put(b("b"), b("2"), 2);
                } catch (RuntimeException ignored) {
                    // this caller may fail
                }
            });
            t.start();
            t.join();
            // ...but other callers must not: the fsync's ClosedByInterruptException closed the active file.
            assertDoesNotThrow(() -> engine.put(b("c"), b("3"), 3));
        }
    }

    // ---------------------------------------------------------- F5: a limited scan stops early at expired keys

    @Test
    void aLimitedScanSkipsExpiredKeysAndStillFindsLiveOnes() {
        ManualClock clock = new ManualClock(1_700_000_000_000L);
        try (BitcaskEngine engine = BitcaskEngine.open(tmp.resolve("db"),
                options(EngineOptions.DEFAULT.withClock(clock)))) {
            for (int i = 0; i < 500; i++) {
                engine.put(b(String.format("a%05d", i)), b("short-lived"), 1, clock.millis() + 10);
            }
            engine.put(b("z"), b("live"), 2);
            clock.advance(1_000);
            List<String> seen = new ArrayList<>();
            try (RangeCursor cursor = engine.scan(null, null, 5)) {
                cursor.forEachRemaining(e -> seen.add(new String(e.key(), StandardCharsets.UTF_8)));
            }
            assertEquals(List.of("z"), seen, "scan(limit=5) must return the live key after the expired ones");
        }
    }

    // --------------------------------------------------- F6: torn tail that contains a valid record is "corruption"

    /**
     * A process killed while copying a large value leaves a prefix of it. If that prefix happens to contain
     * the bytes of a valid record (a value that is itself a CoreCache record or data file), open refuses.
     */
    @Disabled("known limitation: torn-tail detection cannot tell a power loss's out-of-order writeback or a torn value that embeds a record from corruption without a synced-length watermark (docs/engine.md)")
    @Test
    void aTornValueThatEmbedsARecordIsStillATornTail() throws Exception {
        Path dir = tmp.resolve("db");
        EngineOptions eo = EngineOptions.DEFAULT.withFileOps(FileOps.CHANNELS);
        ByteBuffer embedded = ByteBuffer.allocate(RecordFormat.size(3, 5));
        RecordFormat.encode(embedded, 0, b("xyz"), b("hello"), 7, 1, 1, 0);
        byte[] value = new byte[64 * 1024];
        System.arraycopy(embedded.array(), 0, value, 100, embedded.capacity());
        Path data;
        long outerStart;
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options(eo))) {
            engine.put(b("k1"), b("acknowledged"), 1);
            data = engine.writer().active().path;
            outerStart = engine.writer().active().size();
            engine.put(b("k2"), value, 2);
        }
        // The kill: only the first part of k2's record reached the page cache.
        long cut = outerStart + RecordFormat.HEADER_BYTES + 2 + 100 + embedded.capacity() + 10;
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
            ch.truncate(cut);
        }
        try (BitcaskEngine engine = assertDoesNotThrow(() -> BitcaskEngine.open(dir, options(eo)))) {
            assertArrayEquals(b("acknowledged"), engine.get(b("k1")).value());
            assertNull(engine.get(b("k2")));
        }
    }

    // ------------------------------- F7: power loss under durability=none with out-of-order writeback won't open

    @Disabled("known limitation: torn-tail detection cannot tell a power loss's out-of-order writeback or a torn value that embeds a record from corruption without a synced-length watermark (docs/engine.md)")
    @Test
    void aPowerLossInNoneModeWithAPageNotWrittenBackStillOpens() throws Exception {
        Path dir = tmp.resolve("db");
        EngineOptions eo = EngineOptions.DEFAULT.withFileOps(FileOps.CHANNELS).withDurability(Durability.NONE);
        Path data;
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options(eo))) {
            engine.put(b("k1"), b("v"), 1);
            engine.sync(); // k1 is durable
            byte[] big = new byte[8192];
            java.util.Arrays.fill(big, (byte) 'x');
            engine.put(b("k2"), big, 2); // unsynced: spans page 4096..8191
            engine.put(b("k3"), b("v"), 3);         // unsynced: on a later page
            data = engine.writer().active().path;
        }
        // Power loss: the kernel wrote back the page holding k3 but not the page in the middle of k2.
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4096), 4096);
        }
        try (BitcaskEngine engine = assertDoesNotThrow(() -> BitcaskEngine.open(dir, options(eo)),
                "a power loss in durability=none may lose the last writes, not the whole store")) {
            assertNotNull(engine.get(b("k1")));
        }
    }

    // --------------------------------------------- F8: a crash while creating FORMAT makes the directory unopenable

    @Test
    void aCrashWhileWritingFormatOnFirstOpenStillOpens() {
        Path dir = tmp.resolve("db");
        FaultyFileOps faulty = new FaultyFileOps(FileOps.MAPPED, Metadata.IMMEDIATE, 1);
        faulty.crashAt(Op.APPEND, FaultyFileOps.nameEndsWith(FileNames.FORMAT), 1);
        try {
            BitcaskEngine.open(dir, options(EngineOptions.DEFAULT.withFileOps(faulty))).close();
        } catch (RuntimeException expected) {
            // the crash
        }
        assertDoesNotThrow(() -> BitcaskEngine.open(dir, options(EngineOptions.DEFAULT)).close(),
                "an empty directory whose first open crashed must open");
    }

    // --------------------------------------------------- F9: restore racing a write: stale locations after restore

    @Test
    void aWriteRacingRestoreLeavesNoDanglingKeysAndDoesNotFailTheEngine() throws Exception {
        FaultyFileOps faulty = new FaultyFileOps(FileOps.MAPPED, Metadata.ON_DIRECTORY_SYNC, 1);
        BitcaskEngine engine = BitcaskEngine.open(tmp.resolve("db"),
                options(EngineOptions.DEFAULT.withFileOps(faulty)));
        try {
            engine.put(b("old"), b("x"), 1);
            java.io.ByteArrayOutputStream checkpoint = new java.io.ByteArrayOutputStream();
            engine.checkpoint(checkpoint);
            faulty.syncLatency(Duration.ofMillis(600)); // the racing write's leader sits outside the lock
            Thread writer = new Thread(() -> {
                try {
                    engine.put(b("racing"), b("y"), 5);
                } catch (RuntimeException ignored) {
                    // may fail
                }
            });
            writer.start();
            Thread.sleep(150);
            faulty.syncLatency(Duration.ZERO);
            engine.restore(new java.io.ByteArrayInputStream(checkpoint.toByteArray()));
            writer.join();
            // Either the racing put is part of the state and readable, or it is not there at all.
            assertDoesNotThrow(() -> engine.get(b("racing")), "key points into a file the restore deleted");
            assertEquals(1, engine.appliedRevision(), "revision of a write the restore discarded");
        } finally {
            engine.close();
        }
    }
}
