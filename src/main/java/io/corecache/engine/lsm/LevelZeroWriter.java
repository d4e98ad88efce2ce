package io.corecache.engine.lsm;

import io.corecache.engine.FileOps;

import java.nio.file.Path;

/**
 * Writes a memtable out as a level-0 table (a flush). The table is fsynced by the writer; making its name
 * durable (a directory fsync) and recording it in the manifest are the caller's next steps, in that order,
 * so the manifest never names a table a crash could lose.
 */
final class LevelZeroWriter {

    private LevelZeroWriter() {
    }

    /**
     * Writes every entry of {@code memtable} (which must not be empty) to table {@code number} in {@code dir}.
     * On failure the partial file is deleted and the exception rethrown.
     */
    static TableFile write(FileOps fileOps, Path dir, long number, Memtable memtable, SstableWriter.Options options) {
        SstableWriter writer = SstableWriter.create(fileOps, dir.resolve(LsmFiles.sst(number)), options);
        try {
            for (InternalEntry entry : memtable.entries()) {
                writer.add(entry);
            }
            TableSummary summary = writer.finish();
            return new TableFile(number, 0, summary.fileSize(), summary.smallestKey(), summary.largestKey(),
                    summary.minSequence(), summary.maxSequence(), summary.entries());
        } catch (RuntimeException e) {
            try {
                writer.abandon();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
