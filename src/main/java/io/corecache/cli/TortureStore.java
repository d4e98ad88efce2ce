package io.corecache.cli;

import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.bitcask.BitcaskEngine;
import io.corecache.engine.bitcask.BitcaskOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Opens the engine under torture, the same way in the writer processes and in the verifier.
 *
 * <p>The settings push the engine through its rarely-travelled paths within seconds: small data files
 * roll over often (so hint files are written and many files are open), and merges start as soon as a
 * little dead data piles up and are checked for twice a second, so kills land in the middle of them.
 *
 * @param engine       the engine's name (see {@link #ENGINES})
 * @param durability   the durability mode writes are acknowledged under
 * @param maxFileBytes the data-file size at which Bitcask rolls over
 */
record TortureStore(String engine, Durability durability, long maxFileBytes) {

    /** The engines torture can open. The LSM engine joins when it exists. */
    static final List<String> ENGINES = List.of("bitcask");

    static final double MERGE_DEAD_RATIO = 0.3;
    static final long MERGE_MIN_DEAD_BYTES = 1L << 20;
    static final Duration MERGE_CHECK_EVERY = Duration.ofMillis(500);

    TortureStore {
        if (!ENGINES.contains(engine)) {
            throw new IllegalArgumentException("engine '" + engine + "' is not available for torture; available: "
                    + String.join(", ", ENGINES) + " (the LSM engine is not built yet)");
        }
    }

    StorageEngine open(Path dir) {
        BitcaskOptions options = BitcaskOptions.defaults()
                .withEngine(EngineOptions.DEFAULT.withDurability(durability))
                .withMaxFileBytes(maxFileBytes)
                .withMergeThresholds(MERGE_DEAD_RATIO, MERGE_MIN_DEAD_BYTES)
                .withMergeCheckEvery(MERGE_CHECK_EVERY);
        return BitcaskEngine.open(dir, options);
    }
}
