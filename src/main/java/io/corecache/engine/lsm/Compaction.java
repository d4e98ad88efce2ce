package io.corecache.engine.lsm;

import io.corecache.engine.Bytes;

import java.util.ArrayList;
import java.util.List;

/**
 * One compaction chosen by {@link CompactionPicker}: the tables of {@code level} to merge into
 * {@code level + 1}, and the tables of {@code level + 1} whose key ranges they meet. {@link CompactionJob}
 * runs it.
 *
 * <p>What holds: every table of the output level that meets {@code [smallest, largest]} is among
 * {@code outputLevelInputs}, and at level 0 every table meeting that range is among {@code inputs}; so no
 * version of a user key in the range is left behind above the outputs, and the outputs can replace the
 * inputs without overlapping anything left in the output level.
 *
 * @param level             the level compacted (0 .. LEVELS - 2)
 * @param inputs            its tables taking part (at least one), in the level's order
 * @param outputLevelInputs the tables of {@code level + 1} taking part, by smallest key
 * @param smallest          the smallest user key of all inputs
 * @param largest           the largest user key of all inputs
 */
record Compaction(int level, List<TableFile> inputs, List<TableFile> outputLevelInputs, byte[] smallest,
                  byte[] largest) {

    Compaction {
        if (level < 0 || level >= Version.LEVELS - 1) {
            throw new IllegalArgumentException("cannot compact level " + level + " into a level below it");
        }
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("a compaction needs at least one input table of level " + level);
        }
        inputs = List.copyOf(inputs);
        outputLevelInputs = List.copyOf(outputLevelInputs);
    }

    int outputLevel() {
        return level + 1;
    }

    /** Every input table, upper level first. */
    List<TableFile> allInputs() {
        List<TableFile> all = new ArrayList<>(inputs);
        all.addAll(outputLevelInputs);
        return all;
    }

    long inputBytes() {
        long bytes = 0;
        for (TableFile table : allInputs()) {
            bytes += table.fileSize();
        }
        return bytes;
    }

    /**
     * The compact pointer of {@link #level} after this compaction: the largest key compacted there, so the
     * next compaction of the level starts past it (round-robin through the key space).
     */
    byte[] nextCompactPointer() {
        byte[] largestOfLevel = inputs.get(0).largest();
        for (TableFile table : inputs) {
            if (Bytes.compare(table.largest(), largestOfLevel) > 0) {
                largestOfLevel = table.largest();
            }
        }
        return largestOfLevel;
    }

    @Override
    public String toString() {
        return "Compaction[L" + level + " -> L" + outputLevel() + ", " + inputs.size() + " + "
                + outputLevelInputs.size() + " tables, " + Bytes.printable(smallest) + ".." + Bytes.printable(largest) + "]";
    }
}
