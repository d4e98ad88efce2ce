package io.corecache.cluster.op;

import io.corecache.cluster.ReplicaProtocol.Applied;
import io.corecache.engine.Versioned;

/**
 * Stores a value: Redis's SET with its options (NX, XX, GET, KEEPTTL, EX/PX/EXAT/PXAT), and the SETNX,
 * SETEX, PSETEX and GETSET forms of it.
 *
 * <p>Replies {@code done} when the value was stored, and with {@code returnOld} the version's previous value
 * (null when there was none).
 */
public record SetValue(byte[] value, Expiry expiry, Condition condition, boolean returnOld) implements KeyOperation {

    /** When the write happens: always, only if the key is absent (NX), only if present (XX). */
    public enum Condition { ALWAYS, IF_ABSENT, IF_PRESENT }

    public static SetValue plain(byte[] value) {
        return new SetValue(value, Expiry.NONE, Condition.ALWAYS, false);
    }

    @Override
    public Outcome apply(Versioned current, long now, int maxValueBytes) {
        byte[] old = returnOld && current != null ? current.value() : null;
        boolean holds = switch (condition) {
            case ALWAYS -> true;
            case IF_ABSENT -> current == null;
            case IF_PRESENT -> current != null;
        };
        if (!holds) {
            return Outcome.unchanged(new Applied(false, old, 0));
        }
        long expiresAt = expiry.resolve(current, now);
        if (expiry.isPast(expiresAt, now)) {
            // Redis stores the value with that expiry: OK, and the key is gone at once.
            Applied done = new Applied(true, old, 0);
            return current == null ? Outcome.unchanged(done) : Outcome.delete(done);
        }
        return Outcome.store(value, expiresAt, new Applied(true, old, 0));
    }

    @Override
    public boolean blind() {
        return condition == Condition.ALWAYS && !returnOld && expiry.kind() != Expiry.Kind.KEEP;
    }
}
