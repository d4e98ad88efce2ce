package io.corecache.engine.lsm;

import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open {@link SstableReader}s of one engine, by table number: a table is opened on first use and stays
 * open (its index and filter in memory) until it is deleted or the engine closes.
 *
 * <p>A table's number is never reused within a directory's life, so a reader found here is always the
 * right file. The caller pins a {@link Version} holding the table while it reads, and {@link #evict}s a
 * table only once no version holds it ({@link VersionSet#liveTableNumbers()}), so no read is in flight on a
 * reader being closed.
 */
final class TableCache implements AutoCloseable {

    private final Path dir;
    private final FileOps fileOps;
    private final BlockCache blockCache;
    private final ConcurrentHashMap<Long, SstableReader> open = new ConcurrentHashMap<>();

    TableCache(Path dir, FileOps fileOps, BlockCache blockCache) {
        this.dir = dir;
        this.fileOps = fileOps;
        this.blockCache = blockCache;
    }

    /** The reader of {@code table}, opening it if needed. */
    SstableReader reader(TableFile table) {
        return open.computeIfAbsent(table.number(),
                number -> SstableReader.open(fileOps, dir.resolve(LsmFiles.sst(number)), number, blockCache));
    }

    /** Numbers of the tables open now. */
    Set<Long> openNumbers() {
        return Set.copyOf(open.keySet());
    }

    /** Closes table {@code number} if open and drops its cached blocks (it is being deleted). */
    void evict(long number) {
        SstableReader reader = open.remove(number);
        blockCache.evictTable(number);
        if (reader != null) {
            reader.close();
        }
    }

    /** Closes every table and drops their cached blocks. */
    @Override
    public void close() {
        List<StorageException> errors = new ArrayList<>();
        for (Long number : openNumbers()) {
            try {
                evict(number);
            } catch (StorageException e) {
                errors.add(e);
            }
        }
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
    }
}
