package io.corecache.engine.bitcask;

import io.corecache.engine.EngineOptions;
import io.corecache.engine.InvalidArgumentException;

import java.time.Duration;

/**
 * Bitcask settings (conf/application.conf, {@code corecache.bitcask}).
 *
 * @param engine            the settings every engine shares
 * @param maxFileBytes      the active data file rolls over once it holds this many bytes (1 MiB..1 GiB)
 * @param mergeDeadRatio    merge once dead bytes are at least this share of the immutable files' bytes
 * @param mergeMinDeadBytes ...and at least this many bytes, so small stores do not merge for nothing
 * @param mergeCheckEvery   how often the background thread looks at those thresholds; zero turns
 *                          automatic merging off (explicit {@link BitcaskEngine#merge()} still works)
 */
public record BitcaskOptions(EngineOptions engine, long maxFileBytes, double mergeDeadRatio,
                             long mergeMinDeadBytes, Duration mergeCheckEvery) {

    public static final long MIN_FILE_BYTES = 1L << 20;
    public static final long MAX_FILE_BYTES = 1L << 30;

    public BitcaskOptions {
        if (maxFileBytes < MIN_FILE_BYTES || maxFileBytes > MAX_FILE_BYTES) {
            throw new InvalidArgumentException("bad_option",
                    "bitcask max file size must be 1 MiB..1 GiB, got " + maxFileBytes);
        }
        if (!(mergeDeadRatio > 0 && mergeDeadRatio <= 1)) {
            throw new InvalidArgumentException("bad_option", "merge dead ratio must be in (0, 1], got " + mergeDeadRatio);
        }
        if (mergeMinDeadBytes < 0 || mergeCheckEvery == null || mergeCheckEvery.isNegative()) {
            throw new InvalidArgumentException("bad_option", "merge thresholds must not be negative");
        }
    }

    public static BitcaskOptions defaults() {
        return new BitcaskOptions(EngineOptions.DEFAULT, 256L << 20, 0.5, 64L << 20, Duration.ofSeconds(10));
    }

    public BitcaskOptions withEngine(EngineOptions value) {
        return new BitcaskOptions(value, maxFileBytes, mergeDeadRatio, mergeMinDeadBytes, mergeCheckEvery);
    }

    public BitcaskOptions withMaxFileBytes(long value) {
        return new BitcaskOptions(engine, value, mergeDeadRatio, mergeMinDeadBytes, mergeCheckEvery);
    }

    public BitcaskOptions withMergeThresholds(double deadRatio, long minDeadBytes) {
        return new BitcaskOptions(engine, maxFileBytes, deadRatio, minDeadBytes, mergeCheckEvery);
    }

    public BitcaskOptions withMergeCheckEvery(Duration value) {
        return new BitcaskOptions(engine, maxFileBytes, mergeDeadRatio, mergeMinDeadBytes, value);
    }
}
