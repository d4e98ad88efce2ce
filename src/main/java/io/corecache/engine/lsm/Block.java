package io.corecache.engine.lsm;

import io.corecache.engine.CorruptionException;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * A block read back from a table, its checksum already verified by the reader: the layout
 * {@link BlockBuilder} writes. Immutable, so one instance is shared through the {@link BlockCache} by any
 * number of threads, each with its own {@link Cursor}.
 *
 * <p>The checksum makes damage unlikely to reach here, but a block that does not parse (a writer bug, a
 * checksum collision) still never yields data: the cursor throws {@link CorruptionException} naming the
 * file and the block's offset.
 */
final class Block {

    private final Path file;
    private final long offset;
    private final byte[] data;
    private final ByteBuffer view;
    /** Where the restart array starts: entries occupy {@code [0, restartsAt)}. */
    private final int restartsAt;
    private final int restartCount;

    private Block(Path file, long offset, byte[] data, int restartsAt, int restartCount) {
        this.file = file;
        this.offset = offset;
        this.data = data;
        this.view = ByteBuffer.wrap(data);
        this.restartsAt = restartsAt;
        this.restartCount = restartCount;
    }

    /**
     * The block in {@code data[0, length)} (the reader passes the bytes it read, CRC trailer included past
     * {@code length}). Checks the restart array; entries are checked as cursors decode them.
     */
    static Block parse(Path file, long offset, byte[] data, int length) {
        if (length < Integer.BYTES) {
            throw new CorruptionException(file, offset, "block of " + length + " bytes has no restart count");
        }
        ByteBuffer view = ByteBuffer.wrap(data, 0, length);
        int count = view.getInt(length - Integer.BYTES);
        long restartsAt = (long) length - Integer.BYTES - (long) count * Integer.BYTES;
        if (count < 1 || restartsAt < 0) {
            throw new CorruptionException(file, offset, "block of " + length + " bytes claims " + count + " restarts");
        }
        int previous = -1;
        for (int i = 0; i < count; i++) {
            int restart = view.getInt((int) restartsAt + i * Integer.BYTES);
            boolean inEntries = restart >= 0 && (restart < restartsAt || (restart == 0 && restartsAt == 0));
            if (!inEntries || restart <= previous || (i == 0 && restart != 0)) {
                throw new CorruptionException(file, offset, "restart " + i + " points at " + restart
                        + ", outside the entries or out of order");
            }
            previous = restart;
        }
        return new Block(file, offset, data, (int) restartsAt, count);
    }

    /** Bytes this block holds in memory: what the block cache charges for it. */
    int charge() {
        return data.length;
    }

    Cursor cursor() {
        return new Cursor();
    }

    /** Big-endian i64 at {@code at} of this block's bytes. */
    private long longAt(int at) {
        return view.getLong(at);
    }

    private CorruptionException corrupt(String reason) {
        return new CorruptionException(file, offset, reason);
    }

    /**
     * A position in the block. Not thread-safe. Starts unpositioned; {@link #seekToFirst} or {@link #seek}
     * put it on an entry, or past the end ({@link #valid()} false).
     */
    final class Cursor {
        /** Offset of the current entry; -1 when not on one. */
        private int current = -1;
        private int nextEntry;
        private byte[] key = new byte[64];
        private int keyLength;
        private int valueAt;
        private int valueLength;
        // The header decodeHeader() parsed last.
        private int headerShared;
        private int headerUnshared;
        private int headerValueLength;
        private int headerKeyAt;
        private int varintEnd;

        boolean valid() {
            return current >= 0;
        }

        void seekToFirst() {
            toRestart(0);
            advance();
        }

        /** Moves to the first entry at or after {@code (userKey, sequence)} in internal order. */
        void seek(byte[] userKey, long sequence) {
            // The last restart whose key is before the target; the target is at or after it.
            int left = 0;
            int right = restartCount - 1;
            while (left < right) {
                int mid = (left + right + 1) >>> 1;
                if (compareRestartKey(mid, userKey, sequence) < 0) {
                    left = mid;
                } else {
                    right = mid - 1;
                }
            }
            toRestart(left);
            while (advance()) {
                if (compareTo(userKey, sequence) >= 0) {
                    return;
                }
            }
        }

        void next() {
            if (!valid()) {
                throw new NoSuchElementException("cursor is not on an entry");
            }
            advance();
        }

        /** Orders the current entry against {@code (userKey, sequence)} as {@link InternalEntry#compare} does. */
        int compareTo(byte[] userKey, long sequence) {
            int byKey = Arrays.compareUnsigned(key, 0, keyLength - BlockBuilder.KEY_SUFFIX_BYTES,
                    userKey, 0, userKey.length);
            return byKey != 0 ? byKey : Long.compare(sequence, sequence());
        }

