package io.corecache.engine.lsm;

import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Runs one {@link Compaction}: merges its input tables and writes the result as new tables of the output
 * level, returning the {@link VersionEdit} that swaps them in. The job never touches the version set or
 * the manifest, and deletes no input: logging the edit, installing it and deleting inputs once no pinned
 * version needs them is the caller's work.
 *
 * <p>What is dropped, for each user key, walking its versions newest first ({@code s} = the oldest live
 * snapshot's sequence; with no snapshot open, the last visible sequence):
 * <ul>
 *   <li>a version whose next newer version has sequence {@code <= s}: every snapshot sees that newer one
 *       (or something newer still), so none can see this one;</li>
 *   <li>a tombstone, or a put expired at {@code now}, with sequence {@code <= s}, when no level below the
 *       output level has a table whose range contains the key: every snapshot sees it as absent, and no
 *       older version remains below for it to hide. If a deeper table might hold the key, it is kept.</li>
 * </ul>
 * Everything else is kept, so every snapshot at or after {@code s} reads what it read before.
 *
 * <p>Outputs are cut once they pass {@link CompactionPolicy#targetTableBytes()}, but only where the user
 * key changes, so the versions of a key stay in one table and the output level stays disjoint by user key.
 * Every output is fsynced ({@link SstableWriter#finish()}) and the directory synced before the edit is
 * returned; if anything fails, every output written so far is deleted and the failure thrown.
 *
 * <p>Inputs are read without the block cache: a compaction reads each block once, and would only evict
 * blocks readers use.
 */
final class CompactionJob {

    /**
     * What a finished job produced: the edit to log and install, and its figures.
     *
     * @param edit           removes every input table and adds every output table (no counters set: the
     *                       version set raises its next file number past the outputs itself)
     * @param outputs        the new tables, fsynced and their names durable, by smallest key
     * @param bytesRead      bytes of the input tables
     * @param bytesWritten   bytes of the output tables
     * @param entriesRead    entries merged from the inputs
     * @param entriesDropped entries not carried into the outputs (shadowed versions, tombstones, expired puts)
     */
    record Result(VersionEdit edit, List<TableFile> outputs, long bytesRead, long bytesWritten,
                  long entriesRead, long entriesDropped) {

        Result {
            outputs = List.copyOf(outputs);
        }
    }

    private final FileOps fileOps;
    private final Path dir;
    private final CompactionPolicy policy;
    private final SstableWriter.Options tableOptions;
    private final LongSupplier fileNumbers;

    /**
     * @param fileNumbers hands out a fresh file number per output table ({@link VersionSet#newFileNumber()})
     */
    CompactionJob(FileOps fileOps, Path dir, CompactionPolicy policy, SstableWriter.Options tableOptions,
                  LongSupplier fileNumbers) {
        this.fileOps = fileOps;
        this.dir = dir;
        this.policy = policy;
        this.tableOptions = tableOptions;
        this.fileNumbers = fileNumbers;
    }

    /**
     * @param version        the version the compaction was picked from: asked whether deeper levels may hold
     *                       a key
     * @param oldestSnapshot the sequence of the oldest live snapshot (the last visible sequence if none)
     * @param now            epoch millis deciding which puts have expired
     * @throws StorageException                           if a table cannot be read, written or synced
     * @throws io.corecache.engine.CorruptionException if an input is damaged
     */
    Result run(Compaction compaction, Version version, long oldestSnapshot, long now) {
        List<SstableReader> readers = new ArrayList<>();
        Outputs outputs = new Outputs(compaction.outputLevel());
        try {
            List<TableIterator> sources = new ArrayList<>();
            for (TableFile table : compaction.allInputs()) {
                SstableReader reader = SstableReader.open(fileOps, dir.resolve(LsmFiles.sst(table.number())),
                        table.number(), null);
                readers.add(reader);
                sources.add(reader.iterator());
            }
            MergingIterator merged = new MergingIterator(sources);
            long entriesRead = 0;
            long dropped = 0;
            byte[] currentKey = null;
            long newerSequence = Long.MAX_VALUE; // of the previous version of currentKey; MAX = none yet
            while (merged.hasNext()) {
                InternalEntry entry = merged.next();
                entriesRead++;
                if (currentKey == null || !Arrays.equals(currentKey, entry.key())) {
                    currentKey = entry.key();
                    newerSequence = Long.MAX_VALUE;
                }
                boolean shadowed = newerSequence <= oldestSnapshot;
                newerSequence = entry.sequence();
                if (shadowed || (isGone(entry, now) && entry.sequence() <= oldestSnapshot
                        && !deeperLevelMayHold(version, compaction.outputLevel(), entry.key()))) {
                    dropped++;
                    continue;
                }
                outputs.add(entry);
            }
            List<TableFile> written = outputs.finish();
            VersionEdit.Builder edit = VersionEdit.builder();
            for (TableFile table : compaction.inputs()) {
                edit.removeTable(compaction.level(), table.number());
            }
            for (TableFile table : compaction.outputLevelInputs()) {
                edit.removeTable(compaction.outputLevel(), table.number());
            }
            long bytesWritten = 0;
            for (TableFile table : written) {
                edit.addTable(table);
                bytesWritten += table.fileSize();
            }
            return new Result(edit.build(), written, compaction.inputBytes(), bytesWritten, entriesRead,
                    dropped);
        } catch (RuntimeException | Error e) {
            outputs.deleteAll(e);
            throw e;
        } finally {
            for (SstableReader reader : readers) {
                reader.close();
            }
        }
    }

    /** A tombstone, or a put no reader can see any more. */
    private static boolean isGone(InternalEntry entry, long now) {
        return entry.isDelete() || (entry.expiresAt() != 0 && now >= entry.expiresAt());
    }

    /** Whether a table below the output level has a range containing {@code key} (it may hold an older version). */
    private static boolean deeperLevelMayHold(Version version, int outputLevel, byte[] key) {
        for (int level = outputLevel + 1; level < Version.LEVELS; level++) {
            if (!version.tablesForKey(level, key).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** The output tables: one open writer at a time, cut between user keys past the target size. */
    private final class Outputs {
        private final int level;
        private final List<TableFile> finished = new ArrayList<>();
        private SstableWriter writer;
        private long writerNumber;
        private byte[] lastKey;

        Outputs(int level) {
            this.level = level;
        }

        void add(InternalEntry entry) {
            if (writer != null && writer.fileSize() >= policy.targetTableBytes()
                    && !Arrays.equals(lastKey, entry.key())) {
                finishCurrent();
            }
            if (writer == null) {
                writerNumber = fileNumbers.getAsLong();
                writer = SstableWriter.create(fileOps, dir.resolve(LsmFiles.sst(writerNumber)), tableOptions);
            }
            writer.add(entry);
            lastKey = entry.key();
        }

        /** Finishes the last table and makes every output's name durable. */
        List<TableFile> finish() {
            if (writer != null) {
                finishCurrent();
            }
            if (!finished.isEmpty()) {
                try {
                    fileOps.syncDirectory(dir);
                } catch (IOException e) {
                    throw new StorageException("cannot sync directory " + dir + " after compaction: "
                            + e.getMessage(), e);
                }
            }
            return List.copyOf(finished);
        }

        private void finishCurrent() {
            TableSummary summary = writer.finish();
            finished.add(new TableFile(writerNumber, level, summary.fileSize(), summary.smallestKey(),
                    summary.largestKey(), summary.minSequence(), summary.maxSequence(), summary.entries()));
            writer = null;
        }

        /** After a failure: deletes the open output and every finished one; problems join {@code failure}. */
        void deleteAll(Throwable failure) {
            if (writer != null) {
                try {
                    writer.abandon();
                } catch (RuntimeException e) {
                    failure.addSuppressed(e);
                }
                writer = null;
            }
            for (TableFile table : finished) {
                try {
                    fileOps.delete(dir.resolve(LsmFiles.sst(table.number())));
                } catch (IOException | RuntimeException e) {
                    failure.addSuppressed(e);
                }
            }
        }
    }
}
