package io.corecache.engine.lsm;

import io.corecache.engine.EngineOptions;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.StorageEngineModelTest;
import org.junit.jupiter.api.AfterEach;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The randomized model comparison; maintain() is an explicit flush, and tiny memtables flush often too. */
class LsmModelTest extends StorageEngineModelTest {

    private long flushedBytes;

    @AfterEach
    void flushesReallyHappened() {
        assertTrue(flushedBytes > 0, "the run should have flushed memtables to tables");
    }

    @Override
    protected StorageEngine open(Path dir, EngineOptions options) {
        return LsmEngine.open(dir, LsmOptions.defaults().withEngine(options).withMemtableBytes(64 << 10)
                .withBlockCacheBytes(1 << 20));
    }

    @Override
    protected void maintain(StorageEngine engine) {
        LsmEngine lsm = (LsmEngine) engine;
        lsm.flush();
        flushedBytes += lsm.lsmStats().flushBytes();
    }
}