        boolean userKeyEquals(byte[] userKey) {
            return Arrays.equals(key, 0, keyLength - BlockBuilder.KEY_SUFFIX_BYTES, userKey, 0, userKey.length);
        }

        byte[] userKey() {
            return Arrays.copyOf(key, keyLength - BlockBuilder.KEY_SUFFIX_BYTES);
        }

        long sequence() {
            return suffix() >>> 8;
        }

        /** The current entry's value bytes as stored (the index block's block handles). */
        byte[] value() {
            return Arrays.copyOfRange(data, valueAt, valueAt + valueLength);
        }

        /** The current entry of a data block. */
        InternalEntry entry() {
            EntryKind kind = EntryKind.ofCode((byte) suffix());
            if (kind == null) {
                throw corrupt("entry at " + current + " has unknown kind code " + (suffix() & 0xFF));
            }
            if (valueLength < BlockBuilder.VALUE_HEADER_BYTES) {
                throw corrupt("entry at " + current + " has a " + valueLength + "-byte value, shorter than its header");
            }
            byte[] value = Arrays.copyOfRange(data, valueAt + BlockBuilder.VALUE_HEADER_BYTES, valueAt + valueLength);
            return new InternalEntry(userKey(), sequence(), kind, value, longAt(valueAt), longAt(valueAt + 8),
                    longAt(valueAt + 16), longAt(valueAt + 24));
        }

        private long suffix() {
            long suffix = 0;
            for (int i = keyLength - BlockBuilder.KEY_SUFFIX_BYTES; i < keyLength; i++) {
                suffix = suffix << 8 | (key[i] & 0xFF);
            }
            return suffix;
        }

        private void toRestart(int index) {
            nextEntry = view.getInt(restartsAt + index * Integer.BYTES);
            keyLength = 0;
            current = -1;
        }

        /** Decodes the entry at {@code nextEntry}; false (and unpositioned) at the end of the entries. */
        private boolean advance() {
            if (nextEntry >= restartsAt) {
                current = -1;
                return false;
            }
            int at = nextEntry;
            decodeHeader(at);
            if (headerShared > keyLength) {
                throw corrupt("entry at " + at + " shares " + headerShared + " bytes of a " + keyLength + "-byte key");
            }
            int length = headerShared + headerUnshared;
            if (length < BlockBuilder.KEY_SUFFIX_BYTES) {
                throw corrupt("entry at " + at + " has a " + length + "-byte key, shorter than its sequence");
            }
            if (key.length < length) {
                key = Arrays.copyOf(key, Math.max(length, key.length * 2));
            }
            System.arraycopy(data, headerKeyAt, key, headerShared, headerUnshared);
            keyLength = length;
            valueAt = headerKeyAt + headerUnshared;
            valueLength = headerValueLength;
            current = at;
            nextEntry = valueAt + valueLength;
            return true;
        }

        /** Compares a restart entry's key (stored whole) with the target, without moving the cursor. */
        private int compareRestartKey(int index, byte[] userKey, long sequence) {
            int at = view.getInt(restartsAt + index * Integer.BYTES);
            decodeHeader(at);
            if (headerShared != 0 || headerUnshared < BlockBuilder.KEY_SUFFIX_BYTES) {
                throw corrupt("restart entry at " + at + " does not hold a whole key");
            }
            int userKeyEnd = headerKeyAt + headerUnshared - BlockBuilder.KEY_SUFFIX_BYTES;
            int byKey = Arrays.compareUnsigned(data, headerKeyAt, userKeyEnd, userKey, 0, userKey.length);
            return byKey != 0 ? byKey : Long.compare(sequence, longAt(userKeyEnd) >>> 8);
        }

        private void decodeHeader(int at) {
            headerShared = varint(at);
            headerUnshared = varint(varintEnd);
            headerValueLength = varint(varintEnd);
            headerKeyAt = varintEnd;
            if ((long) headerKeyAt + headerUnshared + headerValueLength > restartsAt) {
                throw corrupt("entry at " + at + " runs past the block's entries");
            }
        }

        /** Reads an unsigned LEB128 int at {@code at}; leaves its end in {@code varintEnd}. */
        private int varint(int at) {
            int value = 0;
            for (int shift = 0, i = at; shift <= 28; shift += 7, i++) {
                if (i >= restartsAt) {
                    throw corrupt("varint at " + at + " runs past the block's entries");
                }
                int b = data[i];
                value |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    if (value < 0) {
                        break;
                    }
                    varintEnd = i + 1;
                    return value;
                }
            }
            throw corrupt("bad varint at " + at);
        }
    }
}
