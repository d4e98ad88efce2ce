package io.corecache.bench;

import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.bitcask.BitcaskEngine;
import io.corecache.engine.bitcask.BitcaskOptions;

import java.nio.file.Path;
import java.util.List;

/**
 * Opens an engine by the name the benchmarks' {@code engine} parameter uses. Adding an engine is one
 * case here plus its name in {@link StoreState#engine}'s {@code @Param} list; a CoreCache engine needs no
 * adapter of its own, since {@link StorageEngineBench} drives any {@link io.corecache.engine.StorageEngine}.
 */
final class BenchEngines {

    private BenchEngines() {
    }

    /** Every engine {@link #open} knows, in the order reports list them. */
    static final List<String> NAMES = List.of("bitcask", "rocksdb");

    /** Opens a new store in the empty directory {@code dir}. */
    static BenchEngine open(String name, Path dir, Durability durability) {
        EngineOptions shared = EngineOptions.DEFAULT.withDurability(durability);
        return switch (name) {
            // Bitcask as a node runs it: default options (256 MiB files, background merge on).
            case "bitcask" -> new StorageEngineBench(BitcaskEngine.open(dir, BitcaskOptions.defaults().withEngine(shared)));
            case "rocksdb" -> RocksDbBench.open(dir, durability);
            default -> throw new IllegalArgumentException("unknown engine '" + name + "': expected bitcask or rocksdb");
        };
    }
}
