package io.corecache.bench;

import io.corecache.engine.Durability;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A sustained fill, engine by engine in one run: N random 16-byte keys with 100-byte values into an empty
 * store, one thread, durability none, every put timed. What it shows is whether an engine ever stops its
 * writers (a flush or compaction that blocks them shows as a p99.9 or max far above the median); issue 9's
 * target for the LSM engine is p99.9 under 5 ms. Write amplification: bytes the engine wrote to its tables
 * during the fill (flushes and compactions, as the engine counts them: {@code LsmStats} for the LSM tree,
 * RocksDB's {@code compaction.Sum.WriteGB}) over the key and value bytes put. Then, on the filled and
 * settled store: space used (bytes on disk over the key and value bytes written) and the time of reads of
 * keys that are not there (what bloom filters save).
 *
 * <p>Run (about 20M keys x 2 engines; data under {@code corecache.bench.dir} or the temp directory, deleted
 * at the end):
 * <pre>
 * mvn -B -q -Pbench -DskipTests package
 * java -Xmx8g -cp target/benchmarks.jar io.corecache.bench.SustainedFill [keys] [engine ...]
 * </pre>
 * Engines default to every one {@link BenchEngines} knows. Output: one line per engine, then a markdown table.
 */
public final class SustainedFill {

    private static final int MISSING_READS = 1_000_000;

    private SustainedFill() {
    }

    /** @param tableBytes bytes written to sorted tables (flush + compaction) by the end of the fill; -1 if none */
    record Result(String engine, long keys, double putsPerSecond, Histogram latency, long diskBytes,
                  long tableBytes, double missingReadNanos) {
    }

    public static void main(String[] args) {
        long keys = args.length > 0 ? Long.parseLong(args[0]) : 20_000_000L;
        List<String> engines = args.length > 1 ? List.of(args).subList(1, args.length) : BenchEngines.NAMES;
        List<Result> results = engines.stream().map(engine -> fill(engine, keys)).toList();
        System.out.println();
        System.out.println("| engine | keys | puts/s | p50 µs | p99 µs | p99.9 µs | max ms | write amp | disk / written | missing-key get ns |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        long written = keys * (BenchData.KEY_BYTES + BenchData.VALUE_BYTES);
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %,d | %,.0f | %.1f | %.1f | %.1f | %.1f | %s | %.2f | %.0f |%n", r.engine(),
                    r.keys(), r.putsPerSecond(), micros(r.latency(), 50), micros(r.latency(), 99),
                    micros(r.latency(), 99.9), r.latency().getMaxValue() / 1e6,
                    r.tableBytes() < 0 ? "-" : String.format(Locale.ROOT, "%.2f", (double) r.tableBytes() / written),
                    (double) r.diskBytes() / written, r.missingReadNanos());
        }
    }

    private static Result fill(String engine, long keys) {
        Path dir = BenchDirs.create("corecache-fill-" + engine + "-");
        try (BenchEngine store = BenchEngines.open(engine, dir, Durability.NONE)) {
            Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            long started = System.nanoTime();
            for (long i = 0; i < keys; i++) {
                byte[] key = BenchData.randomKey();
                byte[] value = BenchData.randomValue();
                long before = System.nanoTime();
                store.put(key, value);
                latency.recordValue(Math.min(System.nanoTime() - before, latency.getHighestTrackableValue()));
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long tableBytes = store.tableBytesWritten();
            store.settle();
            long disk = sizeOf(dir);
            long readsStarted = System.nanoTime();
            for (int i = 0; i < MISSING_READS; i++) {
                if (store.get(BenchData.randomKey()) != null) {
                    throw new IllegalStateException(engine + " found a key nobody wrote");
                }
            }
            double missingNanos = (double) (System.nanoTime() - readsStarted) / MISSING_READS;
            Result result = new Result(engine, keys, keys / seconds, latency, disk, tableBytes, missingNanos);
            System.out.printf(Locale.ROOT, "%s: %,d puts in %.1f s; p50 %.1f µs, p99.9 %.1f µs, max %.1f ms; %,d bytes on disk;"
                    + " %,d table bytes written during the fill, %,d after settling%n", engine, keys, seconds,
                    micros(latency, 50), micros(latency, 99.9), latency.getMaxValue() / 1e6, disk, tableBytes,
                    store.tableBytesWritten());
            return result;
        } finally {
            BenchDirs.delete(dir);
        }
    }

    private static double micros(Histogram histogram, double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1e3;
    }

    private static long sizeOf(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
