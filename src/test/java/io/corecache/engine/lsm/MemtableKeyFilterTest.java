package io.corecache.engine.lsm;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memtable's in-memory key filter: never hides a key that is there, and rules out most that are not. */
class MemtableKeyFilterTest {

    private static final long CAPACITY = 1L << 20;

    @Test
    void everyKeyAddedIsFoundAndMostAbsentKeysAreRuledOut() {
        Memtable memtable = new Memtable(CAPACITY);
        Random random = new Random(7);
        int keys = (int) (CAPACITY / (Memtable.ENTRY_OVERHEAD_BYTES + 16 + 8)); // about a full memtable
        List<byte[]> added = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            byte[] key = new byte[1 + random.nextInt(24)];
            random.nextBytes(key);
            if (memtable.get(key, Long.MAX_VALUE) == null) {
                memtable.add(InternalEntry.put(key, i + 1, new byte[8], 0, 1, 1, 0));
                added.add(key);
            }
        }
        for (byte[] key : added) {
            assertNotNull(memtable.get(key, Long.MAX_VALUE), "an added key is always found");
            assertTrue(memtable.mightContain(BloomFilter.hash(key)));
        }
        int maybe = 0;
        int probes = 20_000;
        for (int i = 0; i < probes; i++) {
            byte[] absent = new byte[25 + random.nextInt(8)]; // longer than any added key: surely absent
            random.nextBytes(absent);
            assertNull(memtable.get(absent, Long.MAX_VALUE));
            if (memtable.mightContain(BloomFilter.hash(absent))) {
                maybe++;
            }
        }
        assertTrue(maybe < probes / 20, "false positives " + maybe + " of " + probes + " (expected about 1%)");
    }

    @Test
    void aSmallFilterFullBeyondItsSizeStillFindsEverything() {
        Memtable memtable = new Memtable(); // one 512-bit block: saturated long before 2,000 keys
        for (int i = 0; i < 2000; i++) {
            memtable.add(InternalEntry.put(CompactionPickerTest.key("k" + i), i + 1, new byte[1], 0, 1, 1, 0));
        }
        for (int i = 0; i < 2000; i++) {
            assertEquals(i + 1, memtable.get(CompactionPickerTest.key("k" + i), Long.MAX_VALUE).sequence());
        }
    }
}
