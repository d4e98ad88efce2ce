package io.corecache.engine.bitcask;

import io.corecache.engine.FileHandle;
import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Merging: rewrites the live records of every immutable data file into new files and deletes the old
 * ones; also writes hint files.
 *
 * <p>Why it is safe (docs/formats.md, "Merge"): the inputs are all files older than the active one, so a
 * tombstone or expired record among them can be dropped, since nothing older outside the merge could
 * resurface. Outputs are written under ".merging" names and renamed only once all are complete and
 * fsynced; their ids sort right after the newest input, so a crash before the inputs are gone replays
 * inputs, then outputs (the same latest versions), then newer files. Inputs are unlinked oldest first, so
 * a crash part way never leaves an older put without the newer tombstone that hid it.
 *
 * <p>Why it never blocks: records are copied without the engine lock; the lock is taken only to move a
 * batch of keys to their new locations, and only for keys still pointing at the copied record.
 */
final class Merger {

    private static final Logger log = LoggerFactory.getLogger(Merger.class);
    private static final int RELOCATE_BATCH = 4096;

    private final BitcaskEngine engine;
    private final FileOps fileOps;
    private final Object oneAtATime = new Object();
    private volatile boolean stopping;

    Merger(BitcaskEngine engine) {
        this.engine = engine;
        this.fileOps = engine.fileOps();
    }

    /** Held by a merge; a restore holds it too, so the two never overlap. */
    Object mutex() {
        return oneAtATime;
    }

    /** Asks a running merge to give up (at close); its outputs are discarded on the next open. */
    void stop() {
        stopping = true;
    }

    void mergeIfWorthIt() {
        try {
            if (worthIt()) {
                merge();
            }
        } catch (RuntimeException e) {
            log.error("background merge of {} failed; the files it read are unchanged", engine.dir(), e);
        }
    }

    private boolean worthIt() {
        engine.lock().lock();
        try {
            long total = 0;
            long dead = 0;
            for (DataFile file : engine.files().all()) {
                total += file.size();
                dead += file.deadBytes();
            }
            BitcaskOptions o = engine.options();
            return total > 0 && dead >= o.mergeMinDeadBytes() && dead >= o.mergeDeadRatio() * total;
        } finally {
            engine.lock().unlock();
        }
    }

    /**
     * A merge only reads immutable files; the active one is sealed first when dead records fill at least
     * the merge ratio of it, so a store smaller than one file can reclaim space too.
     */
    private boolean activeIsWorthMerging() {
        engine.lock().lock();
        try {
            DataFile active = engine.writer().active();
            return active.size() > 0 && active.deadBytes() >= engine.options().mergeDeadRatio() * active.size();
        } finally {
            engine.lock().unlock();
        }
    }

    /** Every data file but the active one, in id order. Caller holds the lock. */
    private List<DataFile> immutableFiles() {
        List<DataFile> files = engine.files().all();
        files.remove(engine.writer().active());
        return files;
    }

    void merge() {
        synchronized (oneAtATime) {
            if (activeIsWorthMerging()) {
                engine.writer().seal();
            }
            List<DataFile> inputs;
            engine.lock().lock();
            try {
                engine.checkWritable();
                inputs = immutableFiles();
                inputs.forEach(DataFile::retain);
            } finally {
                engine.lock().unlock();
            }
            try {
                if (!inputs.isEmpty()) {
                    run(inputs);
                }
            } catch (IOException e) {
                throw new StorageException("merge of " + engine.dir() + " failed: " + e.getMessage(), e);
            } finally {
                inputs.forEach(DataFile::release);
            }
        }
    }

    private void run(List<DataFile> inputs) throws IOException {
        DataFile newest = inputs.get(inputs.size() - 1);
        long generation = FileNames.generation(newest.id);
        int sequence = FileNames.mergeSequence(newest.id);
        MergeOutput out = null;
        List<MergeOutput> outputs = new ArrayList<>();
        List<Relocation> pending = new ArrayList<>();
        long maxRevision = 0;
        long now = engine.now();
        for (DataFile input : inputs) {
            RecordScanner scanner = new RecordScanner(input.file, input.size());
            try {
                for (DataRecord r = scanner.next(); r != null; r = scanner.next()) {
                    if (stopping) {
                        throw new IOException("engine closing");
                    }
                    maxRevision = Math.max(maxRevision, r.revision());
                    if (r.isMeta() || r.isTombstone()) {
                        continue;
                    }
                    Location current = engine.keyDir().get(r.key());
                    if (current == null || current.file() != input.handle || current.offset() != scanner.offset()) {
                        continue; // superseded or deleted
                    }
                    if (r.version().isExpiredAt(now)) {
                        pending.add(new Relocation(r.key(), current, null, null));
                        continue;
                    }
                    if (out == null || out.bytes() + r.size() > engine.options().maxFileBytes()) {
                        out = new MergeOutput(FileNames.id(generation, ++sequence));
                        outputs.add(out);
                    }
                    Location to = out.append(r, current);
                    pending.add(new Relocation(r.key(), current, to, out));
                    if (pending.size() >= RELOCATE_BATCH) {
                        relocate(pending);
                    }
                }
            } catch (RecordScanner.TornTail torn) {
                throw new io.corecache.engine.CorruptionException(input.path, torn.offset,
                        "torn record in an immutable file");
            }
        }
        if (out == null) {
            out = new MergeOutput(FileNames.id(generation, ++sequence));
            outputs.add(out);
        }
        // Dropped tombstones may have carried the highest revision: keep it.
        out.appendMeta(maxRevision, now);
        relocate(pending);
        commit(inputs, outputs);
    }

