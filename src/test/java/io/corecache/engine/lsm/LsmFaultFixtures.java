package io.corecache.engine.lsm;

import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.Entry;
import io.corecache.engine.FaultyFileOps;
import io.corecache.engine.FileOps;
import io.corecache.engine.RangeCursor;
import io.corecache.engine.StorageException;
import io.corecache.engine.Versioned;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;

import static io.corecache.engine.lsm.ManifestFixtures.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the engine-level fault tests share: options that make the engine compact after a couple of explicit
 * flushes, a model of the acknowledged writes to check a reopened engine against, a wait for the flusher
 * thread to run out of compactions, and copies of a prepared directory (one per injected fault).
 */
final class LsmFaultFixtures {

    /** Level 0 compacts at two tables; level 1 past 4 KiB, so its 2 KiB tables also move on to level 2. */
    static final CompactionPolicy POLICY = CompactionPolicy.DEFAULT.withLevel0CompactionTrigger(2)
            .withLevel1TargetBytes(4 << 10).withTargetTableBytes(2 << 10);

    private LsmFaultFixtures() {
    }

    /**
     * Memtables flush only when asked (1 MiB). No log fsync per write:
     * the tests crash only once {@code flush()} has made the writes durable in a table, or after a close.
     */
    static LsmOptions options(FileOps fileOps) {
        return options(fileOps, Durability.NONE);
    }

    static LsmOptions options(FileOps fileOps, Durability durability) {
        return LsmOptions.defaults().withMemtableBytes(1 << 20).withBlockCacheBytes(1 << 20)
                .withCompaction(POLICY)
                .withEngine(EngineOptions.DEFAULT.withFileOps(fileOps).withDurability(durability));
    }

