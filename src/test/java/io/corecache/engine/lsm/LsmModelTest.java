package io.corecache.engine.lsm;

import io.corecache.engine.EngineOptions;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.StorageEngineModelTest;
import org.junit.jupiter.api.AfterEach;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The randomized model comparison; maintain() is an explicit flush, and tiny memtables flush often too. Small
 * level targets and tables make the run compact into several levels, so tombstones and shadowed versions are
 * dropped (or kept) under the model's eyes.
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
        return LsmEngine.open(dir, LsmOptions.defaults().withEngine(options).withMemtableBytes(64 << 10)
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
