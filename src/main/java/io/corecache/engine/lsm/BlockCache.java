package io.corecache.engine.lsm;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recently read data blocks of every table of one engine, verified and parsed, up to a capacity in bytes;
 * the least recently used go first. Capacity 0 turns the cache off. Keyed by (table file number, block
 * offset): file numbers are never reused, so a block of a deleted table can only go stale, never be wrong
 * ({@link #evictTable} frees its room sooner).
 *
 * <p>Implementation notes: one lock over an access-ordered {@link LinkedHashMap}. A lookup holds it for a
 * hash probe and a relink, far less than the block read a miss costs, so one lock is not the bottleneck
 * it would be for a cache of tiny values. A block larger than the whole capacity is not cached at all,
 * rather than emptying the cache for it.
 */
public final class BlockCache {

    private record Key(long fileNumber, long offset) {
    }

    private final long capacityBytes;
    // Guarded by "this".
    private final LinkedHashMap<Key, Block> blocks = new LinkedHashMap<>(256, 0.75f, true);
    private long usedBytes;
    private long hits;
    private long misses;
    private long evictions;

    public BlockCache(long capacityBytes) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("block cache capacity must be at least 0 bytes, got " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
    }

    /** The cached block, or null (a miss). */
    synchronized Block get(long fileNumber, long offset) {
        Block block = capacityBytes == 0 ? null : blocks.get(new Key(fileNumber, offset));
        if (block == null) {
            misses++;
        } else {
            hits++;
        }
        return block;
    }

    /** Caches a block just read, evicting the least recently used until it fits. */
    synchronized void put(long fileNumber, long offset, Block block) {
        long charge = block.charge();
        if (charge > capacityBytes) {
            return;
        }
        Block previous = blocks.put(new Key(fileNumber, offset), block);
        usedBytes += charge - (previous == null ? 0 : previous.charge());
        Iterator<Map.Entry<Key, Block>> eldest = blocks.entrySet().iterator();
        while (usedBytes > capacityBytes) {
            usedBytes -= eldest.next().getValue().charge();
            eldest.remove();
            evictions++;
        }
    }

    /** Drops every block of a table (one being deleted). */
    public synchronized void evictTable(long fileNumber) {
        Iterator<Map.Entry<Key, Block>> it = blocks.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, Block> e = it.next();
            if (e.getKey().fileNumber() == fileNumber) {
                usedBytes -= e.getValue().charge();
                it.remove();
            }
        }
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    public synchronized long usedBytes() {
        return usedBytes;
    }

    public synchronized int blockCount() {
        return blocks.size();
    }

    public synchronized long hits() {
        return hits;
    }

    public synchronized long misses() {
        return misses;
    }

    public synchronized long evictions() {
        return evictions;
    }
}
