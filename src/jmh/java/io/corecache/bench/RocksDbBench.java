package io.corecache.bench;

import io.corecache.engine.Durability;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * RocksDB (JNI) as the rival engine, configured as a careful user would for this workload.
 *
 * <p>Configuration: RocksDB's default options, plus a 256 MiB LRU block cache and a full bloom filter at
 * 10 bits per key (block-based table). Compression stays at the default (Snappy); the benchmark values are
 * random bytes, on which it gains nothing and RocksDB stores blocks uncompressed.
 *
 * <p>Durability mapping: {@link Durability#NONE} is {@code WriteOptions.sync=false} with the WAL on (a
 * write survives a process crash, not a power loss: what Bitcask's NONE promises); {@link Durability#SYNC}
 * is {@code sync=true}, where RocksDB's write groups give the same group commit Bitcask does.
 *
 * <p>Same bytes per version: CoreCache keeps a revision, creation, write and expiry time with every value,
 * so this adapter stores those 32 bytes in front of each value, as a RocksDB-backed CoreCache engine would
 * have to, and strips them on reads. It does not read before writing to keep the creation time of an
 * overwritten key (Bitcask gets that from its keydir for free), which slightly favours RocksDB.
 */
final class RocksDbBench implements BenchEngine {

    static final long BLOCK_CACHE_BYTES = 256L << 20;
    static final double BLOOM_BITS_PER_KEY = 10;
    /** revision, createTime, writeTime, expiresAt: 4 longs. */
    static final int METADATA_BYTES = 32;

    static {
        RocksDB.loadLibrary();
    }

    private final LRUCache cache;
    private final BloomFilter bloom;
    private final Options options;
    private final WriteOptions writeOptions;
    private final RocksDB db;
    private final AtomicLong revision = new AtomicLong();

    private RocksDbBench(LRUCache cache, BloomFilter bloom, Options options, WriteOptions writeOptions, RocksDB db) {
        this.cache = cache;
        this.bloom = bloom;
        this.options = options;
        this.writeOptions = writeOptions;
        this.db = db;
    }

    static RocksDbBench open(Path dir, Durability durability) {
        if (durability == Durability.INTERVAL) {
            throw new IllegalArgumentException("the RocksDB adapter maps durability none and sync only");
        }
        LRUCache cache = new LRUCache(BLOCK_CACHE_BYTES);
        BloomFilter bloom = new BloomFilter(BLOOM_BITS_PER_KEY, false);
        Options options = new Options()
                .setCreateIfMissing(true)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(bloom));
        WriteOptions writeOptions = new WriteOptions().setSync(durability == Durability.SYNC).setDisableWAL(false);
        try {
            return new RocksDbBench(cache, bloom, options, writeOptions, RocksDB.open(options, dir.toString()));
        } catch (RocksDBException e) {
            writeOptions.close();
            options.close();
            bloom.close();
            cache.close();
            throw failure(e);
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        long now = System.currentTimeMillis();
        byte[] stored = new byte[METADATA_BYTES + value.length];
        ByteBuffer.wrap(stored).putLong(revision.incrementAndGet()).putLong(now).putLong(now).putLong(0L).put(value);
        try {
            db.put(writeOptions, key, stored);
        } catch (RocksDBException e) {
            throw failure(e);
        }
    }

    @Override
    public byte[] get(byte[] key) {
        try {
            byte[] stored = db.get(key);
            return stored == null ? null : Arrays.copyOfRange(stored, METADATA_BYTES, stored.length);
        } catch (RocksDBException e) {
            throw failure(e);
        }
    }

    @Override
    public long scanAll(EntrySink sink) {
        long count = 0;
        try (RocksIterator it = db.newIterator()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] stored = it.value();
                sink.accept(it.key(), Arrays.copyOfRange(stored, METADATA_BYTES, stored.length));
                count++;
            }
            it.status();
        } catch (RocksDBException e) {
            throw failure(e);
        }
        return count;
    }

    /**
     * Flushes the memtable and compacts everything into the bottom level, so reads meet SSTables (bloom
     * filters, index and data blocks) the way they do in a long-running store, and no background
     * compaction left over from the load runs while reads are timed.
     */
    @Override
    public void settle() {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush);
            db.compactRange();
        } catch (RocksDBException e) {
            throw failure(e);
        }
    }

    /**
     * RocksDB's own count: the "Sum" row of its compaction statistics ({@code rocksdb.cfstats},
     * {@code compaction.Sum.WriteGB}), which covers flushes (written into level 0) and compactions.
     */
    @Override
    public long tableBytesWritten() {
        try {
            String gb = db.getMapProperty("rocksdb.cfstats").get("compaction.Sum.WriteGB");
            return gb == null ? -1 : Math.round(Double.parseDouble(gb) * (1L << 30));
        } catch (RocksDBException e) {
            throw failure(e);
        }
    }

    @Override
    public void close() {
        db.close();
        writeOptions.close();
        options.close();
        bloom.close();
        cache.close();
    }

    private static IllegalStateException failure(RocksDBException e) {
        return new IllegalStateException("rocksdb: " + e.getMessage(), e);
    }
}
