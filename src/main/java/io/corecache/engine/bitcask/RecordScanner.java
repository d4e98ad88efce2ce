package io.corecache.engine.bitcask;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.FileHandle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Reads a data file's records in order, verifying each checksum.
 *
 * <p>A damaged record is a torn tail when nothing after it can be a written record: its declared length
 * runs past the end of the file, it ends exactly at the end, or only zero bytes follow it (the file grew
 * but the data never reached the disk). The scanner reports that as {@link TornTail}; any other damage is
 * a {@link CorruptionException} naming the file and offset.
 */
final class RecordScanner {

    /** The file ends in a partly written record starting at {@code offset}. */
    static final class TornTail extends Exception {
        final long offset;

        TornTail(long offset) {
            super("torn record at offset " + offset, null, false, false);
            this.offset = offset;
        }
    }

    private static final int CHUNK = 1 << 20;

    private final FileHandle file;
    private final Path path;
    private final long fileSize;
    private ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
    private long bufferStart;
    private long position;
    private long lastOffset = -1;

    RecordScanner(FileHandle file, long fileSize) {
        this.file = file;
        this.path = file.path();
        this.fileSize = fileSize;
        buffer.limit(0);
    }

    /** Offset of the record the last {@link #next()} returned. */
    long offset() {
        return lastOffset;
    }

    /** End of the last good record: where a torn tail is cut. */
    long position() {
        return position;
    }

    /** The next record, or null at the end of the file. */
    DataRecord next() throws IOException, TornTail {
        if (position >= fileSize) {
            return null;
        }
        if (!fill(RecordFormat.HEADER_BYTES)) {
            throw damaged(fileSize, "incomplete record header");
        }
        int at = (int) (position - bufferStart);
        long size = DataRecord.declaredSize(buffer, at);
        if (size < 0) {
            throw damaged(-1, "impossible record header");
        }
        if (position + size > fileSize) {
            throw new TornTail(position);
        }
        if (!fill((int) size)) {
            throw new TornTail(position);
        }
        at = (int) (position - bufferStart);
        DataRecord record;
        try {
            record = DataRecord.parse(buffer, at, (int) size, path, position);
        } catch (CorruptionException e) {
            throw damaged(position + size, e.getMessage());
        }
        lastOffset = position;
        position += size;
        return record;
    }

    /** Whether {@code [position, need)} is in the buffer after reading more of the file if needed. */
    private boolean fill(int need) throws IOException {
        long available = bufferStart + buffer.limit() - position;
        if (available >= need) {
            return true;
        }
        if (buffer.capacity() < need) {
            buffer = ByteBuffer.allocate(Math.max(need, buffer.capacity() * 2));
        }
        buffer.clear();
        bufferStart = position;
        long want = Math.min(buffer.capacity(), fileSize - position);
        buffer.limit((int) want);
        while (buffer.hasRemaining()) {
            if (file.read(buffer, bufferStart + buffer.position()) < 0) {
                break;
            }
        }
        buffer.flip();
        return buffer.limit() >= need;
    }

    /** Classifies a damaged record at {@link #position}: torn tail, or corruption to report. */
    private TornTail damaged(long recordEnd, String what) throws IOException {
        if (recordEnd == fileSize || onlyZerosFrom(position)) {
            return new TornTail(position);
        }
        throw new CorruptionException(path, position, what);
    }

    private boolean onlyZerosFrom(long from) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        for (long at = from; at < fileSize; ) {
            chunk.clear();
            int n = file.read(chunk, at);
            if (n <= 0) {
                return true;
            }
            for (int i = 0; i < n; i++) {
                if (chunk.get(i) != 0) {
                    return false;
                }
            }
            at += n;
        }
        return true;
    }
}
