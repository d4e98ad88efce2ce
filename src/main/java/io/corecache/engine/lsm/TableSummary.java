package io.corecache.engine.lsm;

import io.corecache.engine.Bytes;

import java.util.Arrays;

/**
 * What the engine records about a finished table (from {@link SstableWriter#finish()} or
 * {@link SstableReader#summary()}): enough to place it in a level and to skip it for keys out of its range.
 *
 * @param fileSize    bytes in the file
 * @param entries     entries (every version, tombstones included)
 * @param deletes     tombstones among them
 * @param smallestKey the smallest user key
 * @param largestKey  the largest user key
 * @param minSequence the smallest sequence of any entry
 * @param maxSequence the largest sequence of any entry
 */
public record TableSummary(long fileSize, long entries, long deletes, byte[] smallestKey, byte[] largestKey,
                           long minSequence, long maxSequence) {

    @Override
    public boolean equals(Object o) {
        return o instanceof TableSummary s && fileSize == s.fileSize && entries == s.entries && deletes == s.deletes
                && minSequence == s.minSequence && maxSequence == s.maxSequence
                && Arrays.equals(smallestKey, s.smallestKey) && Arrays.equals(largestKey, s.largestKey);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(fileSize) * 31 + Long.hashCode(maxSequence)) * 31 + Arrays.hashCode(smallestKey);
    }

    @Override
    public String toString() {
        return "TableSummary[" + fileSize + " bytes, " + entries + " entries (" + deletes + " deletes), keys "
                + Bytes.printable(smallestKey) + " .. " + Bytes.printable(largestKey) + ", sequences " + minSequence
                + " .. " + maxSequence + "]";
    }
}
