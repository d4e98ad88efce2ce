package io.corecache.engine.lsm;

import io.corecache.engine.Bytes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The live tables at one moment, level by level; immutable, so a reader holding one sees a fixed tree
 * while flushes and compactions install new versions ({@link VersionSet}).
 *
 * <p>What holds (checked by {@link #apply}, so a version breaking it is never built):
 * <ul>
 *   <li>Level 0 tables are flushed memtables and may overlap; they are ordered newest first (by max
 *       sequence, then by number), so a lookup consults them in that order and stops at the first hit.</li>
 *   <li>In each level 1..{@code LEVELS - 1} the tables' key ranges are disjoint ({@code largest} of one is
 *       strictly below {@code smallest} of the next: a user key never spans two tables of a level) and
 *       ordered by smallest key, so a lookup reads at most one table per level.</li>
 *   <li>A table number appears at most once in the whole version.</li>
 * </ul>
 */
final class Version {

    /** Levels in the tree: 0 (overlapping flushes) and 1..6 (sorted runs, each about ten times the last). */
    static final int LEVELS = 7;

    static final Version EMPTY = new Version(Collections.nCopies(LEVELS, List.of()));

    /** Level 0's order: newest first. */
    private static final Comparator<TableFile> NEWEST_FIRST =
            Comparator.comparingLong(TableFile::maxSequence).thenComparingLong(TableFile::number).reversed();

    /** Levels 1+: by smallest key. */
    private static final Comparator<TableFile> BY_SMALLEST_KEY = (a, b) -> Bytes.compare(a.smallest(), b.smallest());

    private final List<List<TableFile>> levels;
    private final long[] levelBytes = new long[LEVELS];

    /** {@code levels} must already be in order and valid; each list unmodifiable. */
    private Version(List<List<TableFile>> levels) {
        this.levels = List.copyOf(levels);
        for (int level = 0; level < LEVELS; level++) {
            for (TableFile table : levels.get(level)) {
                levelBytes[level] += table.fileSize();
            }
        }
    }

    /** The tables of {@code level} in lookup order (level 0 newest first, others by key). */
    List<TableFile> files(int level) {
        TableFile.checkLevel(level);
        return levels.get(level);
    }

    /** The total size of the tables of {@code level}: what decides which level to compact next. */
    long levelBytes(int level) {
        TableFile.checkLevel(level);
        return levelBytes[level];
    }

    int tableCount() {
        int count = 0;
        for (List<TableFile> level : levels) {
            count += level.size();
        }
        return count;
    }

    /** The numbers of every table in this version. */
    Set<Long> tableNumbers() {
        Set<Long> numbers = new HashSet<>();
        for (List<TableFile> level : levels) {
            for (TableFile table : level) {
                numbers.add(table.number());
            }
        }
        return numbers;
    }

    /**
     * The tables of {@code level} whose key range holds {@code key}, in the order to consult them: at
     * level 0 every such table, newest first; at any other level at most one.
     */
    List<TableFile> tablesForKey(int level, byte[] key) {
        List<TableFile> tables = files(level);
        if (level == 0) {
            List<TableFile> found = new ArrayList<>();
            for (TableFile table : tables) {
                if (table.contains(key)) {
                    found.add(table);
                }
            }
            return found;
        }
        int i = firstEndingAtOrAfter(tables, key);
        return i < tables.size() && Bytes.compare(tables.get(i).smallest(), key) <= 0 ? List.of(tables.get(i)) : List.of();
    }

    /**
     * The tables of {@code level} whose key range meets {@code [smallest, largest]} (a null bound is
     * unbounded), in the level's order. At level 0 this is only the tables that meet the range itself,
     * not those they in turn overlap: a compaction widens its range as it needs.
     */
    List<TableFile> overlapping(int level, byte[] smallest, byte[] largest) {
        List<TableFile> tables = files(level);
        List<TableFile> found = new ArrayList<>();
        if (level == 0) {
            for (TableFile table : tables) {
                if (table.overlaps(smallest, largest)) {
                    found.add(table);
                }
            }
            return found;
        }
        int start = smallest == null ? 0 : firstEndingAtOrAfter(tables, smallest);
        for (int i = start; i < tables.size() && tables.get(i).overlaps(smallest, largest); i++) {
            found.add(tables.get(i));
        }
        return found;
    }

    /** In a sorted, disjoint level: the index of the first table whose largest key is >= {@code key}. */
    private static int firstEndingAtOrAfter(List<TableFile> tables, byte[] key) {
        int low = 0;
        int high = tables.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (Bytes.compare(tables.get(mid).largest(), key) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /**
     * The version {@code edit} leads to. Throws {@link IllegalArgumentException}, leaving nothing changed,
     * if the edit removes a table the level does not hold, adds a number already present, or leaves two
     * tables of a level above 0 overlapping: any of those is a bug in the caller (or, replayed from a
     * manifest, corruption).
     */
    Version apply(VersionEdit edit) {
        List<List<TableFile>> next = new ArrayList<>(levels);
        boolean[] touched = new boolean[LEVELS];
        for (VersionEdit.RemovedTable removed : edit.removed()) {
            List<TableFile> level = writable(next, touched, removed.level());
            if (!level.removeIf(table -> table.number() == removed.number())) {
                throw new IllegalArgumentException("cannot remove table " + removed.number() + " from level "
                        + removed.level() + ": it is not there");
            }
        }
        for (TableFile table : edit.added()) {
            writable(next, touched, table.level()).add(table);
        }
        Set<Long> numbers = new HashSet<>();
        for (List<TableFile> level : next) {
            for (TableFile table : level) {
                if (!numbers.add(table.number())) {
                    throw new IllegalArgumentException("table number " + table.number() + " would appear twice");
                }
            }
        }
        for (int level = 0; level < LEVELS; level++) {
            if (touched[level]) {
                List<TableFile> tables = next.get(level);
                tables.sort(level == 0 ? NEWEST_FIRST : BY_SMALLEST_KEY);
                if (level > 0) {
                    checkDisjoint(level, tables);
                }
                next.set(level, Collections.unmodifiableList(tables));
            }
        }
        return new Version(next);
    }

    private static List<TableFile> writable(List<List<TableFile>> next, boolean[] touched, int level) {
        if (!touched[level]) {
            touched[level] = true;
            next.set(level, new ArrayList<>(next.get(level)));
        }
        return next.get(level);
    }

    private static void checkDisjoint(int level, List<TableFile> sorted) {
        for (int i = 1; i < sorted.size(); i++) {
            TableFile before = sorted.get(i - 1);
            TableFile after = sorted.get(i);
            if (Bytes.compare(before.largest(), after.smallest()) >= 0) {
                throw new IllegalArgumentException("tables " + before.number() + " and " + after.number()
                        + " would overlap at level " + level + ": " + before + ", " + after);
            }
        }
    }

    @Override
    public String toString() {
        int[] counts = new int[LEVELS];
        for (int level = 0; level < LEVELS; level++) {
            counts[level] = levels.get(level).size();
        }
        return "Version[tables per level " + Arrays.toString(counts) + "]";
    }
}
