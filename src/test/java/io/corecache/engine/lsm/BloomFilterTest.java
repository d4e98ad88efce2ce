package io.corecache.engine.lsm;

import io.corecache.engine.CorruptionException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Random;

import static io.corecache.engine.lsm.SstableTestData.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bloom filter never forgets a key, its measured false-positive rate is near what its bits per key
 * promise, it survives serialization, and a damaged probe count is corruption.
 */
class BloomFilterTest {

    private static final int KEYS = 10_000;
    private static final int ABSENT = 100_000;

    private static BloomFilter build(int bitsPerKey) {
        BloomFilter.Builder builder = new BloomFilter.Builder(bitsPerKey);
        for (int i = 0; i < KEYS; i++) {
            builder.add(text("present-" + i));
        }
        return builder.build();
    }

    /** The fraction of {@link #ABSENT} keys never added that the filter lets through. */
    private static double falsePositiveRate(BloomFilter filter) {
        int falsePositives = 0;
        for (int i = 0; i < ABSENT; i++) {
            if (filter.mightContain(text("absent-" + i))) {
                falsePositives++;
            }
        }
        return (double) falsePositives / ABSENT;
    }

    @Test
    void everyAddedKeyIsFound() {
        BloomFilter filter = build(10);
        for (int i = 0; i < KEYS; i++) {
            assertTrue(filter.mightContain(text("present-" + i)), "key " + i);
        }
    }

    @Test
    void tenBitsPerKeyGiveAboutOnePercentFalsePositives() {
        double rate = falsePositiveRate(build(10));
        // Theory for k = 7, 10 bits per key: (1 - e^(-7/10))^7 = 0.82%.
        assertTrue(rate < 0.02, "false-positive rate " + rate);
        assertTrue(rate > 0.002, "false-positive rate " + rate + " is below what 10 bits per key can give: "
                + "is the filter larger than asked?");
    }

    @Test
    void moreBitsPerKeyMeanFewerFalsePositives() {
        double five = falsePositiveRate(build(5));
        double twenty = falsePositiveRate(build(20));
        // Theory: 9.2% at 5 bits per key (k = 3), 0.0067% at 20 (k = 14).
        assertTrue(five > 0.05 && five < 0.14, "5 bits per key: " + five);
        assertTrue(twenty < 0.001, "20 bits per key: " + twenty);
    }

    @Test
    void probesAreBitsPerKeyTimesLnTwoCappedToOneThroughThirty() {
        assertEquals(1, BloomFilter.probesFor(1));
        assertEquals(7, BloomFilter.probesFor(10));
        assertEquals(14, BloomFilter.probesFor(20));
        assertEquals(30, BloomFilter.probesFor(64));
        assertEquals(7, build(10).probes());
    }

    @Test
    void theFilterHasBitsPerKeyTimesKeysBits() {
        assertEquals(KEYS * 10, build(10).bitCount());
        assertEquals(BloomFilter.MIN_BITS, new BloomFilter.Builder(10).build().bitCount());
    }

    @Test
    void anEmptyFilterContainsNothing() {
        BloomFilter empty = new BloomFilter.Builder(10).build();
        assertFalse(empty.mightContain(text("anything")));
    }

    @Test
    void serializedFormRoundTripsWithKAtTheEnd() {
        BloomFilter filter = build(10);
        byte[] bytes = filter.toBytes();
        assertEquals(KEYS * 10 / 8 + 1, bytes.length);
        assertEquals(7, bytes[bytes.length - 1]);

        BloomFilter back = BloomFilter.decode(Path.of("t.sst"), 0, bytes, bytes.length);
        Random random = new Random(1);
        for (int i = 0; i < 5_000; i++) {
            byte[] key = SstableTestData.randomBytes(random, 1 + random.nextInt(30));
            assertEquals(filter.mightContain(key), back.mightContain(key));
        }
        for (int i = 0; i < KEYS; i++) {
            assertTrue(back.mightContain(text("present-" + i)));
        }
    }

    @Test
    void aBadProbeCountIsCorruption() {
        byte[] bytes = build(10).toBytes();
        bytes[bytes.length - 1] = 0;
        Path file = Path.of("t.sst");
        CorruptionException e = assertThrows(CorruptionException.class,
                () -> BloomFilter.decode(file, 777, bytes, bytes.length));
        assertEquals(file, e.file());
        assertEquals(777, e.offset());
    }

    @Test
    void theHashIsFixedBecauseFiltersOnDiskDependOnIt() {
        // Changing the hash would make every existing table's filter answer "absent" for its own keys:
        // these values pin the function docs/formats.md describes (words big-endian, tail zero-extended).
        assertEquals(0x9ca066f1a4ab2eeaL, BloomFilter.hash(new byte[0]));
        assertEquals(0x352b6506d83b4670L, BloomFilter.hash(text("a")));
        assertEquals(0x0e032107a4f8a309L, BloomFilter.hash(text("0123456789abcdef-x")));
    }
}
