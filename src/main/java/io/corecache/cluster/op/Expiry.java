package io.corecache.cluster.op;

import io.corecache.engine.Versioned;

/**
 * The expiry a write gives its key: none, the one the key has now, a time relative to when the replica
 * applies it (so a front's clock never matters), or an absolute epoch-millis time.
 */
public record Expiry(Kind kind, long millis) {

    public enum Kind { NONE, KEEP, AFTER, AT }

    public static final Expiry NONE = new Expiry(Kind.NONE, 0);
    public static final Expiry KEEP = new Expiry(Kind.KEEP, 0);

    public static Expiry after(long millis) {
        return new Expiry(Kind.AFTER, millis);
    }

    public static Expiry at(long epochMillis) {
        return new Expiry(Kind.AT, epochMillis);
    }

    /**
     * The absolute expiry time ({@link Versioned#NO_EXPIRY} for none). A time at or before {@code now} is
     * returned as it is: the caller decides whether that deletes the key or is an error.
     *
     * @throws OperationException if the time overflows epoch millis
     */
    long resolve(Versioned current, long now) {
        return switch (kind) {
            case NONE -> Versioned.NO_EXPIRY;
            case KEEP -> current == null ? Versioned.NO_EXPIRY : current.expiresAt();
            case AFTER -> {
                if (millis > 0 && now > Long.MAX_VALUE - millis) {
                    throw new OperationException(OperationException.BAD_EXPIRY, "invalid expire time");
                }
                yield now + millis;
            }
            case AT -> millis;
        };
    }

    /** True if this expiry, resolved, leaves a version that is already gone. */
    boolean isPast(long resolved, long now) {
        return (kind == Kind.AFTER || kind == Kind.AT) && resolved <= now;
    }
}
