package io.corecache.cluster.op;

import io.corecache.cluster.ReplicaProtocol.Applied;
import io.corecache.engine.Versioned;

/**
 * Adds bytes after the value (APPEND) or before it (memento's PREPEND); an absent key starts empty. The
 * expiry is kept; replies the new length.
 */
public record Append(byte[] bytes, boolean atFront) implements KeyOperation {

    @Override
    public Outcome apply(Versioned current, long now, int maxValueBytes) {
        byte[] old = current == null ? new byte[0] : current.value();
        long length = (long) old.length + bytes.length;
        Numbers.checkLength(length, maxValueBytes);
        byte[] joined = new byte[(int) length];
        System.arraycopy(atFront ? bytes : old, 0, joined, 0, atFront ? bytes.length : old.length);
        System.arraycopy(atFront ? old : bytes, 0, joined, atFront ? bytes.length : old.length,
                atFront ? old.length : bytes.length);
        return Outcome.store(joined, current == null ? Versioned.NO_EXPIRY : current.expiresAt(),
                new Applied(true, null, length));
    }
}
