package io.corecache.bench;

import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.bitcask.BitcaskEngine;
import io.corecache.engine.bitcask.BitcaskOptions;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * How much heap Bitcask's key directory costs per live key, beyond the key bytes themselves: the figure
 * that decides how many keys a node can hold, since every key lives in memory.
 *
 * <p>Method: open an empty engine (durability none, no background merge), read the heap in use after
 * several {@code System.gc()} calls, insert N random 16-byte keys with 8-byte values, read it again the
 * same way, and divide the growth by the live keys; the 16 key bytes are subtracted, so the figure is the
 * directory's own overhead (entry fields, page and index structure, slack in half-full pages).
 *
 * <p>Run (10M keys by default; about 1 GiB of data files under {@code corecache.bench.dir} or the temp
 * directory, deleted at the end):
 * <pre>
 * mvn -B -q -Pbench -DskipTests package
 * java -Xmx4g -cp target/benchmarks.jar io.corecache.bench.KeyDirFootprint [keys]
 * </pre>
 * Prints {@code keydir keys=10000000 heapBytesPerKey=NN.N (beyond 16 key bytes)}.
 */
public final class KeyDirFootprint {

    private static final int VALUE_BYTES = 8;
    private static final int GC_ROUNDS = 5;

    private KeyDirFootprint() {
    }

    public static void main(String[] args) throws InterruptedException {
        long keys = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        BitcaskOptions options = BitcaskOptions.defaults()
                .withEngine(EngineOptions.DEFAULT.withDurability(Durability.NONE))
                .withMergeCheckEvery(Duration.ZERO);
        Path dir = BenchDirs.create("corecache-keydir-");
        try (BitcaskEngine engine = BitcaskEngine.open(dir, options)) {
            long before = heapUsedAfterGc();
            byte[] value = new byte[VALUE_BYTES];
            for (long i = 0; i < keys; i++) {
                engine.put(BenchData.key(i), value, i + 1);
            }
            long after = heapUsedAfterGc();
            // stats() after the reading also keeps the engine, and so its key directory, reachable until then.
            long live = engine.stats().liveKeys();
            double perKey = (double) (after - before) / live - BenchData.KEY_BYTES;
            System.out.printf(Locale.ROOT, "keydir keys=%d heapBytesPerKey=%.1f (beyond %d key bytes)"
                            + " heapBefore=%d heapAfter=%d%n",
                    live, perKey, BenchData.KEY_BYTES, before, after);
        } finally {
            BenchDirs.delete(dir);
        }
    }

    /** Heap in use once garbage is gone: several full collections, since one may leave floating garbage. */
    private static long heapUsedAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < GC_ROUNDS; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
