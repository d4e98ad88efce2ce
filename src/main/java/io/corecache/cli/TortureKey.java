package io.corecache.cli;

import java.nio.charset.StandardCharsets;

/**
 * A key of the torture workload: key {@code n} owned by writer thread {@code thread}, spelled
 * {@code t003-k00017}. Every key belongs to exactly one thread, so the writes to a key are sequential and
 * their order is the order of that thread's ack log. The numbers are zero-padded so byte order is numeric
 * order, which keeps scans easy to read when debugging.
 */
record TortureKey(int thread, int n) {

    private static final int THREAD_DIGITS = 3;
    private static final int KEY_DIGITS = 5;
    static final int MAX_THREADS = 999;
    static final int MAX_KEYS_PER_THREAD = 99_999;
    private static final int LENGTH = 1 + THREAD_DIGITS + 2 + KEY_DIGITS;

    byte[] bytes() {
        return String.format("t%03d-k%05d", thread, n).getBytes(StandardCharsets.US_ASCII);
    }

    /** The key these bytes spell, or null if they are not a torture key. */
    static TortureKey parse(byte[] key) {
        if (key.length != LENGTH || key[0] != 't' || key[1 + THREAD_DIGITS] != '-' || key[2 + THREAD_DIGITS] != 'k') {
            return null;
        }
        int thread = digits(key, 1, THREAD_DIGITS);
        int n = digits(key, 3 + THREAD_DIGITS, KEY_DIGITS);
        return thread < 0 || n < 0 ? null : new TortureKey(thread, n);
    }

    private static int digits(byte[] bytes, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            if (bytes[i] < '0' || bytes[i] > '9') {
                return -1;
            }
            value = value * 10 + (bytes[i] - '0');
        }
        return value;
    }

    @Override
    public String toString() {
        return new String(bytes(), StandardCharsets.US_ASCII);
    }
}
