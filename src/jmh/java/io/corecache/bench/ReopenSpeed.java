package io.corecache.bench;

import io.corecache.engine.Durability;
import io.corecache.engine.EngineOptions;
import io.corecache.engine.EngineStats;
import io.corecache.engine.bitcask.BitcaskEngine;
import io.corecache.engine.bitcask.BitcaskOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Two Bitcask start-up and space figures: how fast a closed store reopens (keys per second rebuilt into
 * the key directory, from hint files where the data files have them), and how much space a merge gives
 * back once half the keys have been overwritten.
 *
 * <p>Method: write N keys (16 bytes, 100-byte values, durability none, no background merge), close, time
 * {@code BitcaskEngine.open}; the page cache is warm, as after a process restart (a cold start after a
 * reboot also pays for reading the hint files from disk). Then overwrite keys 0..N/2-1, read
 * {@code stats().diskBytes()}, run {@code merge()} and read it again. A merge rewrites only the immutable
 * data files, never the active one, so the store must span several files for the figure to mean anything:
 * 10M keys make about 1.5 GiB, six 256 MiB files; for a smaller run pass a smaller file size.
 *
 * <p>Run (10M keys, 256 MiB files by default; data under {@code corecache.bench.dir} or the temp
 * directory, deleted at the end):
 * <pre>
 * mvn -B -q -Pbench -DskipTests package
 * java -Xmx4g -cp target/benchmarks.jar io.corecache.bench.ReopenSpeed [keys] [maxFileMiB]
 * </pre>
 */
public final class ReopenSpeed {

    private ReopenSpeed() {
    }

    public static void main(String[] args) {
        long keys = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        long maxFileBytes = (args.length > 1 ? Long.parseLong(args[1]) : 256L) << 20;
        BitcaskOptions options = BitcaskOptions.defaults()
                .withEngine(EngineOptions.DEFAULT.withDurability(Durability.NONE))
                .withMaxFileBytes(maxFileBytes)
                .withMergeCheckEvery(Duration.ZERO);
        Path dir = BenchDirs.create("corecache-reopen-");
        try {
            long revision = 0;
            long start = System.nanoTime();
            try (BitcaskEngine engine = BitcaskEngine.open(dir, options)) {
                for (long i = 0; i < keys; i++) {
                    engine.put(BenchData.key(i), BenchData.value(i, BenchData.VALUE_BYTES), ++revision);
                }
            }
            double loadSeconds = seconds(start);
            long dataFiles = count(dir, ".data");
            long hintFiles = count(dir, ".hint");

            start = System.nanoTime();
            try (BitcaskEngine engine = BitcaskEngine.open(dir, options)) {
                double openSeconds = seconds(start);
                long live = engine.stats().liveKeys();
                System.out.printf(Locale.ROOT, "load keys=%d seconds=%.2f keysPerSecond=%.0f%n",
                        keys, loadSeconds, keys / loadSeconds);
                System.out.printf(Locale.ROOT, "reopen keys=%d seconds=%.2f keysPerSecond=%.0f dataFiles=%d hintFiles=%d%n",
                        live, openSeconds, live / openSeconds, dataFiles, hintFiles);
                if (live != keys) {
                    throw new IllegalStateException("reopened with " + live + " keys, wrote " + keys);
                }

                for (long i = 0; i < keys / 2; i++) {
                    engine.put(BenchData.key(i), BenchData.value(i + keys, BenchData.VALUE_BYTES), ++revision);
                }
                EngineStats before = engine.stats();
                start = System.nanoTime();
                engine.merge();
                double mergeSeconds = seconds(start);
                EngineStats after = engine.stats();
                System.out.printf(Locale.ROOT, "merge overwritten=%d seconds=%.2f diskBytesBefore=%d diskBytesAfter=%d"
                                + " reclaimed=%d (%.1f%%) deadBytesBefore=%d deadBytesAfter=%d files=%d->%d%n",
                        keys / 2, mergeSeconds, before.diskBytes(), after.diskBytes(),
                        before.diskBytes() - after.diskBytes(),
                        100.0 * (before.diskBytes() - after.diskBytes()) / before.diskBytes(),
                        before.deadBytes(), after.deadBytes(), before.files(), after.files());
            }
            // stats() counts data files only; what the directory really holds includes the hint files.
            System.out.printf(Locale.ROOT, "closed filesBytes=%d (data and hint files)%n", BenchDirs.size(dir));
        } finally {
            BenchDirs.delete(dir);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static long count(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
