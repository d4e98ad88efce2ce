package io.corecache.cluster.op;

import io.corecache.cluster.ReplicaProtocol.Applied;
import io.corecache.engine.Versioned;

/**
 * Overwrites the value from {@code offset} with {@code bytes}, padding with zero bytes if the value is
 * shorter (SETRANGE). Empty {@code bytes} change nothing, not even create the key. Replies the new length.
 */
public record SetRange(long offset, byte[] bytes) implements KeyOperation {

    @Override
    public Outcome apply(Versioned current, long now, int maxValueBytes) {
        if (offset < 0) {
            throw new OperationException(OperationException.OUT_OF_RANGE, "offset is out of range");
        }
        byte[] old = current == null ? new byte[0] : current.value();
        if (bytes.length == 0) {
            return Outcome.unchanged(new Applied(false, null, old.length));
        }
        // offset + length may wrap: saturate so a huge offset is "too large", never a negative index.
        long end = offset > Long.MAX_VALUE - bytes.length ? Long.MAX_VALUE : offset + bytes.length;
        long length = Math.max(old.length, end);
        Numbers.checkLength(length, maxValueBytes);
        byte[] updated = new byte[(int) length];
        System.arraycopy(old, 0, updated, 0, old.length);
        System.arraycopy(bytes, 0, updated, (int) offset, bytes.length);
        return Outcome.store(updated, current == null ? Versioned.NO_EXPIRY : current.expiresAt(),
                new Applied(true, null, length));
    }
}
