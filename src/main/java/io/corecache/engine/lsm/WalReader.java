package io.corecache.engine.lsm;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.FileHandle;
import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Replays a write-ahead log file, record by record, verifying each checksum.
 *
 * <p>Where the next record should start, only zero bytes to the end of the file mean the end of the
 * data: a file may be extended ahead of its appends ({@code MappedFileHandle}), and a crash may leave
 * unsynced bytes as zeros; no frame starts with a zero length. A damaged record at offset {@code o} (bad
 * checksum, impossible length, runs past the end) is a torn tail when no intact record starts anywhere
 * after {@code o}: it was the last write and a crash cut it short, so replay stops there and reports
 * {@code o} for the caller to {@link #truncate} the file. Damage with an intact record after it cannot be a
 * crash (a bit flipped in a length field must not silently drop the acknowledged records behind it): it is
 * a {@link CorruptionException} naming the file and offset.
 */
final class WalReader {

    /**
     * What replaying one file found.
     *
     * @param records     intact records handed to the consumer
     * @param validLength end of the last intact record: the file's length once its tail is cut
     * @param tornOffset  offset of the damaged last record, or -1 if the data ended cleanly
     * @param fileLength  the file's length as found
     */
    record Replay(long records, long validLength, long tornOffset, long fileLength) {

        boolean torn() {
            return tornOffset >= 0;
        }

        /** Whether the file has bytes after its last intact record (a torn record or zeros) to cut. */
        boolean needsTruncation() {
            return validLength < fileLength;
        }
    }

    private static final int CHUNK = 1 << 20;

    private final FileHandle file;
    private final Path path;
    private final long fileLength;
    private ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
    private long bufferStart;
    private long position;

    private WalReader(FileHandle file, long fileLength) {
        this.file = file;
        this.path = file.path();
        this.fileLength = fileLength;
        buffer.limit(0);
    }

    /**
     * Hands every intact record of {@code file} to {@code consumer}, in log order.
     *
     * @throws CorruptionException if a damaged record is followed by an intact one, or a record whose
     *                             checksum matches does not parse
     * @throws StorageException    if the file cannot be read
     */
    static Replay replay(FileOps fileOps, Path file, Consumer<WalRecord> consumer) {
        try (FileHandle handle = fileOps.openRead(file)) {
            return new WalReader(handle, handle.size()).run(consumer);
        } catch (IOException e) {
            throw new StorageException("cannot read write-ahead log " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Cuts {@code file} to {@code length} bytes and fsyncs it, so the next appends follow the last intact
     * record ({@link Replay#validLength()}). Does nothing if the file is not longer than that.
     */
    static void truncate(FileOps fileOps, Path file, long length) {
        try (FileHandle handle = fileOps.openAppend(file)) {
            if (handle.size() > length) {
                handle.truncate(length);
                handle.sync();
            }
        } catch (IOException e) {
            throw new StorageException("cannot cut the torn tail of write-ahead log " + file + " at " + length
                    + ": " + e.getMessage(), e);
        }
    }

    private Replay run(Consumer<WalRecord> consumer) throws IOException {
        long records = 0;
        while (position < fileLength) {
            int header = (int) Math.min(WalFormat.FRAME_HEADER_BYTES, fileLength - position);
            fill(header);
            int at = (int) (position - bufferStart);
            // A frame's length field is never zero, so a zero header starts either the zero tail or damage.
            if (zeros(at, header) && onlyZerosFrom(position)) {
                break;
            }
            if (header < WalFormat.FRAME_HEADER_BYTES) {
                return torn(records, "incomplete record header");
            }
            long length = WalFormat.payloadLength(buffer, at);
            if (!WalFormat.plausibleLength(length)) {
                return torn(records, "impossible record length " + length);
            }
            long frame = WalFormat.FRAME_HEADER_BYTES + length;
            if (position + frame > fileLength) {
                return torn(records, "record of " + frame + " bytes runs past the end of the file");
            }
            fill((int) frame);
            at = (int) (position - bufferStart);
            if (!WalFormat.checksumMatches(buffer, at, (int) length)) {
                return torn(records, "checksum mismatch");
            }
            WalRecord record = WalFormat.decode(buffer, at + WalFormat.FRAME_HEADER_BYTES, (int) length, path,
                    position);
            consumer.accept(record);
            records++;
            position += frame;
        }
        return new Replay(records, position, -1, fileLength);
    }

    /**
     * Classifies the damaged record at {@code position}: a torn tail if no intact record starts anywhere
     * after it, else corruption.
     */
    private Replay torn(long records, String what) throws IOException {
        if (intactRecordAfter(position + 1)) {
            throw new CorruptionException(path, position, what + ", and intact records follow");
        }
        return new Replay(records, position, position, fileLength);
    }

    /**
     * Makes [position, position + need) buffered, reading more of the file; the caller has checked that the
     * file holds those bytes.
     */
    private void fill(int need) throws IOException {
        long available = bufferStart + buffer.limit() - position;
        if (available >= need) {
            return;
        }
        if (buffer.capacity() < need) {
            buffer = ByteBuffer.allocate((int) Math.max(need, Math.min(2L * buffer.capacity(), need + (long) CHUNK)));
        }
        buffer.clear();
        bufferStart = position;
        buffer.limit((int) Math.min(buffer.capacity(), fileLength - position));
        file.readFully(buffer, bufferStart);
        buffer.flip();
    }

    /**
     * Whether an intact frame (plausible length and first entry, matching checksum, a payload that parses)
     * starts at any offset from {@code from}. The candidates stop at the last non-zero byte: a frame's
     * length field is never all zeros.
     */
    private boolean intactRecordAfter(long from) throws IOException {
        long lastNonZero = lastNonZeroByte();
        // Windows overlap by PROBE_BYTES so every candidate's probe is within its window.
        ByteBuffer window = ByteBuffer.allocate(CHUNK + WalFormat.PROBE_BYTES);
        for (long windowStart = from; windowStart <= lastNonZero; windowStart += CHUNK) {
            window.clear().limit((int) Math.min(window.capacity(), fileLength - windowStart));
            file.readFully(window, windowStart);
            window.flip();
            int candidates = (int) Math.min(CHUNK, lastNonZero - windowStart + 1);
            for (int i = 0; i < candidates && i + WalFormat.FRAME_HEADER_BYTES <= window.limit(); i++) {
                long at = windowStart + i;
                long length = WalFormat.payloadLength(window, i);
                if (WalFormat.plausibleLength(length)
                        && at + WalFormat.FRAME_HEADER_BYTES + length <= fileLength
                        && WalFormat.plausibleFrameStart(window, i, length)
                        && isIntact(at, (int) length)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean isIntact(long at, int length) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(WalFormat.FRAME_HEADER_BYTES + length);
        file.readFully(frame, at);
        if (!WalFormat.checksumMatches(frame, 0, length)) {
            return false;
        }
        try {
            WalFormat.decode(frame, WalFormat.FRAME_HEADER_BYTES, length, path, at);
            return true;
        } catch (CorruptionException e) {
            return false; // a checksum matching by chance over bytes that are not a record
        }
    }

    private long lastNonZeroByte() throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        for (long end = fileLength; end > 0; end -= CHUNK) {
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

    private boolean zeros(int at, int count) {
        for (int i = at; i < at + count; i++) {
            if (buffer.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether every byte from {@code from} to the end is zero; cheap when the first one is not. */
    private boolean onlyZerosFrom(long from) throws IOException {
        long bufferEnd = bufferStart + buffer.limit();
        long at = from;
        if (from >= bufferStart && from < bufferEnd) {
            for (int i = (int) (from - bufferStart); i < buffer.limit(); i++) {
                if (buffer.get(i) != 0) {
                    return false;
                }
            }
            at = bufferEnd;
        }
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        while (at < fileLength) {
            chunk.clear().limit((int) Math.min(CHUNK, fileLength - at));
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
