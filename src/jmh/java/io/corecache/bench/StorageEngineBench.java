package io.corecache.bench;

import io.corecache.engine.Entry;
import io.corecache.engine.RangeCursor;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.Versioned;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** Drives any CoreCache {@link StorageEngine} (Bitcask, the LSM tree) through its public contract. */
final class StorageEngineBench implements BenchEngine {

    private final StorageEngine engine;
    // Every write carries a revision, as replication will give it; one counter shared by all writer threads.
    private final AtomicLong revision = new AtomicLong();

    private final Runnable settle;
    private final LongSupplier tableBytesWritten;

    /** An engine with no deferred structure to build (Bitcask: its steady state is the data files plus the keydir). */
    StorageEngineBench(StorageEngine engine) {
        this(engine, () -> { }, () -> -1);
    }

    /**
     * @param settle            what brings a freshly loaded store to its steady state (for the LSM tree: flush
     *                          the memtable, run the compactions that asks for); the log is fsynced after it
     * @param tableBytesWritten see {@link BenchEngine#tableBytesWritten()}
     */
    StorageEngineBench(StorageEngine engine, Runnable settle, LongSupplier tableBytesWritten) {
        this.engine = engine;
        this.settle = settle;
        this.tableBytesWritten = tableBytesWritten;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        engine.put(key, value, revision.incrementAndGet());
    }

    @Override
    public byte[] get(byte[] key) {
        Versioned version = engine.get(key);
        return version == null ? null : version.value();
    }

    @Override
    public long scanAll(EntrySink sink) {
        long count = 0;
        try (RangeCursor cursor = engine.scan(null, null, Integer.MAX_VALUE)) {
            while (cursor.hasNext()) {
                Entry entry = cursor.next();
                sink.accept(entry.key(), entry.version().value());
                count++;
            }
        }
        return count;
    }

    @Override
    public void settle() {
        settle.run();
        engine.sync();
    }

    @Override
    public long tableBytesWritten() {
        return tableBytesWritten.getAsLong();
    }

    @Override
    public void close() {
        engine.close();
    }
}
