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
 * zero header. A damaged record is a torn tail when no intact record follows it: it was the last thing
 * written and a crash cut it short. The scanner reports that as {@link TornTail}; any other damage is a
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
    private final boolean withValues;
    private final Path path;
    private final long fileSize;
    private ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
    private long bufferStart;
    private long position;
    private long lastOffset = -1;
    private boolean zeroTail;

    RecordScanner(FileHandle file, long fileSize) {
        this(file, fileSize, true);
    }

    /** A scanner that verifies whole records but, without {@code withValues}, returns them with empty values. */
    RecordScanner(FileHandle file, long fileSize, boolean withValues) {
        this.withValues = withValues;
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
            throw damaged("incomplete record header");
        }
        int at = (int) (position - bufferStart);
        long size = DataRecord.declaredSize(buffer, at);
        if (size < 0) {
            throw damaged("impossible record header");
        }
        if (position + size > fileSize || !fill((int) size)) {
            throw damaged("record runs past the end of the file");
        }
        at = (int) (position - bufferStart);
        DataRecord record;
        try {
            record = DataRecord.parse(buffer, at, (int) size, path, position, withValues);
        } catch (CorruptionException e) {
            throw damaged(e.reason());
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
     * Classifies a damaged record at {@link #position}: a torn tail if no intact record starts anywhere
     * after it (it was the last thing written, cut short by a crash), else corruption to report. A bit
     * flipped in a length field thus cannot pass for a torn tail and silently drop the records after it.
     */
    private TornTail damaged(String what) throws IOException {
        if (!intactRecordAfter(position + 1)) {
            return new TornTail(position);
        }
        throw new CorruptionException(path, position, what);
    }

    /** Whether an intact record (plausible header, matching checksum) starts at any offset from {@code from}. */
    private boolean intactRecordAfter(long from) throws IOException {
        // A record's header always holds a non-zero byte, so no record starts past the last one.
        long lastNonZero = lastNonZeroByte();
        ByteBuffer window = ByteBuffer.allocate(CHUNK + RecordFormat.HEADER_BYTES);
        for (long windowStart = from; windowStart <= lastNonZero; windowStart += CHUNK) {
            window.clear().limit((int) Math.min(window.capacity(), fileSize - windowStart));
            file.readFully(window, windowStart);
            int candidates = (int) Math.min(CHUNK, lastNonZero - windowStart + 1);
            for (int i = 0; i < candidates && i + RecordFormat.HEADER_BYTES <= window.limit(); i++) {
                long at = windowStart + i;
                long size = DataRecord.declaredSize(window, i);
                if (size < RecordFormat.HEADER_BYTES || at + size > fileSize || size > Integer.MAX_VALUE) {
                    continue;
                }
                ByteBuffer record = ByteBuffer.allocate((int) size);
                file.readFully(record, at);
                if (record.getInt(0) == RecordFormat.checksum(record, 4, (int) size)) {
                    return true;
                }
            }
        }
        return false;
    }

    private long lastNonZeroByte() throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        for (long end = fileSize; end > 0; end -= CHUNK) {
            long start = Math.max(0, end - CHUNK);
            chunk.clear().limit((int) (end - start));
            file.readFully(chunk, start);
            for (int i = chunk.limit() - 1; i >= 0; i--) {
                if (chunk.get(i) != 0) {
                    return start + i;
                }
            }
        }
        return -1;
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
