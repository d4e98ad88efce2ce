package io.corecache.engine;

/**
 * Key and value size limits, checked before anything is written so a bad request changes nothing.
 * Keys are 1..{@code maxKeyBytes} bytes (at most 65535, the width of the on-disk key length); values are
 * 0..{@code maxValueBytes} bytes (at most 64 MiB).
 */
public record Limits(int maxKeyBytes, int maxValueBytes) {

    public static final int DEFAULT_MAX_KEY_BYTES = 4096;
    public static final int DEFAULT_MAX_VALUE_BYTES = 1 << 20;
    public static final int HARD_MAX_KEY_BYTES = 65535;
    public static final int HARD_MAX_VALUE_BYTES = 64 << 20;
    public static final Limits DEFAULT = new Limits(DEFAULT_MAX_KEY_BYTES, DEFAULT_MAX_VALUE_BYTES);

    public Limits {
        if (maxKeyBytes < 1 || maxKeyBytes > HARD_MAX_KEY_BYTES) {
            throw new InvalidArgumentException("bad_option",
                    "max key size must be 1.." + HARD_MAX_KEY_BYTES + " bytes, got " + maxKeyBytes);
        }
        if (maxValueBytes < 0 || maxValueBytes > HARD_MAX_VALUE_BYTES) {
            throw new InvalidArgumentException("bad_option",
                    "max value size must be 0.." + HARD_MAX_VALUE_BYTES + " bytes, got " + maxValueBytes);
        }
    }

    public void checkKey(byte[] key) {
        if (key == null || key.length == 0) {
            throw new InvalidArgumentException("key_empty", "key must not be empty");
        }
        if (key.length > maxKeyBytes) {
            throw new InvalidArgumentException("key_too_large",
                    "key is " + key.length + " bytes; the limit is " + maxKeyBytes);
        }
    }

    public void checkValue(byte[] value) {
        if (value == null) {
            throw new InvalidArgumentException("value_missing", "value must not be null");
        }
        if (value.length > maxValueBytes) {
            throw new InvalidArgumentException("value_too_large",
                    "value is " + value.length + " bytes; the limit is " + maxValueBytes);
        }
    }

    public void checkExpiry(long expiresAt) {
        if (expiresAt < 0) {
            throw new InvalidArgumentException("bad_expiry", "expiry must be epoch millis or 0 for none, got " + expiresAt);
        }
    }

    /** Checks every operation of a batch before any is applied. */
    public void check(WriteBatch batch) {
        for (WriteBatch.Op op : batch.ops()) {
            checkKey(op.key());
            if (!op.isDelete()) {
                checkValue(op.value());
                checkExpiry(op.expiresAt());
            }
        }
    }
}
