package io.corecache.engine.lsm;

import io.corecache.engine.EngineOptions;
import io.corecache.engine.NoFsyncFileOps;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.StorageEngineModelTest;
import org.junit.jupiter.api.AfterEach;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The randomized model comparison; maintain() is an explicit flush, and tiny memtables flush often too. Small
 * level targets and tables make the run compact into several levels, so tombstones and shadowed versions are
 * dropped (or kept) under the model's eyes.
 *
 * <p>fsyncs are skipped ({@link NoFsyncFileOps}): the run never loses power, every reopen follows a clean
 * close, so what the engine reads back is the same with or without them, and they were most of its time
 * (thousands per seed: every flush, compaction, reopen and new log). Crash safety is what LsmCrashTest,
 * LsmCompactionCrashTest and LsmManifestRolloverCrashTest check.
 */
class LsmModelTest extends StorageEngineModelTest {

    private long flushedBytes;
    private long compactedBytes;

    @AfterEach
    void flushesAndCompactionsReallyHappened() {
        assertTrue(flushedBytes > 0, "the run should have flushed memtables to tables");
        assertTrue(compactedBytes > 0, "the run should have compacted tables");
    }

    @Override
    protected StorageEngine open(Path dir, EngineOptions options) {
        EngineOptions noFsync = options.withFileOps(new NoFsyncFileOps(options.fileOps()));
        return LsmEngine.open(dir, LsmOptions.defaults().withEngine(noFsync).withMemtableBytes(64 << 10)
                .withBlockCacheBytes(1 << 20)
                .withCompaction(CompactionPolicy.DEFAULT.withLevel1TargetBytes(256 << 10).withTargetTableBytes(64 << 10)));
    }

    @Override
    protected void maintain(StorageEngine engine) {
        LsmEngine lsm = (LsmEngine) engine;
        lsm.flush();
        flushedBytes += lsm.lsmStats().flushBytes();
        compactedBytes += lsm.lsmStats().compactionBytes();
    }
}
