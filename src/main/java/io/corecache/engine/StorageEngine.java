package io.corecache.engine;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * The contract of a storage engine: one partition replica's durable, ordered key-value state.
 *
 * <p>Keys are byte strings ordered by unsigned lexicographic order; every stored version carries its
 * value, creation and write times, the caller's revision and an optional expiry ({@link Versioned}).
 * Methods are safe to call from many threads. Argument errors throw {@link InvalidArgumentException} and
 * change nothing; a read that meets a bad checksum throws {@link CorruptionException}; I/O failures throw
 * {@link StorageException}. After a failed fsync the engine refuses further writes until it is reopened,
 * because what the kernel kept of the failed write is unknown.
 */
public interface StorageEngine extends AutoCloseable {

    /** The current, unexpired version of {@code key}, or null if there is none. */
    Versioned get(byte[] key);

    /** Stores {@code value} under {@code key} with no expiry. */
    default void put(byte[] key, byte[] value, long revision) {
        put(key, value, revision, Versioned.NO_EXPIRY);
    }

    /** Stores {@code value} under {@code key}, gone after {@code expiresAt} (epoch millis; 0 = never). */
    void put(byte[] key, byte[] value, long revision, long expiresAt);

    /** Deletes {@code key} (a tombstone is written even if the key is absent, so the revision is recorded). */
    void delete(byte[] key, long revision);

    /** Applies every operation of the batch, or none of them if the process dies while writing it. */
    void write(WriteBatch batch);

    /**
     * Entries with {@code start <= key < end}, ascending, at most {@code limit} of them, from a snapshot.
     *
     * @param start first key (inclusive); null or empty for the beginning
     * @param end   end key (exclusive); null for no end
     * @param limit most entries to return; {@code Integer.MAX_VALUE} for all
     */
    RangeCursor scan(byte[] start, byte[] end, int limit);

    /**
     * The keys from {@code start} on whose current version has expired at {@code now}, looking at no more than
     * {@code budget} keys: one step of the background sweep that deletes expired keys, so their bytes are
     * reclaimed even where no merge or compaction would pass. Expired versions are never returned by reads
     * whether or not they were swept.
     */
    ExpiredKeys expiredKeys(byte[] start, int budget, long now);

    /** Makes every write acknowledged so far durable, whatever the durability mode. */
    void sync();

    /** The highest revision stored, recovered with the data after a crash (0 for a new engine). */
    long appliedRevision();

    /**
     * Writes the whole state, from a consistent snapshot, in the engine-neutral checkpoint format
     * ({@link io.corecache.engine.checkpoint.CheckpointWriter}); returns the revision it covers.
     */
    long checkpoint(OutputStream out);

    /**
     * Replaces this engine's whole state with a checkpoint's. If the process dies part way, the engine
     * reopens empty (never half-loaded). Returns the checkpoint's revision.
     */
    long restore(InputStream in);

    EngineStats stats();

    /** Syncs and releases files and threads. Further calls throw {@link StorageException}. */
    @Override
    void close();
}
