package io.corecache.engine.lsm;

import io.corecache.engine.FileOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The block cache counts hits and misses, evicts the least recently used block first, never holds more
 * than its capacity, is off at capacity 0, and spares tables' readers the file reads it serves.
 */
class BlockCacheTest {

    @TempDir
    Path tmp;

    /** A block charged {@code bytes} bytes: an empty block followed by padding (as a CRC trailer follows one). */
    private static Block emptyBlockPadded(int bytes) {
        byte[] data = new byte[bytes];
        BlockBuilder.putInt(data, 4, 1);
        return Block.parse(Path.of("t.sst"), 0, data, 8);
    }

    @Test
    void hitsAndMissesAreCounted() {
        BlockCache cache = new BlockCache(10_000);
        assertNull(cache.get(1, 0));
        Block block = emptyBlockPadded(100);
        cache.put(1, 0, block);
        assertSame(block, cache.get(1, 0));
        assertSame(block, cache.get(1, 0));
        assertNull(cache.get(2, 0), "another table's block at the same offset");
        assertNull(cache.get(1, 100), "another block of the same table");
        assertEquals(2, cache.hits());
        assertEquals(3, cache.misses());
        assertEquals(100, cache.usedBytes());
    }

    @Test
    void theLeastRecentlyUsedBlockIsEvictedFirst() {
        BlockCache cache = new BlockCache(300);
        cache.put(1, 0, emptyBlockPadded(100));
        cache.put(1, 100, emptyBlockPadded(100));
        cache.put(1, 200, emptyBlockPadded(100));
        assertNotNull(cache.get(1, 0)); // now block 100 is the least recently used

        cache.put(1, 300, emptyBlockPadded(100));

        assertNull(cache.get(1, 100));
        assertNotNull(cache.get(1, 0));
        assertNotNull(cache.get(1, 200));
        assertNotNull(cache.get(1, 300));
        assertEquals(300, cache.usedBytes());
        assertEquals(1, cache.evictions());

        cache.put(2, 0, emptyBlockPadded(250)); // needs the room of three blocks
        assertEquals(1, cache.blockCount());
        assertEquals(250, cache.usedBytes());
    }

    @Test
    void capacityIsNeverExceeded() {
        BlockCache cache = new BlockCache(10_000);
        Random random = new Random(5);
        for (int i = 0; i < 2_000; i++) {
            cache.put(random.nextInt(5), random.nextInt(200) * 4096L, emptyBlockPadded(8 + random.nextInt(3_000)));
            assertTrue(cache.usedBytes() <= 10_000, "used " + cache.usedBytes());
        }
        assertTrue(cache.evictions() > 100);
    }

    @Test
    void aBlockLargerThanTheCacheIsNotCached() {
        BlockCache cache = new BlockCache(1_000);
        cache.put(1, 0, emptyBlockPadded(500));
        cache.put(1, 500, emptyBlockPadded(1_001));
        assertNull(cache.get(1, 500));
        assertNotNull(cache.get(1, 0), "the big block did not empty the cache");
    }

    @Test
    void capacityZeroTurnsTheCacheOff() {
        BlockCache cache = new BlockCache(0);
        cache.put(1, 0, emptyBlockPadded(100));
        assertNull(cache.get(1, 0));
        assertEquals(0, cache.usedBytes());
        assertThrows(IllegalArgumentException.class, () -> new BlockCache(-1));
    }

    @Test
    void evictTableDropsOnlyThatTablesBlocks() {
        BlockCache cache = new BlockCache(10_000);
        cache.put(1, 0, emptyBlockPadded(100));
        cache.put(1, 100, emptyBlockPadded(100));
        cache.put(2, 0, emptyBlockPadded(100));
        cache.evictTable(1);
        assertNull(cache.get(1, 0));
        assertNull(cache.get(1, 100));
        assertNotNull(cache.get(2, 0));
        assertEquals(100, cache.usedBytes());
    }

    @Test
    void aReaderReadsACachedBlockFromTheCacheNotTheFile() {
        Path path = tmp.resolve("0000000000000003.sst");
        List<InternalEntry> entries = SstableTestData.smallEntries(3_000);
        SstableTestData.write(path, entries);
        BlockCache cache = new BlockCache(1 << 20);

        try (SstableReader reader = SstableReader.open(FileOps.DEFAULT, path, 3, cache)) {
            InternalEntry e = entries.get(100);
            assertEquals(e, reader.get(e.key(), Long.MAX_VALUE));
            assertEquals(1, reader.blocksRead());
            assertEquals(1, cache.misses());
            assertEquals(e, reader.get(e.key(), Long.MAX_VALUE));
            assertEquals(e, reader.get(e.key(), e.sequence()));
            assertEquals(1, reader.blocksRead(), "the same block came from the cache");
            assertEquals(2, cache.hits());

            List<InternalEntry> all = new ArrayList<>();
            reader.iterator().forEachRemaining(all::add);
            assertEquals(entries, all);
            assertEquals(reader.blockCount(), reader.blocksRead(), "each block read from the file once");
        }
    }

    @Test
    void aSmallCacheUnderManyReadersStaysWithinCapacity() throws Exception {
        Path path = tmp.resolve("0000000000000004.sst");
        List<InternalEntry> entries = SstableTestData.smallEntries(5_000);
        SstableTestData.write(path, entries);
        BlockCache cache = new BlockCache(5 * 4200);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (SstableReader reader = SstableReader.open(FileOps.DEFAULT, path, 4, cache)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                long seed = t;
                done.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < 3_000; i++) {
                        InternalEntry e = entries.get(random.nextInt(entries.size()));
                        assertEquals(e, reader.get(e.key(), Long.MAX_VALUE));
                        assertTrue(cache.usedBytes() <= cache.capacityBytes());
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(cache.blockCount() <= 5, cache.blockCount() + " blocks of ~4 KiB in a 21000-byte cache");
        assertEquals(9_000, cache.hits() + cache.misses());
        assertTrue(cache.evictions() > 0 && cache.hits() > 0);
    }
}
