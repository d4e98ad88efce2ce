package io.corecache.engine;

/**
 * What an engine reports about itself.
 *
 * @param liveKeys        keys with a current version (expired ones count until they are purged)
 * @param diskBytes       bytes of all the engine's files
 * @param deadBytes       bytes of superseded versions and tombstones a merge or compaction can reclaim
 * @param files           number of data files
 * @param merges          merges (or compactions) completed since open
 * @param reclaimedBytes  bytes freed by those merges
 * @param appliedRevision highest revision stored
 */
public record EngineStats(long liveKeys, long diskBytes, long deadBytes, int files, long merges,
                          long reclaimedBytes, long appliedRevision) {
}
