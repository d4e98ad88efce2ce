package io.corecache.engine;

/** When an engine makes a write durable, relative to acknowledging it. */
public enum Durability {
    /** Every acknowledged write is on disk; concurrent writers share one fsync (group commit). */
    SYNC,
    /** Writes are fsynced in the background every {@code syncInterval}; a power loss may drop that window. */
    INTERVAL,
    /** Never fsync except on close and file rollover; the OS decides. A process crash loses nothing. */
    NONE;

    public static Durability parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown durability '" + text + "': expected sync, interval or none");
        }
    }
}
