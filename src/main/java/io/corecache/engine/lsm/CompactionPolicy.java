package io.corecache.engine.lsm;

/**
 * When and how much to compact (docs/lsm.md, "Compaction"): level 0 is compacted into level 1 once it holds
 * {@code level0CompactionTrigger} tables; level {@code n >= 1} into {@code n+1} once its bytes pass its
 * target, {@code level1TargetBytes * levelMultiplier^(n-1)}; outputs are cut at about {@code targetTableBytes}.
 *
 * @param level0CompactionTrigger level-0 tables that start an L0 -> L1 compaction (at least 1)
 * @param level1TargetBytes       the size level 1 may reach before it is compacted
 * @param levelMultiplier         how much larger each level's target is than the one above (at least 2)
 * @param targetTableBytes        an output table is cut at the first user-key boundary past this size
 */
public record CompactionPolicy(int level0CompactionTrigger, long level1TargetBytes, int levelMultiplier,
                               long targetTableBytes) {

    public static final CompactionPolicy DEFAULT = new CompactionPolicy(4, 64L << 20, 10, 8L << 20);

    public CompactionPolicy {
        if (level0CompactionTrigger < 1) {
            throw new IllegalArgumentException("level-0 compaction trigger must be at least 1 table, got "
                    + level0CompactionTrigger);
        }
        if (level1TargetBytes < 1 || targetTableBytes < 1) {
            throw new IllegalArgumentException("level-1 target and table target must be positive, got "
                    + level1TargetBytes + " and " + targetTableBytes);
        }
        if (levelMultiplier < 2) {
            throw new IllegalArgumentException("level multiplier must be at least 2, got " + levelMultiplier);
        }
    }

    public CompactionPolicy withLevel0CompactionTrigger(int tables) {
        return new CompactionPolicy(tables, level1TargetBytes, levelMultiplier, targetTableBytes);
    }

    public CompactionPolicy withLevel1TargetBytes(long bytes) {
        return new CompactionPolicy(level0CompactionTrigger, bytes, levelMultiplier, targetTableBytes);
    }

    public CompactionPolicy withLevelMultiplier(int multiplier) {
        return new CompactionPolicy(level0CompactionTrigger, level1TargetBytes, multiplier, targetTableBytes);
    }

    public CompactionPolicy withTargetTableBytes(long bytes) {
        return new CompactionPolicy(level0CompactionTrigger, level1TargetBytes, levelMultiplier, bytes);
    }

    /** The size level {@code level} (1 and up) may reach before it is compacted; saturates rather than overflows. */
    public long targetBytes(int level) {
        if (level < 1) {
            throw new IllegalArgumentException("level 0 is sized by table count, not bytes");
        }
        long target = level1TargetBytes;
        for (int n = 1; n < level; n++) {
            target = target > Long.MAX_VALUE / levelMultiplier ? Long.MAX_VALUE : target * levelMultiplier;
        }
        return target;
    }
}
