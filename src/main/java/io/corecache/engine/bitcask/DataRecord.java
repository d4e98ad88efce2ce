package io.corecache.engine.bitcask;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.Versioned;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/** One record read back from a data file, its checksum verified. */
record DataRecord(int flags, byte[] key, byte[] value, long revision, long createTime, long writeTime,
                  long expiresAt, int size) {

    private static final byte[] NO_VALUE = new byte[0];

    boolean isTombstone() {
        return (flags & RecordFormat.FLAG_TOMBSTONE) != 0;
    }

    boolean continuesBatch() {
        return (flags & RecordFormat.FLAG_BATCH_CONTINUES) != 0;
    }

    boolean isMeta() {
        return (flags & RecordFormat.FLAG_META) != 0;
    }

    Versioned version() {
        return new Versioned(value, createTime, writeTime, revision, expiresAt);
    }

    /**
     * Reads the header fields at {@code buf[at]} without checking anything; returns the record's total
     * length, or -1 if the header is not plausible (unknown flags, impossible lengths).
     */
    static long declaredSize(ByteBuffer buf, int at) {
        int flags = buf.get(at + RecordFormat.OFF_FLAGS) & 0xFF;
        int keyLength = Short.toUnsignedInt(buf.getShort(at + RecordFormat.OFF_KEY_LEN));
        long valueLength = Integer.toUnsignedLong(buf.getInt(at + RecordFormat.OFF_VALUE_LEN));
        if ((flags & ~RecordFormat.KNOWN_FLAGS) != 0) {
            return -1;
        }
        boolean meta = (flags & RecordFormat.FLAG_META) != 0;
        if (meta != (keyLength == 0)) {
            return -1;
        }
        return RecordFormat.HEADER_BYTES + keyLength + valueLength;
    }

    /**
     * Parses and verifies the record occupying {@code buf[at, at + size)}.
     *
     * @throws CorruptionException naming {@code file} and {@code fileOffset} if the checksum or lengths fail
     */
    static DataRecord parse(ByteBuffer buf, int at, int size, Path file, long fileOffset) {
        return parse(buf, at, size, file, fileOffset, true);
    }

    /**
     * As {@link #parse(ByteBuffer, int, int, Path, long)}; without {@code withValue} the checksum still
     * covers the whole record but the value is not copied out (start-up and hint files need only keys).
     */
    static DataRecord parse(ByteBuffer buf, int at, int size, Path file, long fileOffset, boolean withValue) {
        if (size < RecordFormat.HEADER_BYTES || declaredSize(buf, at) != size) {
            throw new CorruptionException(file, fileOffset, "record header does not match its length " + size);
        }
        int stored = buf.getInt(at);
        if (stored != RecordFormat.checksum(buf, at + 4, at + size)) {
            throw new CorruptionException(file, fileOffset, "record checksum mismatch");
        }
        int flags = buf.get(at + RecordFormat.OFF_FLAGS) & 0xFF;
        int keyLength = Short.toUnsignedInt(buf.getShort(at + RecordFormat.OFF_KEY_LEN));
        int valueLength = buf.getInt(at + RecordFormat.OFF_VALUE_LEN);
        byte[] key = new byte[keyLength];
        byte[] value = withValue ? new byte[valueLength] : NO_VALUE;
        buf.get(at + RecordFormat.HEADER_BYTES, key);
        if (withValue) {
            buf.get(at + RecordFormat.HEADER_BYTES + keyLength, value);
        }
        return new DataRecord(flags, key, value,
                buf.getLong(at + RecordFormat.OFF_REVISION),
                buf.getLong(at + RecordFormat.OFF_CREATE_TIME),
                buf.getLong(at + RecordFormat.OFF_WRITE_TIME),
                buf.getLong(at + RecordFormat.OFF_EXPIRES_AT),
                size);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataRecord r && flags == r.flags && Arrays.equals(key, r.key)
                && Arrays.equals(value, r.value) && revision == r.revision;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }
}
