package io.corecache.engine.bitcask;

import io.corecache.engine.Bytes;
import io.corecache.engine.CorruptionException;
import io.corecache.engine.Entry;
import io.corecache.engine.RangeCursor;
import io.corecache.engine.StorageException;
import io.corecache.engine.Versioned;

import java.util.NoSuchElementException;

/** A range scan over a {@link Snapshot}: walks its pages in key order and reads each record. */
final class BitcaskCursor implements RangeCursor {

    private final BitcaskEngine engine;
    private final Snapshot snapshot;
    private final DataFile[] filesByHandle;
    private final byte[] end;
    private final int limit;
    private final long now;
    private int pageIndex;
    private int entryIndex;
    private int returned;
    private Entry next;
    private boolean closed;

    BitcaskCursor(BitcaskEngine engine, Snapshot snapshot, byte[] start, byte[] end, int limit) {
        this.engine = engine;
        this.snapshot = snapshot;
        this.end = end;
        this.limit = limit;
        this.now = engine.now();
        int maxHandle = snapshot.files().stream().mapToInt(f -> f.handle).max().orElse(0);
        filesByHandle = new DataFile[maxHandle + 1];
        snapshot.files().forEach(f -> filesByHandle[f.handle] = f);
        if (start != null && start.length > 0 && !snapshot.pages().isEmpty()) {
            int index = snapshot.pages().get(0).find(start);
            entryIndex = index >= 0 ? index : -index - 1;
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null && !closed) {
            next = advance();
        }
        return next != null;
    }

    @Override
    public Entry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Entry result = next;
        next = null;
        returned++;
        return result;
    }

    private Entry advance() {
        while (returned < limit && pageIndex < snapshot.pages().size()) {
            KeyDirPage page = snapshot.pages().get(pageIndex);
            if (entryIndex >= page.count()) {
                pageIndex++;
                entryIndex = 0;
                continue;
            }
            int index = entryIndex++;
            if (end != null && page.compareKeyAt(index, end) >= 0) {
                return null;
            }
            Location location = page.location(index);
            DataFile file = location.file() < filesByHandle.length ? filesByHandle[location.file()] : null;
            if (file == null) {
                throw new StorageException("scan snapshot lost file handle " + location.file());
            }
            DataRecord record = engine.readRecord(file, location);
            if (page.compareKeyAt(index, record.key()) != 0) {
                throw new CorruptionException(file.path, location.offset(),
                        "record holds a different key than " + Bytes.printable(page.key(index)));
            }
            Versioned version = record.version();
            if (!version.isExpiredAt(now)) {
                return new Entry(record.key(), version);
            }
        }
        return null;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            snapshot.release();
        }
    }
}
