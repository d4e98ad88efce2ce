package io.corecache.bench;

import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Keys and values for the benchmarks: 16-byte keys and 100-byte values of random-looking bytes.
 *
 * <p>Preloaded keys are a pure function of their index ({@link #key(long)}), so a reader picks a random
 * index and rebuilds the key without a million arrays on the heap, and so the same store can be built
 * again. Values are random bytes: compressible values would let RocksDB's Snappy shrink its files, which
 * would measure the data, not the engine.
 */
final class BenchData {

    static final int KEY_BYTES = 16;
    static final int VALUE_BYTES = 100;

    // Writers draw values from a pool: generating 100 random bytes per put would be timed too. The pool is
    // large enough that a 4 KiB RocksDB block almost never holds the same value twice.
    private static final int VALUE_POOL_SIZE = 4096;
    private static final byte[][] VALUE_POOL = new byte[VALUE_POOL_SIZE][];

    static {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < VALUE_POOL_SIZE; i++) {
            VALUE_POOL[i] = new byte[VALUE_BYTES];
            for (int j = 0; j < VALUE_BYTES; j++) {
                VALUE_POOL[i][j] = (byte) random.nextInt();
            }
        }
    }

    private BenchData() {
    }

    /**
     * The {@code index}-th key of a preloaded store. The first 8 bytes are a bijective mix of the index, so
     * distinct indexes give distinct keys; the keys are spread uniformly over the key space.
     */
    static byte[] key(long index) {
        byte[] key = new byte[KEY_BYTES];
        putLong(key, 0, mix(index));
        putLong(key, 8, mix(~index));
        return key;
    }

    /** The value stored under {@link #key(long) key(index)} by a preload: {@code length} random bytes. */
    static byte[] value(long index, int length) {
        byte[] value = new byte[length];
        long seed = mix(index ^ 0x5DEECE66DL);
        for (int i = 0; i < length; i++) {
            if ((i & 7) == 0) {
                seed = mix(seed);
            }
            value[i] = (byte) (seed >>> ((i & 7) * 8));
        }
        return value;
    }

    /** A fresh random key, almost surely not in the store: a put through it is an insert. */
    static byte[] randomKey() {
        byte[] key = new byte[KEY_BYTES];
        ThreadLocalRandom.current().nextBytes(key);
        return key;
    }

    /** A random 100-byte value from the shared pool (engines copy values; nobody changes them). */
    static byte[] randomValue() {
        return VALUE_POOL[ThreadLocalRandom.current().nextInt(VALUE_POOL_SIZE)];
    }

    /** SplitMix64's finaliser: a bijection on longs with good avalanche. */
    static long mix(long x) {
        x += 0x9E3779B97F4A7C15L;
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return x ^ (x >>> 31);
    }

    private static void putLong(byte[] into, int at, long v) {
        for (int i = 0; i < 8; i++) {
            into[at + i] = (byte) (v >>> (56 - 8 * i));
        }
    }
}
