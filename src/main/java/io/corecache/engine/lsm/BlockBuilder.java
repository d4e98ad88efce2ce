package io.corecache.engine.lsm;

import java.util.Arrays;

/**
 * Builds one block of sorted entries with prefix compression (docs/formats.md, "LSM table: blocks"); the
 * one place the block layout is written. {@link Block} reads it back.
 *
 * <pre>
 * entry    : shared varint | unshared varint | valueLen varint | key[shared ..] | value
 * restarts : u32 offset of each restart entry, ascending
 * count    : u32 number of restarts (at least 1)
 * </pre>
 *
 * Every {@code restartInterval}-th entry is a restart point and stores its whole key ({@code shared = 0}),
 * so a reader binary-searches the restart points and scans forward from one instead of decoding the block
 * from its start. Keys are internal keys: the user key, then 8 bytes {@code sequence << 8 | kind code}
 * ({@link #internalKey}). The table writer adds the CRC32C trailer when it writes the block out.
 *
 * <p>The builder trusts its caller for the key order; {@link SstableWriter} checks it.
 */
final class BlockBuilder {

    static final int DEFAULT_RESTART_INTERVAL = 16;
    /** Bytes an internal key adds after the user key: {@code sequence << 8 | kind code}, big-endian. */
    static final int KEY_SUFFIX_BYTES = 8;
    /** The largest sequence an internal key can hold: it has 56 bits beside the kind code. */
    static final long MAX_SEQUENCE = (1L << 56) - 1;
    /** A data entry's value: revision, createTime, writeTime, expiresAt (i64 each), then the value bytes. */
    static final int VALUE_HEADER_BYTES = 4 * Long.BYTES;

    private final int restartInterval;
    private byte[] buffer = new byte[4096];
    private int size;
    private int[] restarts = new int[16];
    private int restartCount;
    private int sinceRestart;
    private byte[] lastKey = new byte[64];
    private int lastKeyLength;
    private int entries;

    BlockBuilder(int restartInterval) {
        if (restartInterval < 1) {
            throw new IllegalArgumentException("restart interval must be at least 1, got " + restartInterval);
        }
        this.restartInterval = restartInterval;
        reset();
    }

    /** The internal key of {@code userKey} at {@code sequence}: how every block stores and orders keys. */
    static byte[] internalKey(byte[] userKey, long sequence, EntryKind kind) {
        byte[] key = Arrays.copyOf(userKey, userKey.length + KEY_SUFFIX_BYTES);
        putLong(key, userKey.length, sequence << 8 | (kind.code() & 0xFF));
        return key;
    }

    /** Adds a data entry; entries must come in {@link InternalEntry#ORDER}. */
    void add(InternalEntry entry) {
        addKey(internalKey(entry.key(), entry.sequence(), entry.kind()), VALUE_HEADER_BYTES + entry.value().length);
        ensureRoom(VALUE_HEADER_BYTES + entry.value().length);
        putLong(buffer, size, entry.revision());
        putLong(buffer, size + 8, entry.createTime());
        putLong(buffer, size + 16, entry.writeTime());
        putLong(buffer, size + 24, entry.expiresAt());
        size += VALUE_HEADER_BYTES;
        putBytes(entry.value());
    }

    /** Adds an entry with an opaque value (the index block); keys must be ascending internal keys. */
    void add(byte[] internalKey, byte[] value) {
        addKey(internalKey, value.length);
        putBytes(value);
    }

    /** Writes the entry's lengths and the unshared part of its key; the caller appends the value. */
    private void addKey(byte[] key, int valueLength) {
        int shared = 0;
        if (sinceRestart == restartInterval) {
            if (restartCount == restarts.length) {
                restarts = Arrays.copyOf(restarts, restartCount * 2);
            }
            restarts[restartCount++] = size;
            sinceRestart = 0;
        } else if (entries > 0) {
            int mismatch = Arrays.mismatch(lastKey, 0, lastKeyLength, key, 0, key.length);
            shared = mismatch < 0 ? Math.min(lastKeyLength, key.length) : mismatch;
        }
        int unshared = key.length - shared;
        ensureRoom(3 * 5 + unshared);
        putVarint(shared);
        putVarint(unshared);
        putVarint(valueLength);
        System.arraycopy(key, shared, buffer, size, unshared);
        size += unshared;
        if (lastKey.length < key.length) {
            lastKey = new byte[Math.max(key.length, lastKey.length * 2)];
        }
        System.arraycopy(key, 0, lastKey, 0, key.length);
        lastKeyLength = key.length;
        sinceRestart++;
        entries++;
    }

    /** The size of the finished block so far: entries, restart array and count (not the CRC trailer). */
    int estimatedSize() {
        return size + restartCount * Integer.BYTES + Integer.BYTES;
    }

    int entries() {
        return entries;
    }

    boolean isEmpty() {
        return entries == 0;
    }

    /** The key of the last entry added (the index block maps it to this block). */
    byte[] lastKey() {
        return Arrays.copyOf(lastKey, lastKeyLength);
    }

    /** The block's bytes (without the CRC trailer); the builder is then empty again. */
    byte[] finish() {
        byte[] block = new byte[estimatedSize()];
        System.arraycopy(buffer, 0, block, 0, size);
        int at = size;
        for (int i = 0; i < restartCount; i++, at += Integer.BYTES) {
            putInt(block, at, restarts[i]);
        }
        putInt(block, at, restartCount);
        reset();
        return block;
    }

    void reset() {
        size = 0;
        restarts[0] = 0;
        restartCount = 1;
        sinceRestart = 0;
        lastKeyLength = 0;
        entries = 0;
    }

    private void ensureRoom(int extra) {
        long needed = (long) size + extra;
        if (needed > buffer.length) {
            if (needed > Integer.MAX_VALUE - 64) {
                throw new IllegalStateException("a block cannot hold " + needed + " bytes");
            }
            buffer = Arrays.copyOf(buffer, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 64L, buffer.length * 2L)));
        }
    }

    /** LEB128: seven bits a byte, least significant group first, high bit set on all but the last byte. */
    private void putVarint(int value) {
        int v = value;
        while ((v & ~0x7F) != 0) {
            buffer[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buffer[size++] = (byte) v;
    }

    private void putBytes(byte[] bytes) {
        ensureRoom(bytes.length);
        System.arraycopy(bytes, 0, buffer, size, bytes.length);
        size += bytes.length;
    }

    static void putLong(byte[] into, int at, long value) {
        for (int i = 7; i >= 0; i--) {
            into[at + i] = (byte) value;
            value >>>= 8;
        }
    }

    static void putInt(byte[] into, int at, int value) {
        into[at] = (byte) (value >>> 24);
        into[at + 1] = (byte) (value >>> 16);
        into[at + 2] = (byte) (value >>> 8);
        into[at + 3] = (byte) value;
    }
}
