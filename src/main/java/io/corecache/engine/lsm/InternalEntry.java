package io.corecache.engine.lsm;

import io.corecache.engine.Bytes;
import io.corecache.engine.Versioned;

import java.util.Arrays;
import java.util.Comparator;

/**
 * One version of a key as the LSM engine stores it in the log, memtables and tables.
 *
 * <p>{@code sequence} is the engine's own write counter, unique per entry and increasing in write order
 * (every entry of a batch has its own); it orders versions of the same key, newest first, and lets a
 * snapshot see exactly the writes made before it. {@code revision} is the caller's and is only stored.
 *
 * @param key        the user key
 * @param sequence   the engine's write number, 1 and up
 * @param kind       put or delete
 * @param value      the value; empty for a delete
 * @param revision   the caller's revision
 * @param createTime epoch millis the key was first created
 * @param writeTime  epoch millis of this write
 * @param expiresAt  epoch millis after which the version is gone, 0 = never
 */
public record InternalEntry(byte[] key, long sequence, EntryKind kind, byte[] value, long revision,
                            long createTime, long writeTime, long expiresAt) {

    private static final byte[] EMPTY = new byte[0];

    /** Key ascending (unsigned bytes), then sequence descending: the newest version of a key comes first. */
    public static final Comparator<InternalEntry> ORDER = (a, b) -> compare(a.key, a.sequence, b.key, b.sequence);

    public static InternalEntry put(byte[] key, long sequence, byte[] value, long revision, long createTime,
                                    long writeTime, long expiresAt) {
        return new InternalEntry(key, sequence, EntryKind.PUT, value, revision, createTime, writeTime, expiresAt);
    }

    public static InternalEntry delete(byte[] key, long sequence, long revision, long writeTime) {
        return new InternalEntry(key, sequence, EntryKind.DELETE, EMPTY, revision, 0L, writeTime, 0L);
    }

    /** Orders (key, sequence) pairs as {@link #ORDER} does. */
    public static int compare(byte[] keyA, long sequenceA, byte[] keyB, long sequenceB) {
        int byKey = Arrays.compareUnsigned(keyA, keyB);
        return byKey != 0 ? byKey : Long.compare(sequenceB, sequenceA);
    }

    public boolean isDelete() {
        return kind == EntryKind.DELETE;
    }

    /** The version a reader sees, or null for a tombstone. */
    public Versioned toVersioned() {
        return isDelete() ? null : new Versioned(value, createTime, writeTime, revision, expiresAt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InternalEntry e && sequence == e.sequence && kind == e.kind && revision == e.revision
                && createTime == e.createTime && writeTime == e.writeTime && expiresAt == e.expiresAt
                && Arrays.equals(key, e.key) && Arrays.equals(value, e.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key) * 31 + Long.hashCode(sequence);
    }

    @Override
    public String toString() {
        return "InternalEntry[" + Bytes.printable(key) + " #" + sequence + " " + kind + ", " + value.length
                + " bytes, revision=" + revision + "]";
    }
}
