package io.corecache.bench;

import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.bitcask.BitcaskEngine;
import io.corecache.engine.bitcask.BitcaskOptions;
import io.corecache.engine.lsm.LsmEngine;
import io.corecache.engine.lsm.LsmOptions;
import io.corecache.engine.lsm.LsmStats;

import java.nio.file.Path;
import java.util.List;

/**
 * Opens an engine by the name the benchmarks' {@code engine} parameter uses. Adding an engine is one
 * case here plus its name in {@link #NAMES} and in {@link StoreState#engine}'s {@code @Param} list; a CoreCache engine needs no
 * adapter of its own, since {@link StorageEngineBench} drives any {@link io.corecache.engine.StorageEngine}.
 */
final class BenchEngines {

    private BenchEngines() {
    }

    /** Every engine {@link #open} knows, in the order reports list them. */
    static final List<String> NAMES = List.of("bitcask", "lsm", "rocksdb");

    /** Opens a new store in the empty directory {@code dir}. */
    static BenchEngine open(String name, Path dir, Durability durability) {
        EngineOptions shared = EngineOptions.DEFAULT.withDurability(durability);
        return switch (name) {
            // Bitcask as a node runs it: default options (256 MiB files, background merge on).
            case "bitcask" -> new StorageEngineBench(BitcaskEngine.open(dir, BitcaskOptions.defaults().withEngine(shared)));
            // The LSM tree with its default options (16 MiB memtables, 32 MiB block cache, 10 bloom bits per key);
            // settling flushes the memtable and waits for the compactions that flush asks for.
            case "lsm" -> {
                LsmEngine lsm = LsmEngine.open(dir, LsmOptions.defaults().withEngine(shared));
                yield new StorageEngineBench(lsm, lsm::flushAndCompact, () -> {
                    LsmStats stats = lsm.lsmStats();
                    return stats.flushBytes() + stats.compactionBytes();
                });
            }
            case "rocksdb" -> RocksDbBench.open(dir, durability);
            default -> throw new IllegalArgumentException("unknown engine '" + name + "': expected one of " + NAMES);
        };
    }
}
