package io.corecache.api.resp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * SCAN's cursors: where the next call resumes, by number. Clients (redis-cli among them) read a cursor as
 * an unsigned 64-bit number, so a position, which is a key, cannot travel in it: the node keeps the key
 * and hands out a number. The newest {@code capacity} cursors are kept; an older one is refused with
 * "invalid cursor" rather than restarting a scan silently (docs/resp.md).
 */
final class ScanCursors {

    private final int capacity;
    private final Map<Long, byte[]> positions;
    private long next = 1 + ThreadLocalRandom.current().nextInt(1 << 20);

    ScanCursors(int capacity) {
        this.capacity = capacity;
        this.positions = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                return size() > ScanCursors.this.capacity;
            }
        };
    }

    /** A new cursor resuming at {@code key}; never 0, which means "start" and "done". */
    synchronized long save(byte[] key) {
        long cursor = next++;
        positions.put(cursor, key);
        return cursor;
    }

    /** Where {@code cursor} resumes, or null if this node does not know it (any more). */
    synchronized byte[] resume(long cursor) {
        return positions.get(cursor);
    }
}
