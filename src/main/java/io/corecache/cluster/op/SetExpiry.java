package io.corecache.cluster.op;

import io.corecache.cluster.ReplicaProtocol.Applied;
import io.corecache.engine.Versioned;

/**
 * Gives an existing key an expiry (EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT) if {@code condition} allows it;
 * a time already past deletes the key. Replies {@code done} when the expiry was set (or the key deleted).
 * As in Redis, a key without expiry counts as expiring never: GT never applies to it, LT always does.
 */
public record SetExpiry(Expiry expiry, Condition condition) implements KeyOperation {

    /**
     * Redis 7's options: always, NX (only without expiry), XX (only with), GT / LT (only later / earlier),
     * and XX LT (only with an expiry, and earlier).
     */
    public enum Condition { ALWAYS, IF_NONE, IF_SET, IF_LATER, IF_EARLIER, IF_SET_AND_EARLIER }

    @Override
    public Outcome apply(Versioned current, long now, int maxValueBytes) {
        if (current == null) {
            return Outcome.unchanged(new Applied(false, null, 0));
        }
        long expiresAt = expiry.resolve(current, now);
        boolean hasExpiry = current.expiresAt() != Versioned.NO_EXPIRY;
        boolean holds = switch (condition) {
            case ALWAYS -> true;
            case IF_NONE -> !hasExpiry;
            case IF_SET -> hasExpiry;
            case IF_LATER -> hasExpiry && expiresAt > current.expiresAt();
            case IF_EARLIER -> !hasExpiry || expiresAt < current.expiresAt();
            case IF_SET_AND_EARLIER -> hasExpiry && expiresAt < current.expiresAt();
        };
        if (!holds) {
            return Outcome.unchanged(new Applied(false, null, 0));
        }
        Applied done = new Applied(true, null, 0);
        if (expiry.isPast(expiresAt, now)) {
            return Outcome.delete(done);
        }
        return Outcome.store(current.value(), expiresAt, done);
    }
}