    /** Points keys at their copies, if no writer replaced them meanwhile. */
    private void relocate(List<Relocation> pending) throws IOException {
        for (Relocation r : pending) {
            if (r.output != null) {
                r.output.flush(); // readers may read the copy as soon as the key points at it
            }
        }
        engine.lock().lock();
        try {
            for (Relocation r : pending) {
                if (r.to == null) {
                    Location current = engine.keyDir().get(r.key);
                    if (r.from.sameRecord(current)) {
                        engine.keyDir().remove(r.key); // expired: dropped with its file
                    }
                } else if (!engine.keyDir().relocate(r.key, r.from, r.to)) {
                    r.output.file.addDead(r.to.size());
                }
            }
        } finally {
            engine.lock().unlock();
        }
        pending.clear();
    }

    /** Makes the outputs durable and current, then retires and deletes the inputs, oldest first. */
    private void commit(List<DataFile> inputs, List<MergeOutput> outputs) throws IOException {
        Path dir = engine.dir();
        long before = 0;
        long after = 0;
        for (MergeOutput out : outputs) {
            out.flush();
            out.file.file.sync();
            out.file.file.finishAppending();
            HintFile.writeFor(out.file, fileOps, engine.dir(), false);
            after += out.file.size();
        }
        for (MergeOutput out : outputs) {
            Path finalPath = dir.resolve(FileNames.data(out.file.id));
            fileOps.rename(out.file.path, finalPath);
            out.file.path = finalPath;
        }
        fileOps.syncDirectory(dir);
        // Oldest first, and each forgotten only once it is gone from disk: if a delete fails, the files
        // left stay in the table (no key points into them any more) and are inputs of the next merge,
        // which must see them, or it would drop tombstones that still hide their puts.
        try {
            for (DataFile input : inputs) {
                fileOps.delete(dir.resolve(FileNames.hint(input.id)));
                fileOps.delete(input.path);
                before += input.size();
                engine.lock().lock();
                try {
                    engine.files().retire(input);
                } finally {
                    engine.lock().unlock();
                }
            }
        } finally {
            fileOps.syncDirectory(dir);
        }
        engine.merges.incrementAndGet();
        engine.reclaimedBytes.addAndGet(Math.max(0, before - after));
        log.info("merged {} files ({} bytes) of {} into {} ({} bytes)", inputs.size(), before, dir, outputs.size(), after);
    }

    private record Relocation(byte[] key, Location from, Location to, MergeOutput output) {
    }

    /** A merge output being written: buffered appends to a ".merging" file. */
    private final class MergeOutput {
        final DataFile file;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        private long written;

        MergeOutput(long id) throws IOException {
            Path path = engine.dir().resolve(FileNames.data(id) + FileNames.MERGING);
            FileHandle handle = fileOps.create(path);
            engine.lock().lock();
            try {
                file = engine.files().add(id, path, handle, 0);
            } finally {
                engine.lock().unlock();
            }
        }

        long bytes() {
            return written + buffer.position();
        }

        Location append(DataRecord r, Location current) throws IOException {
            if (buffer.remaining() < r.size()) {
                flush();
            }
            ByteBuffer target = buffer.capacity() >= r.size() ? buffer : ByteBuffer.allocate(r.size());
            int offset = (int) bytes();
            RecordFormat.encode(target, r.flags() & ~RecordFormat.FLAG_BATCH_CONTINUES, r.key(), r.value(),
                    r.revision(), r.createTime(), r.writeTime(), r.expiresAt());
            if (target != buffer) {
                target.flip();
                file.file.append(target);
                written += r.size();
                file.grew(written);
            }
            return new Location(file.handle, offset, r.size(), current.createTime(), current.expires());
        }

        void appendMeta(long revision, long now) throws IOException {
            if (buffer.remaining() < RecordFormat.HEADER_BYTES) {
                flush();
            }
            RecordFormat.encode(buffer, RecordFormat.FLAG_META, new byte[0], new byte[0], revision, 0, now, 0);
            file.addDead(RecordFormat.HEADER_BYTES);
        }

        void flush() throws IOException {
            if (buffer.position() > 0) {
                buffer.flip();
                file.file.append(buffer);
                written += buffer.limit();
                buffer.clear();
                file.grew(written);
            }
        }
    }
}
