package io.corecache.engine.bitcask;

import io.corecache.engine.EngineOptions;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.StorageEngineModelTest;

import org.junit.jupiter.api.AfterEach;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

class BitcaskModelTest extends StorageEngineModelTest {

    private long merged;

    @AfterEach
    void mergesReallyHappened() {
        assertTrue(merged > 0, "the run should have merged files at least once");
    }

    @Override
    protected StorageEngine open(Path dir, EngineOptions options) {
        // 1 MiB files so the run rolls over, writes hint files and merges many times.
        return BitcaskEngine.open(dir, BitcaskOptions.defaults().withEngine(options)
                .withMaxFileBytes(BitcaskOptions.MIN_FILE_BYTES).withMergeCheckEvery(Duration.ZERO));
    }

    @Override
    protected void maintain(StorageEngine engine) {
        BitcaskEngine bitcask = (BitcaskEngine) engine;
        long before = bitcask.stats().merges();
        bitcask.merge();
        merged += bitcask.stats().merges() - before;
    }
}
