package io.corecache.cli;

import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.bitcask.BitcaskEngine;
import io.corecache.engine.bitcask.BitcaskOptions;
import io.corecache.engine.lsm.CompactionPolicy;
import io.corecache.engine.lsm.LsmEngine;
import io.corecache.engine.lsm.LsmOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Opens the engine under torture, the same way in the writer processes and in the verifier.
 *
 * <p>The settings push the engine through its rarely-travelled paths within seconds. Bitcask: small data
 * files roll over often (so hint files are written and many files are open), and merges start as soon as a
 * little dead data piles up and are checked for twice a second, so kills land in the middle of them. LSM:
 * tiny memtables flush every few hundred writes, and tiny level targets keep compactions running into
 * several levels (so tombstones and shadowed versions are dropped, or kept, all the time), so kills land
 * in flushes, compactions and manifest updates.
 *
 * @param engine       the engine's name (see {@link #ENGINES})
 * @param durability   the durability mode writes are acknowledged under
 * @param maxFileBytes the data-file size at which Bitcask rolls over
 */
record TortureStore(String engine, Durability durability, long maxFileBytes) {

    /** The engines torture can open. */
    static final List<String> ENGINES = List.of("bitcask", "lsm");

    static final double MERGE_DEAD_RATIO = 0.3;
    static final long MERGE_MIN_DEAD_BYTES = 1L << 20;
    static final Duration MERGE_CHECK_EVERY = Duration.ofMillis(500);

    static final long LSM_MEMTABLE_BYTES = 64L << 10;
    static final CompactionPolicy LSM_COMPACTION = CompactionPolicy.DEFAULT
            .withLevel0CompactionTrigger(2)
            .withLevel1TargetBytes(16L << 10)
            .withLevelMultiplier(2)
            .withTargetTableBytes(16L << 10);

    TortureStore {
        if (!ENGINES.contains(engine)) {
            throw new IllegalArgumentException("engine '" + engine + "' is not available for torture; available: "
                    + String.join(", ", ENGINES));
        }
    }

    StorageEngine open(Path dir) {
        EngineOptions shared = EngineOptions.DEFAULT.withDurability(durability);
        if (engine.equals("lsm")) {
            return LsmEngine.open(dir, LsmOptions.defaults()
                    .withEngine(shared)
                    .withMemtableBytes(LSM_MEMTABLE_BYTES)
                    .withCompaction(LSM_COMPACTION));
        }
        return BitcaskEngine.open(dir, BitcaskOptions.defaults()
                .withEngine(shared)
                .withMaxFileBytes(maxFileBytes)
                .withMergeThresholds(MERGE_DEAD_RATIO, MERGE_MIN_DEAD_BYTES)
                .withMergeCheckEvery(MERGE_CHECK_EVERY));
    }
}
