package io.corecache.bench;

/**
 * The few operations the benchmarks time, so every engine, ours or a rival, is driven by the same code.
 * One implementation per engine family; {@link BenchEngines} picks one by name.
 *
 * <p>What must hold for a fair comparison: {@link #put} gives the durability the engine was opened with
 * and nothing weaker; {@link #get} and {@link #scanAll} hand back the value bytes (decoded, as a caller
 * would see them), not a raw buffer the engine could skip copying.
 */
public interface BenchEngine extends AutoCloseable {

    /** Receives one entry of a scan; the arrays are the caller's to keep. */
    @FunctionalInterface
    interface EntrySink {
        void accept(byte[] key, byte[] value);
    }

    void put(byte[] key, byte[] value);

    /** The value of {@code key}, or null if it has none. */
    byte[] get(byte[] key);

    /** Feeds every entry, in ascending key order, to {@code sink}; returns how many there were. */
    long scanAll(EntrySink sink);

    /**
     * Brings a freshly loaded store to the shape it has in steady state before reads are timed (for an
     * LSM tree: memtable flushed, compactions done), and makes what was written durable.
     */
    void settle();

    /**
     * Bytes the engine has written to its sorted tables since it was opened (flushes plus compactions, as
     * the engine itself counts them), or -1 if it keeps no such tables: the numerator of write amplification.
     */
    default long tableBytesWritten() {
        return -1;
    }

    @Override
    void close();
}
