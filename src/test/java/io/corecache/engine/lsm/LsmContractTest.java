package io.corecache.engine.lsm;

import io.corecache.engine.EngineOptions;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.StorageEngineContractTest;

import java.nio.file.Path;

/** The engine contract, with 64 KiB memtables so the larger tests flush to tables several times. */
class LsmContractTest extends StorageEngineContractTest {

    @Override
    protected StorageEngine open(Path dir, EngineOptions options) {
        return LsmEngine.open(dir, LsmOptions.defaults().withEngine(options).withMemtableBytes(64 << 10)
                .withBlockCacheBytes(1 << 20));
    }
}
