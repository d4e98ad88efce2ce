package io.corecache.engine.lsm;

import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Opening an LSM directory (docs/lsm.md, "Recovery"): a restore a crash interrupted is discarded whole;
 * the manifest is opened (or created); files it does not need are deleted; every write-ahead log at or
 * above its log number is replayed, in order, into one memtable, a torn tail cut off. Damage followed by
 * intact records is a {@link io.corecache.engine.CorruptionException} and the engine does not open.
 * The caller then flushes the replayed memtable and starts a fresh log.
 */
final class LsmRecovery {

    private static final Logger log = LoggerFactory.getLogger(LsmRecovery.class);

    /** Present while a checkpoint restore replaces the directory's contents; a crash then reopens empty. */
    static final String RESTORING = "RESTORING";

    /**
     * What was recovered.
     *
     * @param manifest        the open manifest
     * @param replayed        the writes of the replayed logs
     * @param lastSequence    the highest sequence in the tables or the logs
     * @param appliedRevision the highest revision in the manifest or the logs
     * @param logs            numbers of the logs replayed (to delete once their writes are in a table)
     */
    record Result(Manifest manifest, Memtable replayed, long lastSequence, long appliedRevision, long[] logs) {
    }

    private LsmRecovery() {
    }

    static Result run(Path dir, FileOps fileOps) {
        Manifest manifest;
        try {
            fileOps.createDirectories(dir);
            if (fileOps.exists(dir.resolve(RESTORING))) {
                log.warn("{}: a checkpoint restore was interrupted; discarding its partial state", dir);
                wipe(dir, fileOps);
            }
        } catch (IOException e) {
            throw new StorageException("cannot prepare " + dir + ": " + e.getMessage(), e);
        }
        manifest = Manifest.exists(dir, fileOps)
                ? Manifest.open(dir, fileOps, Manifest.DEFAULT_ROLLOVER_BYTES, state -> committedAfter(dir, fileOps, state))
                : Manifest.create(dir, fileOps, emptyState());
        try {
            VersionSet versions = manifest.versions();
            deleteLeftovers(dir, fileOps, versions);
            Memtable memtable = new Memtable();
            long[] counters = {versions.lastSequence(), versions.appliedRevision()};
            long[] logs = java.util.Arrays.stream(LsmFiles.walNumbers(fileOps, dir))
                    .filter(n -> Long.compareUnsigned(n, versions.logNumber()) >= 0).toArray();
            for (long number : logs) {
                Path file = dir.resolve(LsmFiles.wal(number));
                WalReader.Replay replay = WalReader.replay(fileOps, file, record -> {
                    for (InternalEntry entry : record.entries()) {
                        memtable.add(entry);
                    }
                    counters[0] = Math.max(counters[0], record.maxSequence());
                    counters[1] = Math.max(counters[1], record.revision());
                });
                if (replay.needsTruncation()) {
                    if (replay.torn()) {
                        log.warn("write-ahead log {}: cutting a torn last record at offset {} (a write a crash cut short)",
                                file, replay.tornOffset());
                    }
                    WalReader.truncate(fileOps, file, replay.validLength());
                }
            }
            return new Result(manifest, memtable, counters[0], counters[1], logs);
        } catch (IOException e) {
            closeQuietly(manifest, e);
            throw new StorageException("cannot recover " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(manifest, e);
            throw e;
        }
    }

    /**
     * Why the edit after {@code stateBefore} (the state before a damaged last manifest record) must have
     * committed, or null if nothing says so. Files a state needs are deleted only once a later edit is
     * durable: the log at its log number once a flush (or an open's replay) is logged, its tables once a
     * compaction that replaced them is. So if one is gone, the damaged record is a committed edit damaged
     * since, not a torn append; dropping it would silently lose the flushed writes or the compaction's output.
     */
    private static String committedAfter(Path dir, FileOps fileOps, VersionSet stateBefore) {
        long logNumber = stateBefore.logNumber();
        // Log number 0 is a new directory's (or a restore's) state: no log of that number was ever written.
        if (logNumber != 0 && !fileOps.exists(dir.resolve(LsmFiles.wal(logNumber)))) {
            return "write-ahead log " + LsmFiles.wal(logNumber) + ", which the state before it needs, is gone"
                    + " (a log is deleted once the edit of its flush is durable)";
        }
        for (long table : stateBefore.current().tableNumbers()) {
            if (!fileOps.exists(dir.resolve(LsmFiles.sst(table)))) {
                return "table " + LsmFiles.sst(table) + ", which the state before it names, is gone"
                        + " (a table is deleted once the edit of the compaction that replaced it is durable)";
            }
        }
        return null;
    }

    /** The state of a new directory: no tables, every counter at its start. */
    static VersionEdit emptyState() {
        return VersionEdit.builder().nextFileNumber(1).lastSequence(0).logNumber(0).appliedRevision(0).build();
    }

    /**
     * Deletes what a crash can leave behind: tables the manifest does not name (a flush or compaction that
     * did not commit), logs below the log number (flushed, not yet deleted) and temporary files.
     */
    private static void deleteLeftovers(Path dir, FileOps fileOps, VersionSet versions) throws IOException {
        Set<Long> live = versions.current().tableNumbers();
        boolean deleted = false;
        for (String name : fileOps.list(dir)) {
            OptionalLong table = LsmFiles.parseSst(name);
            OptionalLong wal = LsmFiles.parseWal(name);
            boolean leftover = (table.isPresent() && !live.contains(table.getAsLong()))
                    || (wal.isPresent() && Long.compareUnsigned(wal.getAsLong(), versions.logNumber()) < 0)
                    || LsmFiles.isTemp(name);
            if (leftover) {
                fileOps.delete(dir.resolve(name));
                deleted = true;
            }
        }
        if (deleted) {
            fileOps.syncDirectory(dir);
        }
    }

    /** Deletes every table, log and manifest, then the marker: the directory is empty and consistent. */
    static void wipe(Path dir, FileOps fileOps) throws IOException {
        wipeTablesLogsAndManifests(dir, fileOps);
        fileOps.delete(dir.resolve(RESTORING));
        fileOps.syncDirectory(dir);
    }

    /** Deletes CURRENT first (so no manifest is named any more), then every table, log, manifest and temp file. */
    static void wipeTablesLogsAndManifests(Path dir, FileOps fileOps) throws IOException {
        fileOps.delete(dir.resolve(LsmFiles.CURRENT));
        List<String> names = fileOps.list(dir);
        for (String name : names) {
            if (LsmFiles.parseSst(name).isPresent() || LsmFiles.parseWal(name).isPresent()
                    || LsmFiles.parseManifest(name).isPresent() || LsmFiles.isTemp(name)) {
                fileOps.delete(dir.resolve(name));
            }
        }
        fileOps.syncDirectory(dir);
    }

    private static void closeQuietly(Manifest manifest, Exception cause) {
        try {
            manifest.close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
