package io.corecache.bench;

import io.corecache.engine.Entry;
import io.corecache.engine.RangeCursor;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.Versioned;

import java.util.concurrent.atomic.AtomicLong;

/** Drives any CoreCache {@link StorageEngine} (Bitcask now, the LSM tree later) through its public contract. */
final class StorageEngineBench implements BenchEngine {

    private final StorageEngine engine;
    // Every write carries a revision, as replication will give it; one counter shared by all writer threads.
    private final AtomicLong revision = new AtomicLong();

    StorageEngineBench(StorageEngine engine) {
        this.engine = engine;
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
        // Bitcask has no deferred structure to build: its steady state is the data files plus the keydir.
        engine.sync();
    }

    @Override
    public void close() {
        engine.close();
    }
}
