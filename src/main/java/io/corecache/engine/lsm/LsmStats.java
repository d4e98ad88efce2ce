package io.corecache.engine.lsm;

import java.util.Arrays;

/**
 * What the LSM engine reports beyond {@link io.corecache.engine.EngineStats}: write amplification and the
 * shape of the tree.
 *
 * @param flushBytes        bytes of level-0 tables written by flushes since open
 * @param compactionBytes   bytes of tables written by compactions since open
 * @param levelBytes        bytes of the live tables of each level (index = level)
 * @param levelFiles        live tables of each level
 * @param immutableMemtables frozen memtables waiting for their flush
 * @param blockCacheHits    data block reads served by the block cache
 * @param blockCacheMisses  data block reads that went to the file
 */
public record LsmStats(long flushBytes, long compactionBytes, long[] levelBytes, int[] levelFiles,
                       int immutableMemtables, long blockCacheHits, long blockCacheMisses) {

    public LsmStats {
        levelBytes = levelBytes.clone();
        levelFiles = levelFiles.clone();
    }

    @Override
    public long[] levelBytes() {
        return levelBytes.clone();
    }

    @Override
    public int[] levelFiles() {
        return levelFiles.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LsmStats s && flushBytes == s.flushBytes && compactionBytes == s.compactionBytes
                && Arrays.equals(levelBytes, s.levelBytes) && Arrays.equals(levelFiles, s.levelFiles)
                && immutableMemtables == s.immutableMemtables && blockCacheHits == s.blockCacheHits
                && blockCacheMisses == s.blockCacheMisses;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(flushBytes) * 31 + Arrays.hashCode(levelFiles);
    }

    @Override
    public String toString() {
        return "LsmStats[flushed " + flushBytes + " bytes, compacted " + compactionBytes + " bytes, files per level "
                + Arrays.toString(levelFiles) + ", bytes per level " + Arrays.toString(levelBytes) + ", "
                + immutableMemtables + " immutable memtables, block cache " + blockCacheHits + " hits / "
                + blockCacheMisses + " misses]";
    }
}
