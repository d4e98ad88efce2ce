package io.corecache.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Puts and deletes applied all together or not at all, even across a crash, under one revision.
 * A batch with no operations still records its revision as applied (replication uses that for log
 * entries that change no data).
 */
public final class WriteBatch {

    /** One operation of a batch: a put when {@code value} is non-null, a delete otherwise. */
    public record Op(byte[] key, byte[] value, long expiresAt) {
        public boolean isDelete() {
            return value == null;
        }
    }

    private final long revision;
    private final List<Op> ops = new ArrayList<>();

    public WriteBatch(long revision) {
        this.revision = revision;
    }

    public WriteBatch put(byte[] key, byte[] value) {
        return put(key, value, Versioned.NO_EXPIRY);
    }

    public WriteBatch put(byte[] key, byte[] value, long expiresAt) {
        if (value == null) {
            throw new InvalidArgumentException("value_missing", "a put needs a value (use delete to remove a key)");
        }
        ops.add(new Op(key, value, expiresAt));
        return this;
    }

    public WriteBatch delete(byte[] key) {
        ops.add(new Op(key, null, Versioned.NO_EXPIRY));
        return this;
    }

    public long revision() {
        return revision;
    }

    public List<Op> ops() {
        return Collections.unmodifiableList(ops);
    }

    public int size() {
        return ops.size();
    }
}
