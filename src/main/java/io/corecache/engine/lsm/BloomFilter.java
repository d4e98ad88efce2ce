package io.corecache.engine.lsm;

import io.corecache.engine.CorruptionException;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A bloom filter over the user keys of one table, so a lookup of a key the table does not hold usually
 * reads no data block (docs/formats.md, "LSM table: filter block").
 *
 * <pre>
 * filter : bits (m / 8 bytes, bit b is byte b / 8, mask 1 << (b % 8)) | k u8
 * </pre>
 *
 * A key sets {@code k} bits by double hashing one 64-bit hash ({@link #hash}): with {@code h1} its low and
 * {@code h2} its high 32 bits (unsigned, {@code h2} forced odd), probe {@code i} is bit
 * {@code (h1 + i * h2) mod m}. {@code m} is a multiple of 8, so an odd {@code h2} never probes the same bit
 * twice in a row. With {@code b} bits per key, {@code k = round(b * ln 2)} (1..30) minimises the false
 * positive rate, about 0.8% at the default 10 bits per key.
 */
final class BloomFilter {

    static final int DEFAULT_BITS_PER_KEY = 10;
    static final int MAX_PROBES = 30;
    /** A filter never has fewer bits, so a table of a few keys does not get a uselessly tiny one. */
    static final int MIN_BITS = 64;

    private final byte[] bits;
    private final long bitCount;
    private final int probes;

    private BloomFilter(byte[] bits, int probes) {
        this.bits = bits;
        this.bitCount = (long) bits.length * 8;
        this.probes = probes;
    }

    /** The number of probes for {@code bitsPerKey}: {@code round(bitsPerKey * ln 2)}, capped to 1..30. */
    static int probesFor(int bitsPerKey) {
        long k = Math.round(bitsPerKey * Math.log(2));
        return (int) Math.max(1, Math.min(MAX_PROBES, k));
    }

    /** False means the key is certainly not in the table; true means it may be. */
    boolean mightContain(byte[] userKey) {
        return mightContain(hash(userKey));
    }

    /**
     * As {@link #mightContain(byte[])} for a key whose {@link #hash} is {@code h} (a lookup through many
     * tables hashes once). Probe {@code i} is {@code (h1 + i * h2) mod m}, computed as
     * {@code (h1 mod m + i * (h2 mod m)) mod m}: the same bits, two divisions instead of one per probe.
     */
    boolean mightContain(long h) {
        long bit = (h & 0xFFFF_FFFFL) % bitCount;
        long step = ((h >>> 32) | 1) % bitCount;
        for (int i = 0; i < probes; i++) {
            if ((bits[(int) (bit >>> 3)] & (1 << (bit & 7))) == 0) {
                return false;
            }
            bit += step;
            if (bit >= bitCount) {
                bit -= bitCount;
            }
        }
        return true;
    }

    int probes() {
        return probes;
    }

    long bitCount() {
        return bitCount;
    }

    /** The serialized filter: the bits, then k. */
    byte[] toBytes() {
        byte[] out = Arrays.copyOf(bits, bits.length + 1);
        out[bits.length] = (byte) probes;
        return out;
    }

    /** The filter serialized in {@code data[0, length)}, found in {@code file} at {@code offset}. */
    static BloomFilter decode(Path file, long offset, byte[] data, int length) {
        if (length < 2) {
            throw new CorruptionException(file, offset, "filter block of " + length + " bytes holds no bits");
        }
        int probes = data[length - 1] & 0xFF;
        if (probes < 1 || probes > MAX_PROBES) {
            throw new CorruptionException(file, offset, "filter block says " + probes + " probes, expected 1.."
                    + MAX_PROBES);
        }
        return new BloomFilter(Arrays.copyOf(data, length - 1), probes);
    }

    /**
     * A 64-bit hash of {@code key}, part of the format: a MurmurHash3-style mix of the key's 8-byte
     * big-endian words (the last one zero-extended), seeded with the length, then MurmurHash3's fmix64.
     */
    static long hash(byte[] key) {
        long h = 0x9E3779B97F4A7C15L ^ (key.length * 0xC2B2AE3D27D4EB4FL);
        int i = 0;
        for (; i + 8 <= key.length; i += 8) {
            long word = 0;
            for (int j = i; j < i + 8; j++) {
                word = word << 8 | (key[j] & 0xFF);
            }
            h = mix(h, word);
        }
        if (i < key.length) {
            long word = 0;
            for (; i < key.length; i++) {
                word = word << 8 | (key[i] & 0xFF);
            }
            h = mix(h, word);
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }

    private static long mix(long h, long word) {
        long k = Long.rotateLeft(word * 0x87C37B91114253D5L, 31) * 0x4CF5AD432745937FL;
        return Long.rotateLeft(h ^ k, 27) * 5 + 0x52DCE729L;
    }

    /** Collects the keys of a table being written (their hashes only) and builds its filter. */
    static final class Builder {
        private final int bitsPerKey;
        private long[] hashes = new long[1024];
        private int count;

        Builder(int bitsPerKey) {
            if (bitsPerKey < 1) {
                throw new IllegalArgumentException("bloom filter bits per key must be at least 1, got " + bitsPerKey);
            }
            this.bitsPerKey = bitsPerKey;
        }

        /** Adds a user key; the writer adds each distinct key once, however many versions it has. */
        void add(byte[] userKey) {
            if (count == hashes.length) {
                hashes = Arrays.copyOf(hashes, count * 2);
            }
            hashes[count++] = hash(userKey);
        }

        int keys() {
            return count;
        }

        BloomFilter build() {
            long wanted = Math.max(MIN_BITS, (long) count * bitsPerKey);
            long bytes = (wanted + 7) / 8;
            if (bytes > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("a bloom filter of " + count + " keys would not fit in an array");
            }
            BloomFilter filter = new BloomFilter(new byte[(int) bytes], probesFor(bitsPerKey));
            for (int i = 0; i < count; i++) {
                filter.set(hashes[i]);
            }
            return filter;
        }
    }

    private void set(long h) {
        long h1 = h & 0xFFFF_FFFFL;
        long h2 = (h >>> 32) | 1;
        for (int i = 0; i < probes; i++) {
            long bit = (h1 + i * h2) % bitCount;
            bits[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
        }
    }
}
