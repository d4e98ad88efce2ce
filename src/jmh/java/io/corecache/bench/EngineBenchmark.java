package io.corecache.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * CoreCache's Bitcask engine against RocksDB (JNI), same workload, same JVM, one run. Every score is
 * throughput in operations per second (higher is better).
 *
 * <ul>
 *   <li>{@code put}: one thread inserts random 16-byte keys with 100-byte values, durability none (Bitcask
 *       NONE; RocksDB WAL on, {@code sync=false}: both survive a process crash, not a power loss), into a
 *       store that starts empty each iteration ({@link EmptyStore}).</li>
 *   <li>{@code get}: one thread reads a random key out of {@value LoadedStore#KEYS} preloaded ones
 *       ({@link LoadedStore}; RocksDB flushed and compacted first). Every key is present; a miss fails the
 *       run.</li>
 *   <li>{@code scan}: one thread iterates over all {@value LoadedStore#KEYS} keys in order. Scored per
 *       entry ({@code @OperationsPerInvocation}), so the figure reads as entries per second and compares
 *       directly with {@code get}; one full scan is {@value LoadedStore#KEYS} operations.</li>
 *   <li>{@code putSync}: 16 threads insert as {@code put} does, durability sync: each put returns only once
 *       fsynced (Bitcask's group commit; RocksDB {@code sync=true}, whose write groups batch the same
 *       way) ({@link EmptySyncStore}).</li>
 * </ul>
 *
 * <p>Configurations: Bitcask with {@code BitcaskOptions.defaults()} (256 MiB data files, background merge
 * on); RocksDB with default options plus a 256 MiB LRU block cache and a 10 bits/key bloom filter, storing
 * the same 32 bytes of per-version metadata CoreCache keeps (see {@link RocksDbBench}).
 *
 * <p>Run (about 7 minutes on 2 cores: 4 benchmarks x 2 engines x (3 x 5 s warm-up + 5 x 5 s measured),
 * plus a JVM fork and, for get and scan, a 1M-key load per engine):
 * <pre>
 * mvn -B -q -Pbench -DskipTests package
 * java -Dcorecache.bench.dir=/path/on/the/disk/to/measure -jar target/benchmarks.jar EngineBenchmark \
 *      -rf json -rff target/engine-benchmark.json
 * </pre>
 * One benchmark or one engine: {@code java -jar target/benchmarks.jar 'EngineBenchmark.get$' -p engine=bitcask}.
 * A quick smoke run: add {@code -wi 1 -i 1 -w 2s -r 2s}. Without {@code corecache.bench.dir} stores go under
 * {@code java.io.tmpdir}; if that is a tmpfs, {@code putSync} measures no disk at all.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class EngineBenchmark {

    @Benchmark
    public void put(EmptyStore state) {
        state.store.put(BenchData.randomKey(), BenchData.randomValue());
    }

    @Benchmark
    public byte[] get(LoadedStore state) {
        byte[] value = state.store.get(BenchData.key(ThreadLocalRandom.current().nextInt(LoadedStore.KEYS)));
        if (value == null) {
            throw new IllegalStateException(state.engine + " lost a preloaded key");
        }
        return value;
    }

    @Benchmark
    @OperationsPerInvocation(LoadedStore.KEYS)
    public void scan(LoadedStore state, Blackhole blackhole) {
        long entries = state.store.scanAll((key, value) -> {
            blackhole.consume(key);
            blackhole.consume(value);
        });
        if (entries != LoadedStore.KEYS) {
            throw new IllegalStateException(state.engine + " scanned " + entries + " entries, expected " + LoadedStore.KEYS);
        }
    }

    @Benchmark
    @Threads(16)
    public void putSync(EmptySyncStore state) {
        state.store.put(BenchData.randomKey(), BenchData.randomValue());
    }
}
