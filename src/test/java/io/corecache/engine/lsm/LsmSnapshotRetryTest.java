package io.corecache.engine.lsm;

import io.corecache.engine.Entry;
import io.corecache.engine.FileOps;
import io.corecache.engine.RangeCursor;
import io.corecache.engine.Versioned;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.corecache.engine.lsm.LsmFaultFixtures.await;
import static io.corecache.engine.lsm.LsmFaultFixtures.awaitCompactions;
import static io.corecache.engine.lsm.LsmFaultFixtures.b;
import static io.corecache.engine.lsm.LsmFaultFixtures.options;
import static io.corecache.engine.lsm.LsmFaultFixtures.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stale-snapshot retry (docs/lsm.md, "Compaction"), made deterministic with the engine's
 * {@code snapshotTakenHook}: a read takes snapshot {@code s} while key {@code k} has version v1 (in a
 * level-0 table); before it looks anything up, v2 is written, flushed, and a compaction whose horizon
 * is past v2 merges both tables, dropping v1 (shadowed below the horizon). Reading the new version at
 * {@code s} would find no version of {@code k} at all; the engine must notice the compaction is newer
 * than its snapshot and read again at a fresh one, answering v2.
 */
class LsmSnapshotRetryTest {

    @TempDir
    Path dir;

    /** Writes v2 of {@code key}, flushes, and waits for the compaction that drops v1; once. */
    private static Runnable compactAwayTheOldVersion(LsmEngine engine, String key, AtomicBoolean ran) {
        return () -> {
            if (!ran.compareAndSet(false, true)) {
                return; // the retry's own snapshot is left alone
            }
            long compactedBefore = engine.lsmStats().compactionBytes();
            engine.put(b(key), b("v2"), 3);
            engine.flush();
            await(() -> engine.lsmStats().compactionBytes() > compactedBefore, "the compaction");
            awaitCompactions(engine);
            assertEquals(0, engine.lsmStats().levelFiles()[0], "both level-0 tables were compacted");
        };
    }

    private static LsmEngine withOneVersionInATable(Path dir) {
        LsmEngine engine = LsmEngine.open(dir, options(FileOps.DEFAULT));
        engine.put(b("k"), b("v1"), 1);
        engine.put(b("other"), b("x"), 2);
        engine.flush();
        assertEquals(1, engine.lsmStats().levelFiles()[0]);
        return engine;
    }

    @Test
    void aPointReadWhoseSnapshotPredatesACompactionReadsAgain() {
        try (LsmEngine engine = withOneVersionInATable(dir)) {
            AtomicBoolean ran = new AtomicBoolean();
            engine.snapshotTakenHook = compactAwayTheOldVersion(engine, "k", ran);
            Versioned v = engine.get(b("k"));
            engine.snapshotTakenHook = null;
            assertTrue(ran.get(), "the compaction ran inside the read");
            assertNotNull(v, "the key was there before and after the compaction, yet the read found nothing");
            assertEquals("v2", s(v.value()), "the retry reads at a fresh snapshot");
            assertEquals("x", s(engine.get(b("other")).value()));
        }
    }

    @Test
    void aScanWhoseSnapshotPredatesACompactionReadsAgain() {
        try (LsmEngine engine = withOneVersionInATable(dir)) {
            AtomicBoolean ran = new AtomicBoolean();
            engine.snapshotTakenHook = compactAwayTheOldVersion(engine, "k", ran);
            List<String> seen = new ArrayList<>();
            try (RangeCursor cursor = engine.scan(null, null, Integer.MAX_VALUE)) {
                engine.snapshotTakenHook = null;
                while (cursor.hasNext()) {
                    Entry e = cursor.next();
                    seen.add(s(e.key()) + "=" + s(e.version().value()));
                }
            }
            assertTrue(ran.get(), "the compaction ran inside the scan");
            assertEquals(List.of("k=v2", "other=x"), seen, "no key goes missing from the scan");
        }
    }

    /**
     * A restore starts sequences again at 1, below the horizon of compactions run before it: a horizon kept
     * from then made every read that reached the tables look stale, and retry forever (a regression test).
     */
    @Test
    void readsAfterARestoreIntoACompactedEngineDoNotRetryForever() {
        ByteArrayOutputStream checkpoint = new ByteArrayOutputStream();
        try (LsmEngine source = LsmEngine.open(dir.resolve("source"), options(FileOps.DEFAULT))) {
            source.put(b("restored"), b("r"), 1);
            source.checkpoint(checkpoint);
        }
        try (LsmEngine engine = LsmEngine.open(dir.resolve("target"), options(FileOps.DEFAULT))) {
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 200; i++) {
                    engine.put(b("old-" + i), b("v" + round), round * 200 + i + 1);
                }
                engine.flush();
            }
            awaitCompactions(engine);
            assertTrue(engine.lsmStats().compactionBytes() > 0, "the engine compacted before the restore");
            engine.restore(new ByteArrayInputStream(checkpoint.toByteArray()));
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                assertEquals("r", s(engine.get(b("restored")).value()));
                assertNull(engine.get(b("old-1")));
                try (RangeCursor cursor = engine.scan(null, null, 10)) {
                    assertEquals("restored", s(cursor.next().key()));
                    assertFalse(cursor.hasNext());
                }
            }, "reads after the restore");
        }
    }
}
