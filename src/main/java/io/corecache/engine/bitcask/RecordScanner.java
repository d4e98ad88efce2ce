package io.corecache.engine.bitcask;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.FileHandle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Reads a data file's records in order, verifying each checksum.
 *
 * <p>Where the next record should start, only zero bytes to the end of the file mean the end of the data:
 * files are extended ahead of their appends (see {@code MappedFileHandle}), and no record starts with a
 * zero header. A damaged record is a torn tail when nothing was written after it: its declared length runs
 * past the end of the file, or only zeros follow where it ends (a crash cut the last copy into the
 * pre-extended file short). The scanner reports that as {@link TornTail}; any other damage is a
 * {@link CorruptionException} naming the file and offset.
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
    private boolean zeroTail;

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

    /** Whether the data ended in zero bytes (preallocated space, or a write that never reached the disk). */
    boolean endedInZeros() {
        return zeroTail;
    }

    /** The next record, or null at the end of the data. */
    DataRecord next() throws IOException, TornTail {
        if (position >= fileSize) {
            return null;
        }
        fill(1);
        if (onlyZerosFrom(position)) {
            zeroTail = true;
            return null;
        }
        if (!fill(RecordFormat.HEADER_BYTES)) {
            throw damaged(fileSize, "incomplete record header");
        }
        int at = (int) (position - bufferStart);
        long size = DataRecord.declaredSize(buffer, at);
        if (size < 0) {
            throw damaged(position + RecordFormat.HEADER_BYTES, "impossible record header");
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

    /**
     * Classifies a damaged record at {@link #position}: a torn tail if nothing but zeros follows where it
     * ends (it was the last thing written, cut short by a crash), else corruption to report.
     */
    private TornTail damaged(long recordEnd, String what) throws IOException {
        if (recordEnd >= fileSize || onlyZerosFrom(recordEnd)) {
            return new TornTail(position);
        }
        throw new CorruptionException(path, position, what);
    }

    /** Whether every byte from {@code from} to the end is zero; cheap when the first one is not. */
    private boolean onlyZerosFrom(long from) throws IOException {
        long bufferEnd = bufferStart + buffer.limit();
        long at = from;
        // What is buffered first: a record's header has a non-zero byte within its first few bytes.
        if (from >= bufferStart && from < bufferEnd) {
            for (int i = (int) (from - bufferStart); i < buffer.limit(); i++) {
                if (buffer.get(i) != 0) {
                    return false;
                }
            }
            at = bufferEnd;
        }
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        while (at < fileSize) {
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
