package io.corecache.engine;

import java.util.Arrays;

/**
 * One stored version of a key: its value and the metadata every engine keeps with it.
 *
 * @param value      the value bytes (never null, may be empty)
 * @param createTime epoch millis when the key was first created (kept across overwrites of a live key)
 * @param writeTime  epoch millis of the write that stored this version
 * @param revision   the caller's revision for that write (the partition's log index once replication lands)
 * @param expiresAt  epoch millis after which the version is gone, or {@link #NO_EXPIRY}
 */
public record Versioned(byte[] value, long createTime, long writeTime, long revision, long expiresAt) {

    public static final long NO_EXPIRY = 0L;

    public boolean isExpiredAt(long nowMillis) {
        return expiresAt != NO_EXPIRY && nowMillis >= expiresAt;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Versioned v
                && Arrays.equals(value, v.value)
                && createTime == v.createTime
                && writeTime == v.writeTime
                && revision == v.revision
                && expiresAt == v.expiresAt;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value) * 31 + Long.hashCode(revision);
    }

    @Override
    public String toString() {
        return "Versioned[" + value.length + " bytes, created=" + createTime + ", written=" + writeTime
                + ", revision=" + revision + ", expiresAt=" + expiresAt + "]";
    }
}
