package io.corecache.engine.lsm;

import io.corecache.engine.Bytes;
import io.corecache.engine.Limits;

import java.util.Arrays;

/**
 * One SSTable as the manifest records it: where it sits in the tree and what it holds. The engine makes
 * one from what the table writer reports once the table is complete and fsynced. The key arrays are
 * shared, not copied: nobody may modify them.
 *
 * @param number      the file number ({@link LsmFiles#sst})
 * @param level       0 .. {@link Version#LEVELS} - 1
 * @param fileSize    bytes of the table file
 * @param smallest    the smallest user key in the table (1..65535 bytes)
 * @param largest     the largest user key in the table, not below {@code smallest}
 * @param minSequence the lowest entry sequence in the table
 * @param maxSequence the highest entry sequence in the table; level 0 orders tables by it
 * @param entries     how many entries (versions, tombstones included) the table holds
 */
record TableFile(long number, int level, long fileSize, byte[] smallest, byte[] largest, long minSequence,
                 long maxSequence, long entries) {

    /** Throws {@link IllegalArgumentException} for a description no real table could have. */
    TableFile {
        if (number < 0) {
            throw new IllegalArgumentException("table number must not be negative: " + number);
        }
        checkLevel(level);
        if (fileSize < 0 || entries < 0) {
            throw new IllegalArgumentException("table " + number + ": negative size " + fileSize + " or entries " + entries);
        }
        checkKey(number, "smallest", smallest);
        checkKey(number, "largest", largest);
        if (Bytes.compare(smallest, largest) > 0) {
            throw new IllegalArgumentException("table " + number + ": smallest key " + Bytes.printable(smallest)
                    + " is above largest key " + Bytes.printable(largest));
        }
        if (minSequence < 0 || minSequence > maxSequence) {
            throw new IllegalArgumentException("table " + number + ": bad sequence range " + minSequence + ".." + maxSequence);
        }
    }

    /** The same table at another level (a compaction that moves a table down without rewriting it). */
    TableFile atLevel(int newLevel) {
        return new TableFile(number, newLevel, fileSize, smallest, largest, minSequence, maxSequence, entries);
    }

    /** Whether {@code key} lies within the table's key range (the table may still not hold it). */
    boolean contains(byte[] key) {
        return Bytes.compare(smallest, key) <= 0 && Bytes.compare(key, largest) <= 0;
    }

    /** Whether the table's key range meets {@code [from, to]}; a null bound is unbounded. */
    boolean overlaps(byte[] from, byte[] to) {
        return (from == null || Bytes.compare(largest, from) >= 0) && (to == null || Bytes.compare(smallest, to) <= 0);
    }

    static void checkLevel(int level) {
        if (level < 0 || level >= Version.LEVELS) {
            throw new IllegalArgumentException("level must be 0.." + (Version.LEVELS - 1) + ", got " + level);
        }
    }

    private static void checkKey(long number, String which, byte[] key) {
        if (key == null || key.length == 0 || key.length > Limits.HARD_MAX_KEY_BYTES) {
            throw new IllegalArgumentException("table " + number + ": " + which + " key must be 1.."
                    + Limits.HARD_MAX_KEY_BYTES + " bytes, got " + (key == null ? "null" : key.length + " bytes"));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableFile t && number == t.number && level == t.level && fileSize == t.fileSize
                && minSequence == t.minSequence && maxSequence == t.maxSequence && entries == t.entries
                && Arrays.equals(smallest, t.smallest) && Arrays.equals(largest, t.largest);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(number) * 31 + level;
    }

    @Override
    public String toString() {
        return "TableFile[#" + number + " L" + level + " " + fileSize + " bytes, " + Bytes.printable(smallest) + ".."
                + Bytes.printable(largest) + ", seq " + minSequence + ".." + maxSequence + ", " + entries + " entries]";
    }
}
