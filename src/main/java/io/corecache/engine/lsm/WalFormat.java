package io.corecache.engine.lsm;

import io.corecache.engine.CorruptionException;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The write-ahead log record, the one place its widths are defined (docs/formats.md, "LSM write-ahead
 * log"). A log file is a sequence of frames and nothing else. All integers are big-endian.
 *
 * <pre>
 * frame   : length u32 | crc32c u32 (over the payload) | payload (length bytes)
 * payload : revision i64 | count u32 | count entries
 * entry   : sequence i64 | kind u8 | keyLen u16 | valueLen u32 | revision i64 | createTime i64
 *           | writeTime i64 | expiresAt i64 | key | value
 * </pre>
 *
 * Every payload is at least {@link #PAYLOAD_HEADER_BYTES} long, so a frame never starts with a zero length
 * and zero bytes where a frame should start mean the end of the data (a file extended ahead of its appends,
 * or unsynced bytes a crash left as zeros).
 */
final class WalFormat {

    static final int FRAME_HEADER_BYTES = 8;
    /** revision i64, count u32. */
    static final int PAYLOAD_HEADER_BYTES = 12;
    /** sequence, kind, keyLen, valueLen, revision, createTime, writeTime, expiresAt. */
    static final int ENTRY_HEADER_BYTES = 8 + 1 + 2 + 4 + 8 * 4;
    /** Largest payload written or accepted; a longer length field is damage, not a record. */
    static final int MAX_PAYLOAD_BYTES = 1 << 30;
    static final int MAX_KEY_BYTES = 0xFFFF;

    private WalFormat() {
    }

    /** Rejects an entry the format cannot hold, before anything is written. */
    static void checkEncodable(InternalEntry e) {
        if (e.key() == null || e.key().length == 0 || e.key().length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("a log entry's key must be 1.." + MAX_KEY_BYTES + " bytes; entry "
                    + e.sequence() + " has " + (e.key() == null ? "none" : e.key().length));
        }
        if (e.kind() == null || e.value() == null) {
            throw new IllegalArgumentException("a log entry needs a kind and a value (empty for a delete); entry "
                    + e.sequence() + " lacks one");
        }
    }

    /** Bytes the record takes in the log, frame header included. */
    static long frameSize(WalRecord record) {
        long payload = PAYLOAD_HEADER_BYTES;
        for (InternalEntry e : record.entries()) {
            payload += ENTRY_HEADER_BYTES + e.key().length + (long) e.value().length;
        }
        if (payload > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("a log record holds at most " + MAX_PAYLOAD_BYTES
                    + " bytes of entries; this batch needs " + payload);
        }
        return FRAME_HEADER_BYTES + payload;
    }

    /** Appends the record's frame to {@code out}, which must have {@link #frameSize} bytes of room. */
    static void encode(WalRecord record, ByteBuffer out) {
        int start = out.position();
        out.putInt(0).putInt(0); // length and checksum, filled in below
        out.putLong(record.revision()).putInt(record.entries().size());
        for (InternalEntry e : record.entries()) {
            out.putLong(e.sequence())
                    .put(e.kind().code())
                    .putShort((short) e.key().length)
                    .putInt(e.value().length)
                    .putLong(e.revision())
                    .putLong(e.createTime())
                    .putLong(e.writeTime())
                    .putLong(e.expiresAt())
                    .put(e.key())
                    .put(e.value());
        }
        int payloadStart = start + FRAME_HEADER_BYTES;
        out.putInt(start, out.position() - payloadStart);
        out.putInt(start + 4, checksum(out, payloadStart, out.position()));
    }

    /** The frame's payload length (u32) at {@code at}, as a long so a flipped top bit stays positive. */
    static long payloadLength(ByteBuffer buf, int at) {
        return Integer.toUnsignedLong(buf.getInt(at));
    }

    /** Whether a length field can belong to a record (it may still run past the end of the file). */
    static boolean plausibleLength(long payloadLength) {
        return payloadLength >= PAYLOAD_HEADER_BYTES && payloadLength <= MAX_PAYLOAD_BYTES;
    }

    /**
     * Bytes {@link #plausibleFrameStart} looks at: the frame header, the payload header and the first entry's
     * header (or the whole frame if it is shorter).
     */
    static final int PROBE_BYTES = FRAME_HEADER_BYTES + PAYLOAD_HEADER_BYTES + ENTRY_HEADER_BYTES;

    /**
     * A cheap test, before any checksum, that a frame with a plausible length could start at {@code at}: its
     * entry count fits the length and its first entry's kind and lengths do too. {@code buf} must hold
     * {@code min(PROBE_BYTES, FRAME_HEADER_BYTES + payloadLength)} bytes from {@code at}. Random bytes
     * almost never pass, which keeps the search for intact records after damage fast.
     */
    static boolean plausibleFrameStart(ByteBuffer buf, int at, long payloadLength) {
        int payload = at + FRAME_HEADER_BYTES;
        long count = Integer.toUnsignedLong(buf.getInt(payload + 8));
        if (count == 0) {
            return payloadLength == PAYLOAD_HEADER_BYTES;
        }
        if (count > (payloadLength - PAYLOAD_HEADER_BYTES) / ENTRY_HEADER_BYTES) {
            return false;
        }
        int entry = payload + PAYLOAD_HEADER_BYTES;
        int keyLength = Short.toUnsignedInt(buf.getShort(entry + 9));
        long valueLength = Integer.toUnsignedLong(buf.getInt(entry + 11));
        long firstEntry = ENTRY_HEADER_BYTES + keyLength + valueLength;
        long room = payloadLength - PAYLOAD_HEADER_BYTES;
        return EntryKind.ofCode(buf.get(entry + 8)) != null && keyLength > 0
                && (count == 1 ? firstEntry == room : firstEntry <= room);
    }

    /** Whether the checksum stored in the frame at {@code at} matches its payload (all in {@code buf}). */
    static boolean checksumMatches(ByteBuffer buf, int at, int payloadLength) {
        int payloadStart = at + FRAME_HEADER_BYTES;
        return buf.getInt(at + 4) == checksum(buf, payloadStart, payloadStart + payloadLength);
    }

    /**
     * Decodes a payload whose checksum matched. A payload that still does not parse was written wrong or
     * damaged in a way the checksum missed: it is reported, never guessed at.
     *
     * @param file   for the error: the log file
     * @param offset for the error: where the frame starts in the file
     */
    static WalRecord decode(ByteBuffer buf, int payloadStart, int payloadLength, Path file, long offset)
            throws CorruptionException {
        ByteBuffer p = buf.slice(payloadStart, payloadLength);
        long revision = p.getLong();
        long count = Integer.toUnsignedLong(p.getInt());
        if (count > (long) p.remaining() / ENTRY_HEADER_BYTES) {
            throw new CorruptionException(file, offset, "log record claims " + count + " entries in "
                    + payloadLength + " bytes");
        }
        List<InternalEntry> entries = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            if (p.remaining() < ENTRY_HEADER_BYTES) {
                throw new CorruptionException(file, offset, "log record entry " + i + " is cut short");
            }
            long sequence = p.getLong();
            byte code = p.get();
            int keyLength = Short.toUnsignedInt(p.getShort());
            long valueLength = Integer.toUnsignedLong(p.getInt());
            long entryRevision = p.getLong();
            long createTime = p.getLong();
            long writeTime = p.getLong();
            long expiresAt = p.getLong();
            EntryKind kind = EntryKind.ofCode(code);
            if (kind == null) {
                throw new CorruptionException(file, offset, "log record entry " + i + " has unknown kind " + code);
            }
            if (keyLength == 0 || keyLength + valueLength > p.remaining()) {
                throw new CorruptionException(file, offset, "log record entry " + i + " has impossible lengths "
                        + keyLength + "/" + valueLength);
            }
            byte[] key = new byte[keyLength];
            byte[] value = new byte[(int) valueLength];
            p.get(key).get(value);
            entries.add(new InternalEntry(key, sequence, kind, value, entryRevision, createTime, writeTime,
                    expiresAt));
        }
        if (p.hasRemaining()) {
            throw new CorruptionException(file, offset, "log record has " + p.remaining() + " bytes after its "
                    + count + " entries");
        }
        return new WalRecord(revision, entries);
    }

    /** CRC32C of {@code buf[from, to)}, leaving the buffer's position and limit unchanged. */
    static int checksum(ByteBuffer buf, int from, int to) {
        CRC32C crc = new CRC32C();
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + from, to - from);
        } else {
            crc.update(buf.slice(from, to - from));
        }
        return (int) crc.getValue();
    }
}
