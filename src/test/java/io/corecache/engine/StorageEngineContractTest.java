package io.corecache.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The behaviour every storage engine promises. Each engine's test extends this and says how to open it;
 * the LSM engine runs the very same suite.
 */
public abstract class StorageEngineContractTest {

    @TempDir
    protected Path dir;
    protected final ManualClock clock = new ManualClock(1_700_000_000_000L);
    protected StorageEngine engine;

    /** Opens (or reopens) the engine under test in {@code dir}. */
    protected abstract StorageEngine open(Path dir, EngineOptions options);

    protected EngineOptions options() {
        return EngineOptions.DEFAULT.withClock(clock).withLimits(new Limits(64, 1024));
    }

    @BeforeEach
    void openEngine() {
        engine = open(dir, options());
    }

    @AfterEach
    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    protected void reopen() {
        engine.close();
        engine = open(dir, options());
    }

    protected static byte[] b(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    protected static String s(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void getOfMissingKeyIsNull() {
        assertNull(engine.get(b("nope")));
    }

    @Test
    void putThenGetReturnsValueAndMetadata() {
        engine.put(b("k"), b("v1"), 7);
        Versioned v = engine.get(b("k"));
        assertEquals("v1", s(v.value()));
        assertEquals(7, v.revision());
        assertEquals(clock.millis(), v.createTime());
        assertEquals(clock.millis(), v.writeTime());
        assertEquals(Versioned.NO_EXPIRY, v.expiresAt());
    }

    @Test
    void overwriteKeepsCreationTimeAndUpdatesWriteTime() {
        engine.put(b("k"), b("v1"), 1);
        long created = clock.millis();
        clock.advance(5_000);
        engine.put(b("k"), b("v2"), 2);
        Versioned v = engine.get(b("k"));
        assertEquals("v2", s(v.value()));
        assertEquals(created, v.createTime());
        assertEquals(created + 5_000, v.writeTime());
    }

    @Test
    void recreatingADeletedKeyStartsANewCreationTime() {
        engine.put(b("k"), b("v1"), 1);
        engine.delete(b("k"), 2);
        clock.advance(1_000);
        engine.put(b("k"), b("v2"), 3);
        assertEquals(clock.millis(), engine.get(b("k")).createTime());
    }

    @Test
    void emptyValueIsAValue() {
        engine.put(b("k"), new byte[0], 1);
        assertNotNull(engine.get(b("k")));
        assertEquals(0, engine.get(b("k")).value().length);
    }

    @Test
    void deleteRemovesAndSurvivesReopen() {
        engine.put(b("a"), b("1"), 1);
        engine.put(b("b"), b("2"), 2);
        engine.delete(b("a"), 3);
        assertNull(engine.get(b("a")));
        reopen();
        assertNull(engine.get(b("a")));
        assertEquals("2", s(engine.get(b("b")).value()));
        assertEquals(3, engine.appliedRevision());
    }

    @Test
    void dataSurvivesReopen() {
        for (int i = 0; i < 500; i++) {
            engine.put(b("key" + i), b("value" + i), i + 1);
        }
        reopen();
        for (int i = 0; i < 500; i++) {
            assertEquals("value" + i, s(engine.get(b("key" + i)).value()));
        }
        assertEquals(500, engine.appliedRevision());
        assertEquals(500, engine.stats().liveKeys());
    }

    @Test
    void expiredKeysAreGone() {
        engine.put(b("t"), b("v"), 1, clock.millis() + 1_000);
        assertNotNull(engine.get(b("t")));
        clock.advance(999);
        assertNotNull(engine.get(b("t")));
        clock.advance(1);
        assertNull(engine.get(b("t")));
        try (RangeCursor cursor = engine.scan(null, null, 10)) {
            assertTrue(!cursor.hasNext(), "an expired key is not scanned");
        }
    }

    @Test
    void anExpirySweepFindsExpiredKeysStepByStep() {
        engine.put(b("a"), b("v"), 1);
        engine.put(b("b"), b("v"), 2, clock.millis() + 1_000);
        engine.put(b("c"), b("v"), 3, clock.millis() + 5_000);
        engine.put(b("d"), b("v"), 4, clock.millis() + 1_000);
        engine.put(b("d"), b("w"), 5); // overwritten without expiry: not expired
        clock.advance(2_000);
        ExpiredKeys all = engine.expiredKeys(null, 100, clock.millis());
        assertEquals(List.of("b"), all.keys().stream().map(String::new).toList());
        assertNull(all.resumeAt(), "every key looked at: the sweep starts again next time");

        ExpiredKeys first = engine.expiredKeys(null, 2, clock.millis());
        assertEquals(List.of("b"), first.keys().stream().map(String::new).toList());
        assertNotNull(first.resumeAt());
        ExpiredKeys second = engine.expiredKeys(first.resumeAt(), 2, clock.millis());
        assertEquals(List.of(), second.keys());
        clock.advance(5_000);
        ExpiredKeys later = engine.expiredKeys(first.resumeAt(), 100, clock.millis());
        assertEquals(List.of("c"), later.keys().stream().map(String::new).toList());
        assertNull(later.resumeAt());

        engine.delete(b("b"), 6);
        assertEquals(List.of("c"), engine.expiredKeys(null, 100, clock.millis()).keys().stream().map(String::new).toList(),
                "a deleted key is not expired any more");
    }

    @Test
    void keyRecreatedAfterExpiryGetsNewCreationTime() {
        engine.put(b("t"), b("v"), 1, clock.millis() + 10);
        clock.advance(100);
        engine.put(b("t"), b("w"), 2);
        assertEquals(clock.millis(), engine.get(b("t")).createTime());
    }

    @Test
    void badArgumentsAreRejectedAndChangeNothing() {
        engine.put(b("k"), b("v"), 1);
        InvalidArgumentException empty = assertThrows(InvalidArgumentException.class,
                () -> engine.put(new byte[0], b("v"), 2));
        assertEquals("key_empty", empty.code());
        InvalidArgumentException longKey = assertThrows(InvalidArgumentException.class,
                () -> engine.put(new byte[65], b("v"), 2));
        assertEquals("key_too_large", longKey.code());
        InvalidArgumentException bigValue = assertThrows(InvalidArgumentException.class,
                () -> engine.put(b("k"), new byte[1025], 2));
        assertEquals("value_too_large", bigValue.code());
        assertThrows(InvalidArgumentException.class, () -> engine.put(b("k"), b("v"), -1));
        assertThrows(InvalidArgumentException.class,
                () -> engine.write(new WriteBatch(2).put(b("ok"), b("v")).put(b("k"), new byte[2000])));
        assertNull(engine.get(b("ok")), "a batch with one bad operation applies none");
        assertEquals("v", s(engine.get(b("k")).value()));
        assertEquals(1, engine.appliedRevision());
        assertThrows(InvalidArgumentException.class, () -> engine.get(new byte[65]));
    }

    @Test
    void batchAppliesEveryOperationUnderOneRevision() {
        engine.put(b("gone"), b("x"), 1);
        engine.write(new WriteBatch(5).put(b("a"), b("1")).put(b("b"), b("2")).delete(b("gone")));
        assertEquals("1", s(engine.get(b("a")).value()));
        assertEquals(5, engine.get(b("b")).revision());
        assertNull(engine.get(b("gone")));
        reopen();
        assertEquals("2", s(engine.get(b("b")).value()));
        assertNull(engine.get(b("gone")));
        assertEquals(5, engine.appliedRevision());
    }

    @Test
    void batchWritingTheSameKeyTwiceKeepsTheLast() {
        engine.write(new WriteBatch(1).put(b("a"), b("1")).put(b("a"), b("2")));
        assertEquals("2", s(engine.get(b("a")).value()));
        engine.write(new WriteBatch(2).delete(b("a")).put(b("a"), b("3")));
        assertEquals("3", s(engine.get(b("a")).value()));
        reopen();
        assertEquals("3", s(engine.get(b("a")).value()));
    }

    @Test
    void emptyBatchRecordsItsRevision() {
        engine.put(b("a"), b("1"), 3);
        engine.write(new WriteBatch(9));
        assertEquals(9, engine.appliedRevision());
        reopen();
        assertEquals(9, engine.appliedRevision());
    }

    @Test
    void scanReturnsRangeInUnsignedByteOrderWithLimit() {
        byte[][] keys = {{0x01}, {0x02}, {(byte) 0x80}, {(byte) 0xFF}, {0x02, 0x00}, {0x7F}};
        for (int i = 0; i < keys.length; i++) {
            engine.put(keys[i], b("v" + i), i + 1);
        }
        List<byte[]> all = keysOf(engine.scan(null, null, Integer.MAX_VALUE));
        assertEquals(6, all.size());
        assertArrayEquals(new byte[] {0x01}, all.get(0));
        assertArrayEquals(new byte[] {0x02}, all.get(1));
        assertArrayEquals(new byte[] {0x02, 0x00}, all.get(2));
        assertArrayEquals(new byte[] {0x7F}, all.get(3));
        assertArrayEquals(new byte[] {(byte) 0x80}, all.get(4));
        assertArrayEquals(new byte[] {(byte) 0xFF}, all.get(5));

        List<byte[]> range = keysOf(engine.scan(new byte[] {0x02}, new byte[] {(byte) 0x80}, Integer.MAX_VALUE));
        assertEquals(3, range.size());
        assertEquals(2, keysOf(engine.scan(new byte[] {0x02}, null, 2)).size());
        assertEquals(0, keysOf(engine.scan(null, null, 0)).size());
    }

    @Test
    void scanOverManyKeysIsOrderedAndComplete() {
        int n = 5_000;
        for (int i = 0; i < n; i++) {
            engine.put(b(String.format("key-%06d", (i * 7919) % n)), b("v" + i), i + 1);
        }
        List<byte[]> keys = keysOf(engine.scan(null, null, Integer.MAX_VALUE));
        assertEquals(n, keys.size());
        for (int i = 0; i < n; i++) {
            assertEquals(String.format("key-%06d", i), s(keys.get(i)));
        }
        List<byte[]> page = keysOf(engine.scan(b("key-001000"), b("key-002000"), 100));
        assertEquals(100, page.size());
        assertEquals("key-001000", s(page.get(0)));
        assertEquals("key-001099", s(page.get(99)));
    }

    @Test
    void scanSeesASnapshot() {
        for (int i = 0; i < 100; i++) {
            engine.put(b(String.format("k%03d", i)), b("old"), i + 1);
        }
        try (RangeCursor cursor = engine.scan(null, null, Integer.MAX_VALUE)) {
            assertTrue(cursor.hasNext());
            cursor.next();
            for (int i = 0; i < 100; i++) {
                engine.put(b(String.format("k%03d", i)), b("new"), 200 + i);
            }
            engine.delete(b("k050"), 400);
            engine.put(b("k050x"), b("new"), 401);
            int seen = 1;
            while (cursor.hasNext()) {
                Entry e = cursor.next();
                assertEquals("old", s(e.version().value()), "the scan saw a later write to " + s(e.key()));
                seen++;
            }
            assertEquals(100, seen);
        }
    }

    @Test
    void checkpointRestoresIntoAnotherEngine(@TempDir Path other) {
        engine.put(b("a"), b("1"), 1);
        clock.advance(10);
        engine.put(b("b"), b("2"), 2, clock.millis() + 60_000);
        engine.put(b("c"), b("3"), 3);
        engine.delete(b("c"), 4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(4, engine.checkpoint(out));

        try (StorageEngine copy = open(other, options())) {
            copy.put(b("stale"), b("x"), 1);
            assertEquals(4, copy.restore(new ByteArrayInputStream(out.toByteArray())));
            assertEquals(engine.get(b("a")), copy.get(b("a")));
            assertEquals(engine.get(b("b")), copy.get(b("b")));
            assertNull(copy.get(b("c")));
            assertNull(copy.get(b("stale")), "restore replaces the whole state");
            assertEquals(4, copy.appliedRevision());
        }
        try (StorageEngine reopened = open(other, options())) {
            assertEquals(engine.get(b("b")), reopened.get(b("b")));
            assertEquals(4, reopened.appliedRevision());
        }
    }

    @Test
    void truncatedCheckpointIsRejected(@TempDir Path other) {
        engine.put(b("a"), b("1"), 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.checkpoint(out);
        byte[] cut = java.util.Arrays.copyOf(out.toByteArray(), out.size() - 5);
        try (StorageEngine copy = open(other, options())) {
            copy.put(b("old"), b("x"), 1);
            assertThrows(StorageException.class, () -> copy.restore(new ByteArrayInputStream(cut)));
            assertNull(copy.get(b("a")), "nothing half-loaded is served");
            assertNull(copy.get(b("old")), "nor the state the restore was replacing");
        }
        try (StorageEngine reopened = open(other, options())) {
            assertNull(reopened.get(b("a")), "a failed restore leaves the engine empty, never half-loaded");
        }
    }

    @Test
    void concurrentWritersAreAllDurableAndVisible() throws Exception {
        int threads = 8;
        int perThread = 300;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong revision = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    engine.put(b("t" + id + "-" + i), b("v" + i), revision.incrementAndGet());
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        reopen();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                assertEquals("v" + i, s(engine.get(b("t" + t + "-" + i)).value()));
            }
        }
        assertEquals(threads * perThread, engine.appliedRevision());
    }

    @Test
    void closedEngineRefusesCalls() {
        engine.close();
        assertThrows(StorageException.class, () -> engine.get(b("k")));
        assertThrows(StorageException.class, () -> engine.put(b("k"), b("v"), 1));
        engine = null;
    }

    protected static List<byte[]> keysOf(RangeCursor cursor) {
        List<byte[]> keys = new ArrayList<>();
        try (cursor) {
            cursor.forEachRemaining(e -> keys.add(e.key()));
        }
        return keys;
    }

    /** A clock tests move by hand. */
    public static final class ManualClock implements InstantSource {
        private final AtomicLong millis;

        public ManualClock(long start) {
            millis = new AtomicLong(start);
        }

        public void advance(long delta) {
            millis.addAndGet(delta);
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }
}
