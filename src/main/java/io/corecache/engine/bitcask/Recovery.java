package io.corecache.engine.bitcask;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.FileHandle;
import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * Opening a Bitcask directory: discards what an interrupted restore or merge left, replays every data
 * file in id order (from its hint file when it has a good one) into a {@link KeyDirLoader} that builds
 * the key directory, and cuts a torn tail off the active file. Corruption anywhere else stops the open
 * with the file and offset.
 */
final class Recovery {

    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    private final BitcaskEngine engine;
    private final Path dir;
    private final FileOps fileOps;
    private final KeyDirLoader loader = new KeyDirLoader();

    Recovery(BitcaskEngine engine) {
        this.engine = engine;
        this.dir = engine.dir();
        this.fileOps = engine.fileOps();
    }

    /** Loads the directory; returns the active data file. Caller holds the engine's lock. */
    DataFile run() throws IOException {
        fileOps.createDirectories(dir);
        List<String> names = fileOps.list(dir);
        if (names.contains(FileNames.RESTORING)) {
            log.warn("{}: a checkpoint restore was interrupted; discarding its partial state", dir);
            for (String name : names) {
                if (name.endsWith(FileNames.DATA) || name.endsWith(FileNames.HINT) || name.endsWith(FileNames.MERGING)) {
                    fileOps.delete(dir.resolve(name));
                }
            }
            fileOps.delete(dir.resolve(FileNames.RESTORING));
            fileOps.syncDirectory(dir);
            names = fileOps.list(dir);
        }
        TreeSet<Long> ids = new TreeSet<>();
        Set<String> hints = new HashSet<>();
        for (String name : names) {
            if (name.endsWith(FileNames.MERGING)) {
                fileOps.delete(dir.resolve(name)); // an unfinished merge output or hint
                continue;
            }
            OptionalLong id = FileNames.parseData(name);
            if (id.isPresent()) {
                ids.add(id.getAsLong());
            } else if (name.endsWith(FileNames.HINT)) {
                hints.add(name);
            }
        }
        checkFormat(names, ids.isEmpty());
        if (ids.isEmpty()) {
            return engine.createDataFile(1);
        }
        long last = ids.last();
        boolean lastIsActive = FileNames.mergeSequence(last) == 0;
        DataFile activeFile = null;
        for (long id : ids) {
            Path path = dir.resolve(FileNames.data(id));
            boolean active = lastIsActive && id == last;
            FileHandle handle = active ? fileOps.openAppend(path) : fileOps.openRead(path);
            DataFile file = engine.files().add(id, path, handle, handle.size());
            if (active) {
                replayData(file, true);
                // What was replayed may still be only in the page cache (a crash before its fsync): make it
                // durable before anything is served from it, so a read never shows a write a power loss
                // could take back, and a revision it carries is never handed out again.
                file.file.sync();
                activeFile = file;
            } else if (!hints.contains(FileNames.hint(id)) || !replayHint(file)) {
                replayData(file, false);
                engine.sealed(file);
            }
        }
        loader.buildInto(engine.keyDir(), engine.files());
        for (String hint : hints) {
            if (!ids.contains(Long.parseUnsignedLong(hint.substring(0, 16), 16))) {
                fileOps.delete(dir.resolve(hint)); // its data file was merged away
            }
        }
        return activeFile != null ? activeFile : engine.createDataFile(FileNames.generation(last) + 1);
    }

    private void checkFormat(List<String> names, boolean empty) throws IOException {
        Path format = dir.resolve(FileNames.FORMAT);
        if (!names.contains(FileNames.FORMAT)) {
            if (!empty) {
                throw new StorageException(dir + " holds data files but no FORMAT file: not a CoreCache bitcask directory?");
            }
            // Written aside and renamed, so a crash never leaves an empty or partial FORMAT behind.
            Path temporary = dir.resolve(FileNames.FORMAT + FileNames.MERGING);
            try (FileHandle out = fileOps.create(temporary)) {
                out.append(java.nio.ByteBuffer.wrap(FileNames.FORMAT_TEXT.getBytes(StandardCharsets.US_ASCII)));
                out.sync();
            }
            fileOps.rename(temporary, format);
            fileOps.syncDirectory(dir);
            return;
        }
        try (FileHandle in = fileOps.openRead(format)) {
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate((int) Math.min(in.size(), 256));
            in.read(bytes, 0);
            String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.US_ASCII);
            if (!text.equals(FileNames.FORMAT_TEXT)) {
                throw new StorageException(format + " says '" + text.trim() + "', this build reads '"
                        + FileNames.FORMAT_TEXT.trim() + "'");
            }
        }
    }

    /** Loads a file's entries from its hint file; false (having loaded nothing) if the hint is damaged. */
    private boolean replayHint(DataFile file) throws IOException {
        Path hint = dir.resolve(FileNames.hint(file.id));
        HintFile.Summary summary = HintFile.read(fileOps, hint, file.size(), (flags, key, offset, size, createTime) -> {
            if ((flags & RecordFormat.FLAG_META) != 0) {
                file.addDead(size);
            } else if ((flags & RecordFormat.FLAG_TOMBSTONE) != 0) {
                file.addDead(size);
                loader.delete(key);
            } else {
                boolean expires = (flags & HintFile.FLAG_EXPIRES) != 0;
                loader.put(key, new Location(file.handle, offset, size, createTime, expires));
            }
        });
        if (summary == null) {
            log.warn("{}: hint file is damaged; reading the data file instead", hint);
            return false;
        }
        engine.noteRevision(summary.maxRevision());
        file.grew(summary.dataLength()); // the file may end in space reserved before a crash
        file.hintBytes = fileOps.size(hint);
        return true;
    }

    /** Replays a data file record by record; in the active file a torn tail (or unfinished batch) is cut. */
    private void replayData(DataFile file, boolean active) throws IOException {
        RecordScanner scanner = new RecordScanner(file.file, file.size(), false);
        List<DataRecord> batch = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        long cut = -1;
        try {
            for (DataRecord record = scanner.next(); record != null; record = scanner.next()) {
                batch.add(record);
                offsets.add(scanner.offset());
                if (!record.continuesBatch()) {
                    for (int i = 0; i < batch.size(); i++) {
                        apply(file, batch.get(i), offsets.get(i));
                    }
                    batch.clear();
                    offsets.clear();
                }
            }
            if (!batch.isEmpty()) {
                if (!active) {
                    throw new CorruptionException(file.path, offsets.get(0), "batch without its last record");
                }
                cut = offsets.get(0);
            }
        } catch (RecordScanner.TornTail torn) {
            if (!active) {
                throw new CorruptionException(file.path, torn.offset, "torn record in an immutable file");
            }
            cut = batch.isEmpty() ? torn.offset : offsets.get(0);
        }
        if (cut >= 0) {
            log.warn("{}: cutting a torn tail at offset {} ({} bytes)", file.path, cut, file.size() - cut);
        } else if (active && scanner.endedInZeros()) {
            cut = scanner.position(); // space extended ahead of appends: not damage
        }
        if (cut >= 0) {
            file.file.truncate(cut);
            file.file.sync();
            file.grew(cut);
        } else {
            file.grew(scanner.position());
        }
    }

    private void apply(DataFile file, DataRecord record, long offset) {
        engine.noteRevision(record.revision());
        if (record.isMeta()) {
            file.addDead(record.size());
        } else if (record.isTombstone()) {
            file.addDead(record.size());
            loader.delete(record.key());
        } else {
            Location location = new Location(file.handle, (int) offset, record.size(), record.createTime(),
                    record.expiresAt() != 0);
            loader.put(record.key(), location);
        }
    }
}