    static byte[] b(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Closes an engine whose files went with a simulated power loss (or that failed): errors expected. */
    static void abandon(LsmEngine engine) {
        try {
            engine.close();
        } catch (StorageException expected) {
            // its files went with the power
        }
    }

    /** Whether the picker would start a compaction of {@code stats}' tree ({@link CompactionPicker}'s rule). */
    static boolean needsCompaction(LsmStats stats, CompactionPolicy policy) {
        if (stats.levelFiles()[0] >= policy.level0CompactionTrigger()) {
            return true;
        }
        for (int level = 1; level < Version.LEVELS - 1; level++) {
            if (stats.levelBytes()[level] > policy.targetBytes(level)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits until the tree needs no compaction, or {@code stop} says to give up waiting (a crash, a failure).
     * Compaction runs on the compactor thread after {@code flush()} has returned; {@code close()} then
     * waits for the step in progress (the input deletions of the last compaction included).
     */
    static void awaitCompactions(LsmEngine engine, BooleanSupplier stop) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!stop.getAsBoolean() && needsCompaction(engine.lsmStats(), POLICY)) {
            assertTrue(System.nanoTime() < deadline, "compaction did not finish: " + engine.lsmStats());
            sleepMillis(1);
        }
    }

    static void awaitCompactions(LsmEngine engine) {
        awaitCompactions(engine, () -> false);
    }

    /** Waits until {@code condition} holds (at most 30 s). */
    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting: " + what);
            sleepMillis(1);
        }
    }

    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Copies the files of {@code from} (flat, as an LSM directory is) into a new {@code to}. */
    static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to);
            for (String name : names(from)) {
                Files.copy(from.resolve(name), to.resolve(name));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The table files in {@code dir}, by name. */
    static List<Path> tables(Path dir) {
        return names(dir).stream().filter(n -> n.endsWith(LsmFiles.SST)).map(dir::resolve).toList();
    }

    /**
     * The acknowledged state: for each key written, its latest value, or null once deleted. Keys are
     * {@code key-NNN}, so their order as strings is their order as bytes.
     */
    static final class Model {
        final TreeMap<String, String> latest = new TreeMap<>();
        private long revision;

        long revision() {
            return revision;
        }

        Model copy() {
            Model copy = new Model();
            copy.latest.putAll(latest);
            copy.revision = revision;
            return copy;
        }

        void put(LsmEngine engine, String key, String value) {
            engine.put(b(key), b(value), revision + 1);
            revision++;
            latest.put(key, value);
        }

        void delete(LsmEngine engine, String key) {
            engine.delete(b(key), revision + 1);
            revision++;
            latest.put(key, null);
        }

        /**
         * One round of writes that shadows and deletes earlier ones: every {@code step}-th key from
         * {@code first} is overwritten, every third of those deleted instead, and some deleted keys come back.
         */
        void round(LsmEngine engine, int round, int keys, int first, int step) {
            for (int i = first; i < keys; i += step) {
                String key = key(i);
                if ((i / step + round) % 3 == 0) {
                    delete(engine, key);
                } else {
                    put(engine, key, "r" + round + "-" + i + "-" + "x".repeat((i * 7 + round) % 40));
                }
            }
        }

        static String key(int i) {
            return String.format("key-%03d", i);
        }

        /** Every key reads back with its latest value (deleted ones absent), and a full scan is exactly the live keys. */
        void check(LsmEngine engine, String where) {
            for (Map.Entry<String, String> e : latest.entrySet()) {
                Versioned v = engine.get(b(e.getKey()));
                if (e.getValue() == null) {
                    assertNull(v, where + ": " + e.getKey() + " was deleted, yet reads " + (v == null ? "" : s(v.value())));
                } else {
                    assertNotNull(v, where + ": " + e.getKey() + " was acknowledged, now missing");
                    assertEquals(e.getValue(), s(v.value()), where + ": value of " + e.getKey());
                }
            }
            List<String> expected = new ArrayList<>();
            latest.forEach((k, v) -> {
                if (v != null) {
                    expected.add(k + "=" + v);
                }
            });
            List<String> scanned = new ArrayList<>();
            try (RangeCursor cursor = engine.scan(null, null, Integer.MAX_VALUE)) {
                while (cursor.hasNext()) {
                    Entry e = cursor.next();
                    scanned.add(s(e.key()) + "=" + s(e.version().value()));
                }
            }
            assertEquals(expected, scanned, where + ": a full scan, in key order, is exactly the live keys");
            assertEquals(revision, engine.appliedRevision(), where + ": applied revision");
        }
    }

    /**
     * Crashes (or fails) the {@code nth} file operation counted. Counting starts, once {@link #primed}, at the
     * first operation {@code start} matches (that one is the 1st), so a test can cut every step of one piece
     * of work in turn, e.g. of a compaction from its first read of an input table.
     */
    static final class CountingHook implements FaultyFileOps.Hook {
        private final FaultyFileOps faulty;
        private final int nth;
        private final FaultyFileOps.LostWrites lost;
        private final boolean crash;
        private final BiPredicate<FaultyFileOps.Op, Path> start;
        volatile boolean primed;
        private boolean counting;
        private int seen;
        private String fired;

        CountingHook(FaultyFileOps faulty, int nth, FaultyFileOps.LostWrites lost, boolean crash,
                     BiPredicate<FaultyFileOps.Op, Path> start) {
            this.faulty = faulty;
            this.nth = nth;
            this.lost = lost;
            this.crash = crash;
            this.start = start;
        }

        @Override
        public synchronized void before(FaultyFileOps.Op op, Path path) throws IOException {
            if (!primed || (!counting && !start.test(op, path))) {
                return;
            }
            counting = true;
            seen++;
            if (seen == nth) {
                primed = false;
                fired = op + " " + path.getFileName();
                if (crash) {
                    faulty.crash(lost);
                    throw new IOException("power loss before " + op + " " + path);
                }
                throw new IOException("injected failure of " + op + " " + path);
            }
        }

        /** Operations counted so far. */
        synchronized int seen() {
            return seen;
        }

        /** The operation crashed or failed, or null if none was. */
        synchronized String fired() {
            return fired;
        }
    }
}
