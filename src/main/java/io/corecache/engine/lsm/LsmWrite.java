package io.corecache.engine.lsm;

import io.corecache.engine.Versioned;
import io.corecache.engine.WriteBatch;

import java.util.ArrayList;
import java.util.List;

/**
 * One caller's write as the write queue carries it: the operations that go into one write-ahead log record,
 * applied together or not at all.
 *
 * @param revision the caller's revision, recorded with the log record (and the applied revision)
 * @param ops      the operations, in order; may be empty (the revision alone is recorded)
 */
record LsmWrite(long revision, List<Op> ops) {

    /** Unknown time: the leader fills it in (create time from the live version, write time from the clock). */
    static final long UNSET = -1;

    /**
     * One operation: a put when {@code value} is non-null, a delete otherwise. A restore gives the stored
     * times and revision; a caller's write leaves the times {@link #UNSET}.
     */
    record Op(byte[] key, byte[] value, long expiresAt, long revision, long createTime, long writeTime) {
        boolean isDelete() {
            return value == null;
        }

        /** Bytes the operation adds to a group: what bounds a group's size. */
        int bytes() {
            return key.length + (value == null ? 0 : value.length) + 48;
        }
    }

    LsmWrite {
        ops = List.copyOf(ops);
    }

    static LsmWrite put(byte[] key, byte[] value, long revision, long expiresAt) {
        return new LsmWrite(revision, List.of(new Op(key, value, expiresAt, revision, UNSET, UNSET)));
    }

    static LsmWrite delete(byte[] key, long revision) {
        return new LsmWrite(revision, List.of(new Op(key, null, Versioned.NO_EXPIRY, revision, UNSET, UNSET)));
    }

    static LsmWrite of(WriteBatch batch) {
        List<Op> ops = new ArrayList<>(batch.size());
        for (WriteBatch.Op op : batch.ops()) {
            ops.add(new Op(op.key(), op.value(), op.isDelete() ? Versioned.NO_EXPIRY : op.expiresAt(),
                    batch.revision(), UNSET, UNSET));
        }
        return new LsmWrite(batch.revision(), ops);
    }

    int bytes() {
        int total = 16;
        for (Op op : ops) {
            total += op.bytes();
        }
        return total;
    }
}
