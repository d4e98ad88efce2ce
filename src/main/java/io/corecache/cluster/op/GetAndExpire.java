package io.corecache.cluster.op;

import io.corecache.cluster.ReplicaProtocol.Applied;
import io.corecache.engine.Versioned;

/**
 * Replies the value and gives the key a new expiry (GETEX with EX/PX/EXAT/PXAT, or PERSIST as
 * {@link Expiry#NONE}). An expiry already past deletes the key, as in Redis.
 */
public record GetAndExpire(Expiry expiry) implements KeyOperation {

    @Override
    public Outcome apply(Versioned current, long now, int maxValueBytes) {
        if (current == null) {
            return Outcome.unchanged(new Applied(false, null, 0));
        }
        long expiresAt = expiry.resolve(current, now);
        Applied reply = new Applied(true, current.value(), 0);
        if (expiry.isPast(expiresAt, now)) {
            return Outcome.delete(reply);
        }
        if (expiresAt == current.expiresAt()) {
            return Outcome.unchanged(reply);
        }
        return Outcome.store(current.value(), expiresAt, reply);
    }
}
