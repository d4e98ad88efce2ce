package io.corecache.engine.lsm;

import io.corecache.engine.Bytes;

import java.util.List;
import java.util.Optional;

/**
 * Chooses the next compaction for a {@link Version} (docs/lsm.md, "Compaction"), or none.
 *
 * <p>Of the levels due (level 0 at its trigger, a deeper level past its target) the one with the highest
 * score is compacted, the shallower on a tie, as in LevelDB and RocksDB: level 0 scores its table count
 * over {@link CompactionPolicy#level0CompactionTrigger()}, level {@code n} in 1..LEVELS-2 its bytes over
 * its target. Always preferring level 0 would starve the levels
 * below under a steady write load: level 0 refills before level 1 gets a turn, level 1 grows far past its
 * target, and every level-0 compaction rewrites all of it (a fill of 20M keys measured a write
 * amplification of 49 that way).
 * <ul>
 *   <li>Level 0: the oldest level-0 table, widened to every level-0 table its range meets, again and again
 *       until no more join (level-0 tables overlap, so leaving one behind that shares a key with an input
 *       would leave an older version of that key above the newer one compacted into level 1), plus the
 *       level-1 tables that range meets.</li>
 *   <li>Level {@code n >= 1}: one table, the first whose largest key is past the level's compact pointer
 *       (wrapping to the first table), plus the level {@code n+1} tables its range meets.</li>
 * </ul>
 *
 * Keeping all versions of a user key together needs nothing more at levels 1+: {@link Version} keeps their
 * tables disjoint by user key (a key never spans two tables), and range overlap is by user key with
 * inclusive ends, so every table holding a key of the range joins. {@link CompactionJob} keeps it so by
 * never cutting an output inside a user key.
 *
 * <p>Stateless; the compact pointers belong to the caller, who advances the pointer of the compacted
 * level to {@link Compaction#nextCompactPointer()} once the compaction is installed.
 */
final class CompactionPicker {

    private final CompactionPolicy policy;

    CompactionPicker(CompactionPolicy policy) {
        this.policy = policy;
    }

    /**
     * @param compactPointers per level (index = level, length {@link Version#LEVELS}), the largest key last
     *                        compacted there, or null to start from the beginning of the key space
     */
    Optional<Compaction> pick(Version version, byte[][] compactPointers) {
        if (compactPointers.length != Version.LEVELS) {
            throw new IllegalArgumentException("need one compact pointer per level (" + Version.LEVELS + "), got "
                    + compactPointers.length);
        }
        int level = highestScoring(version);
        if (level < 0) {
            return Optional.empty();
        }
        return Optional.of(level == 0 ? pickLevel0(version) : pickOneTable(version, level, compactPointers[level]));
    }

    /** The score of {@code level}: table count over the trigger at level 0, bytes over the target below. */
    double score(Version version, int level) {
        return level == 0
                ? (double) version.files(0).size() / policy.level0CompactionTrigger()
                : (double) version.levelBytes(level) / policy.targetBytes(level);
    }

    /**
     * The level in 0..LEVELS-2 with the highest score among those due (level 0 at its trigger, a deeper level
     * past its target), the shallower on a tie, or -1. The last level has nowhere to go.
     */
    private int highestScoring(Version version) {
        int best = -1;
        double bestScore = 0;
        for (int level = 0; level < Version.LEVELS - 1; level++) {
            double score = score(version, level);
            boolean due = level == 0 ? score >= 1.0 : score > 1.0; // level 0 at its trigger; a level past its target
            if (due && score > bestScore) {
                best = level;
                bestScore = score;
            }
        }
        return best;
    }

    private Compaction pickLevel0(Version version) {
        List<TableFile> level0 = version.files(0);
        TableFile oldest = level0.get(level0.size() - 1);
        byte[] smallest = oldest.smallest();
        byte[] largest = oldest.largest();
        List<TableFile> inputs = List.of(oldest);
        while (true) {
            List<TableFile> widened = version.overlapping(0, smallest, largest);
            for (TableFile table : widened) {
                smallest = min(smallest, table.smallest());
                largest = max(largest, table.largest());
            }
            if (widened.size() == inputs.size()) {
                break;
            }
            inputs = widened;
        }
        return withOutputLevel(version, 0, inputs, smallest, largest);
    }

    private Compaction pickOneTable(Version version, int level, byte[] pointer) {
        List<TableFile> tables = version.files(level);
        TableFile chosen = tables.get(0);
        if (pointer != null) {
            for (TableFile table : tables) {
                if (Bytes.compare(table.largest(), pointer) > 0) {
                    chosen = table;
                    break;
                }
            }
        }
        return withOutputLevel(version, level, List.of(chosen), chosen.smallest(), chosen.largest());
    }

    /** Adds the output level's tables meeting {@code [smallest, largest]}; the compaction's range covers them. */
    private static Compaction withOutputLevel(Version version, int level, List<TableFile> inputs, byte[] smallest,
                                              byte[] largest) {
        List<TableFile> below = version.overlapping(level + 1, smallest, largest);
        byte[] from = smallest;
        byte[] to = largest;
        for (TableFile table : below) {
            from = min(from, table.smallest());
            to = max(to, table.largest());
        }
        return new Compaction(level, inputs, below, from, to);
    }

    private static byte[] min(byte[] a, byte[] b) {
        return Bytes.compare(a, b) <= 0 ? a : b;
    }

    private static byte[] max(byte[] a, byte[] b) {
        return Bytes.compare(a, b) >= 0 ? a : b;
    }
}
