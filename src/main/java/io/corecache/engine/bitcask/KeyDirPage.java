package io.corecache.engine.bitcask;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An immutable, sorted run of key-directory entries packed into one byte array.
 *
 * <p>Implementation notes: an entry is {@code keyLen u16 | key | file i32 | offset i32 | size i32 |
 * createTime i64}, 22 bytes plus the key, with a 4-byte start offset in {@link #starts}. Against one object
 * per key (a map node, a boxed location, the key's own array header: well over 100 bytes) this keeps the
 * directory near 30 bytes per key plus the key bytes. Pages are never changed once published: a write
 * builds a new page (copy-on-write), so readers need no lock and a scan's snapshot is just the list of
 * page references it saw.
 */
final class KeyDirPage {

    static final int ENTRY_OVERHEAD = 2 + 4 + 4 + 4 + 8;

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    static final KeyDirPage EMPTY = new KeyDirPage(new byte[0], new int[0], 0);

    private final byte[] data;
    private final int[] starts;
    /** Entries whose record has an expiry (a scan cannot count on returning them). */
    private final int expiring;

    private KeyDirPage(byte[] data, int[] starts, int expiring) {
        this.data = data;
        this.starts = starts;
        this.expiring = expiring;
    }

    private boolean expiresAt(int index) {
        int start = starts[index];
        return (int) INT.get(data, start + 2 + keyLength(start) + 8) < 0; // packed size: sign = expires
    }

    int expiring() {
        return expiring;
    }

    int count() {
        return starts.length;
    }

    int bytes() {
        return data.length;
    }

    /** Index of {@code key}, or {@code -(insertionPoint) - 1} if absent (as {@link Arrays#binarySearch}). */
    int find(byte[] key) {
        int low = 0;
        int high = starts.length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int c = compareKeyAt(mid, key);
            if (c < 0) {
                low = mid + 1;
            } else if (c > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -(low + 1);
    }

    int compareKeyAt(int index, byte[] key) {
        int at = starts[index];
        int length = keyLength(at);
        return Arrays.compareUnsigned(data, at + 2, at + 2 + length, key, 0, key.length);
    }

    byte[] key(int index) {
        int at = starts[index];
        return Arrays.copyOfRange(data, at + 2, at + 2 + keyLength(at));
    }

    Location location(int index) {
        int meta = starts[index] + 2 + keyLength(starts[index]);
        return Location.unpack((int) INT.get(data, meta), (int) INT.get(data, meta + 4),
                (int) INT.get(data, meta + 8), (long) LONG.get(data, meta + 12));
    }

    /** A copy with {@code key} set to {@code location}, inserted at {@code index} or replacing it. */
    KeyDirPage with(int index, boolean replace, byte[] key, Location location) {
        int entryBytes = ENTRY_OVERHEAD + key.length;
        int cut = index < starts.length ? starts[index] : data.length;
        int resume = replace ? entryEnd(index) : cut;
        byte[] newData = new byte[data.length - (resume - cut) + entryBytes];
        System.arraycopy(data, 0, newData, 0, cut);
        writeEntry(newData, cut, key, location);
        System.arraycopy(data, resume, newData, cut + entryBytes, data.length - resume);

        int[] newStarts = new int[replace ? starts.length : starts.length + 1];
        System.arraycopy(starts, 0, newStarts, 0, index);
        newStarts[index] = cut;
        int shift = entryBytes - (resume - cut);
        int from = replace ? index + 1 : index;
        for (int i = from; i < starts.length; i++) {
            newStarts[replace ? i : i + 1] = starts[i] + shift;
        }
        int newExpiring = expiring - (replace && expiresAt(index) ? 1 : 0) + (location.expires() ? 1 : 0);
        return new KeyDirPage(newData, newStarts, newExpiring);
    }

    /** A copy without the entry at {@code index}. */
    KeyDirPage without(int index) {
        int cut = starts[index];
        int resume = entryEnd(index);
        int removed = resume - cut;
        byte[] newData = new byte[data.length - removed];
        System.arraycopy(data, 0, newData, 0, cut);
        System.arraycopy(data, resume, newData, cut, data.length - resume);
        int[] newStarts = new int[starts.length - 1];
        System.arraycopy(starts, 0, newStarts, 0, index);
        for (int i = index + 1; i < starts.length; i++) {
            newStarts[i - 1] = starts[i] - removed;
        }
        return new KeyDirPage(newData, newStarts, expiring - (expiresAt(index) ? 1 : 0));
    }

    /** Where to split a full page: the index of the first entry of its upper half, by bytes. */
    int splitIndex() {
        int half = data.length / 2;
        int index = Arrays.binarySearch(starts, half);
        index = index >= 0 ? index : -index - 1;
        return Math.max(1, Math.min(index, starts.length - 1));
    }

    KeyDirPage slice(int fromIndex, int toIndex) {
        int from = starts[fromIndex];
        int to = toIndex < starts.length ? starts[toIndex] : data.length;
        int[] newStarts = new int[toIndex - fromIndex];
        int newExpiring = 0;
        for (int i = fromIndex; i < toIndex; i++) {
            newStarts[i - fromIndex] = starts[i] - from;
            newExpiring += expiresAt(i) ? 1 : 0;
        }
        return new KeyDirPage(Arrays.copyOfRange(data, from, to), newStarts, newExpiring);
    }

    /** Lays out sorted entries one after another, for building pages in bulk. */
    static final class Builder {
        private byte[] data = new byte[KeyDir.SPLIT_BYTES * 2];
        private int[] starts = new int[64];
        private int count;
        private int used;
        private int expiring;

        int bytes() {
            return used;
        }

        int count() {
            return count;
        }

        void add(byte[] key, Location location) {
            int need = ENTRY_OVERHEAD + key.length;
            if (used + need > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, used + need));
            }
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
            }
            starts[count++] = used;
            writeEntry(data, used, key, location);
            used += need;
            expiring += location.expires() ? 1 : 0;
        }

        KeyDirPage build() {
            KeyDirPage page = new KeyDirPage(Arrays.copyOf(data, used), Arrays.copyOf(starts, count), expiring);
            count = 0;
            used = 0;
            expiring = 0;
            return page;
        }
    }

    private int entryEnd(int index) {
        return index + 1 < starts.length ? starts[index + 1] : data.length;
    }

    private int keyLength(int at) {
        return Short.toUnsignedInt((short) SHORT.get(data, at));
    }

    private static void writeEntry(byte[] into, int at, byte[] key, Location location) {
        SHORT.set(into, at, (short) key.length);
        System.arraycopy(key, 0, into, at + 2, key.length);
        int meta = at + 2 + key.length;
        INT.set(into, meta, location.file());
        INT.set(into, meta + 4, location.offset());
        INT.set(into, meta + 8, location.packedSize());
        LONG.set(into, meta + 12, location.createTime());
    }
}
