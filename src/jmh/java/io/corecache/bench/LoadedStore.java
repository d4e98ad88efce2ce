package io.corecache.bench;

import io.corecache.engine.Durability;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A store holding {@value #KEYS} keys ({@link BenchData#key(long)} for indexes 0..KEYS-1, 100-byte
 * values), loaded once per trial in random key order, then {@linkplain BenchEngine#settle() settled}: for
 * RocksDB the memtable is flushed and compacted, so reads hit SSTables as in steady state rather than a
 * memtable; Bitcask's steady state is its data file plus the in-memory keydir. Both stores fit in memory
 * (page cache, RocksDB's block cache): the read benchmarks measure the engines, not the disk.
 */
@State(Scope.Benchmark)
public class LoadedStore extends StoreState {

    public static final int KEYS = 1_000_000;

    @Setup(Level.Trial)
    public void setUp() {
        open(Durability.NONE);
        for (long i = 0; i < KEYS; i++) {
            store.put(BenchData.key(i), BenchData.value(i, BenchData.VALUE_BYTES));
        }
        store.settle();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        closeAndDelete();
    }
}
