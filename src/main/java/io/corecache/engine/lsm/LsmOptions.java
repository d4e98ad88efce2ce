package io.corecache.engine.lsm;

import io.corecache.engine.EngineOptions;
import io.corecache.engine.InvalidArgumentException;

/**
 * LSM engine settings (docs/lsm.md).
 *
 * @param engine                the settings every engine shares
 * @param memtableBytes         a memtable is frozen and flushed once it holds about this many bytes
 * @param maxImmutableMemtables frozen memtables waiting for their flush before writers must wait
 * @param blockCacheBytes       data blocks kept in memory across all tables; 0 turns the cache off
 * @param bloomBitsPerKey       bloom filter bits per key in new tables (1..64)
 * @param blockBytes            target size of a table's data blocks
 * @param level0SlowdownTables  level-0 tables past which each write is delayed a little
 * @param level0StopTables      level-0 tables at which writers wait for compaction
 * @param compaction            when and how tables are compacted (level targets, table size)
 */
public record LsmOptions(EngineOptions engine, long memtableBytes, int maxImmutableMemtables, long blockCacheBytes,
                         int bloomBitsPerKey, int blockBytes, int level0SlowdownTables, int level0StopTables,
                         CompactionPolicy compaction) {

    public static final long MIN_MEMTABLE_BYTES = 4L << 10;
    public static final long MAX_MEMTABLE_BYTES = 1L << 30;

    public LsmOptions {
        if (engine == null) {
            throw new InvalidArgumentException("bad_option", "engine options are required");
        }
        if (memtableBytes < MIN_MEMTABLE_BYTES || memtableBytes > MAX_MEMTABLE_BYTES) {
            throw new InvalidArgumentException("bad_option", "memtable size must be 4 KiB..1 GiB, got " + memtableBytes);
        }
        if (maxImmutableMemtables < 1) {
            throw new InvalidArgumentException("bad_option",
                    "max immutable memtables must be at least 1, got " + maxImmutableMemtables);
        }
        if (blockCacheBytes < 0) {
            throw new InvalidArgumentException("bad_option", "block cache size must not be negative, got " + blockCacheBytes);
        }
        if (bloomBitsPerKey < 1 || bloomBitsPerKey > 64) {
            throw new InvalidArgumentException("bad_option", "bloom bits per key must be 1..64, got " + bloomBitsPerKey);
        }
        if (blockBytes < 256 || blockBytes > (1 << 20)) {
            throw new InvalidArgumentException("bad_option", "block size must be 256 B..1 MiB, got " + blockBytes);
        }
        if (compaction == null) {
            throw new InvalidArgumentException("bad_option", "a compaction policy is required");
        }
        if (level0SlowdownTables < 1 || level0StopTables < level0SlowdownTables) {
            throw new InvalidArgumentException("bad_option", "level-0 limits need 1 <= slowdown <= stop, got "
                    + level0SlowdownTables + " and " + level0StopTables);
        }
    }

    public static LsmOptions defaults() {
        return new LsmOptions(EngineOptions.DEFAULT, 16L << 20, 2, 32L << 20, 10, 4096, 8, 12,
                CompactionPolicy.DEFAULT);
    }

    /** What the table writer needs of these settings. */
    SstableWriter.Options tableOptions() {
        return new SstableWriter.Options(blockBytes, bloomBitsPerKey);
    }

    public LsmOptions withEngine(EngineOptions value) {
        return new LsmOptions(value, memtableBytes, maxImmutableMemtables, blockCacheBytes, bloomBitsPerKey,
                blockBytes, level0SlowdownTables, level0StopTables, compaction);
    }

    public LsmOptions withMemtableBytes(long value) {
        return new LsmOptions(engine, value, maxImmutableMemtables, blockCacheBytes, bloomBitsPerKey,
                blockBytes, level0SlowdownTables, level0StopTables, compaction);
    }

    public LsmOptions withMaxImmutableMemtables(int value) {
        return new LsmOptions(engine, memtableBytes, value, blockCacheBytes, bloomBitsPerKey,
                blockBytes, level0SlowdownTables, level0StopTables, compaction);
    }

    public LsmOptions withBlockCacheBytes(long value) {
        return new LsmOptions(engine, memtableBytes, maxImmutableMemtables, value, bloomBitsPerKey,
                blockBytes, level0SlowdownTables, level0StopTables, compaction);
    }

    public LsmOptions withBloomBitsPerKey(int value) {
        return new LsmOptions(engine, memtableBytes, maxImmutableMemtables, blockCacheBytes, value,
                blockBytes, level0SlowdownTables, level0StopTables, compaction);
    }

    public LsmOptions withBlockBytes(int value) {
        return new LsmOptions(engine, memtableBytes, maxImmutableMemtables, blockCacheBytes, bloomBitsPerKey,
                value, level0SlowdownTables, level0StopTables, compaction);
    }

    public LsmOptions withLevel0Limits(int slowdownTables, int stopTables) {
        return new LsmOptions(engine, memtableBytes, maxImmutableMemtables, blockCacheBytes, bloomBitsPerKey,
                blockBytes, slowdownTables, stopTables, compaction);
    }

    public LsmOptions withCompaction(CompactionPolicy value) {
        return new LsmOptions(engine, memtableBytes, maxImmutableMemtables, blockCacheBytes, bloomBitsPerKey,
                blockBytes, level0SlowdownTables, level0StopTables, value);
    }
}
