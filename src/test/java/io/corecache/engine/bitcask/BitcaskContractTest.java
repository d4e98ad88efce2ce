package io.corecache.engine.bitcask;

import io.corecache.engine.EngineOptions;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.StorageEngineContractTest;

import java.nio.file.Path;
import java.time.Duration;

class BitcaskContractTest extends StorageEngineContractTest {

    @Override
    protected StorageEngine open(Path dir, EngineOptions options) {
        return BitcaskEngine.open(dir, BitcaskOptions.defaults().withEngine(options).withMergeCheckEvery(Duration.ZERO));
    }
}
