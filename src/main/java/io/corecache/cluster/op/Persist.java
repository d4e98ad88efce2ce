package io.corecache.cluster.op;

import io.corecache.cluster.ReplicaProtocol.Applied;
import io.corecache.engine.Versioned;

/** Removes the key's expiry (PERSIST); replies {@code done} only if it had one. */
public record Persist() implements KeyOperation {

    @Override
    public Outcome apply(Versioned current, long now, int maxValueBytes) {
        if (current == null || current.expiresAt() == Versioned.NO_EXPIRY) {
            return Outcome.unchanged(new Applied(false, null, 0));
        }
        return Outcome.store(current.value(), Versioned.NO_EXPIRY, new Applied(true, null, 0));
    }
}
