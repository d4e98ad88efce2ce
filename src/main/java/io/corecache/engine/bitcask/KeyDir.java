package io.corecache.engine.bitcask;

import io.corecache.engine.Bytes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The ordered key directory: key -> {@link Location} of its current record.
 *
 * <p>Implementation notes: a skip list maps each page's fence (a lower bound of its keys; the first page's
 * fence is the empty key) to an immutable {@link KeyDirPage}. Readers find the page with
 * {@code floorEntry} and binary-search it, without locks. Mutations come from one thread at a time (the
 * engine holds its write lock) and publish new pages. A split publishes the upper half under its new fence
 * before replacing the old page with the lower half, so a concurrent reader always finds a page holding
 * its key. A scan snapshot is taken under the write lock: the page references are the snapshot.
 */
final class KeyDir {

    /** A page splits once its entries pass this many bytes: small enough that copy-on-write is cheap. */
    static final int SPLIT_BYTES = 2048;
    private static final byte[] FIRST_FENCE = new byte[0];

    private final ConcurrentSkipListMap<byte[], KeyDirPage> pages = new ConcurrentSkipListMap<>(Bytes.ORDER);
    private volatile long size;

    KeyDir() {
        pages.put(FIRST_FENCE, KeyDirPage.EMPTY);
    }

    long size() {
        return size;
    }

    Location get(byte[] key) {
        KeyDirPage page = pages.floorEntry(key).getValue();
        int index = page.find(key);
        return index >= 0 ? page.location(index) : null;
    }

    /** Sets {@code key}; returns the location it replaced, or null. Caller holds the write lock. */
    Location put(byte[] key, Location location) {
        Map.Entry<byte[], KeyDirPage> slot = pages.floorEntry(key);
        KeyDirPage page = slot.getValue();
        int index = page.find(key);
        Location previous = null;
        KeyDirPage updated;
        if (index >= 0) {
            previous = page.location(index);
            updated = page.with(index, true, key, location);
        } else {
            updated = page.with(-index - 1, false, key, location);
            size++;
        }
        publish(slot.getKey(), updated);
        return previous;
    }

    /** Removes {@code key}; returns its location, or null if absent. Caller holds the write lock. */
    Location remove(byte[] key) {
        Map.Entry<byte[], KeyDirPage> slot = pages.floorEntry(key);
        KeyDirPage page = slot.getValue();
        int index = page.find(key);
        if (index < 0) {
            return null;
        }
        Location previous = page.location(index);
        KeyDirPage updated = page.without(index);
        if (updated.count() == 0 && slot.getKey() != FIRST_FENCE) {
            pages.remove(slot.getKey(), page);
        } else {
            pages.put(slot.getKey(), updated);
        }
        size--;
        return previous;
    }

    /**
     * Moves {@code key} to {@code to} only if it still points at {@code from} (a merge relocating a live
     * record that no writer replaced meanwhile). Caller holds the write lock.
     */
    boolean relocate(byte[] key, Location from, Location to) {
        Map.Entry<byte[], KeyDirPage> slot = pages.floorEntry(key);
        KeyDirPage page = slot.getValue();
        int index = page.find(key);
        if (index < 0 || !page.location(index).sameRecord(from)) {
            return false;
        }
        publish(slot.getKey(), page.with(index, true, key, to));
        return true;
    }

    /**
     * The pages that may hold keys in {@code [start, end)}, enough to yield {@code limit} of them. Caller
     * holds the write lock, which makes the list a consistent snapshot.
     */
    List<KeyDirPage> snapshot(byte[] start, byte[] end, int limit) {
        byte[] from = start == null ? FIRST_FENCE : pages.floorKey(start);
        List<KeyDirPage> result = new ArrayList<>();
        long covered = 0;
        for (Map.Entry<byte[], KeyDirPage> e : pages.tailMap(from, true).entrySet()) {
            if (end != null && !result.isEmpty() && Bytes.compare(e.getKey(), end) >= 0) {
                break;
            }
            result.add(e.getValue());
            covered += e.getValue().count();
            // The first page may hold keys before start, so only count it towards the limit past that page.
            if (result.size() > 1 && covered - result.get(0).count() >= limit) {
                break;
            }
        }
        return result;
    }

    /** Fills an empty directory with keys given in ascending order (start-up). */
    Builder builder() {
        if (size != 0) {
            throw new IllegalStateException("bulk loading needs an empty key directory");
        }
        return new Builder();
    }

    /** Appends keys in order into pages filled to three quarters, leaving room for inserts. */
    final class Builder {
        private final KeyDirPage.Builder page = new KeyDirPage.Builder();
        private byte[] fence = FIRST_FENCE;

        void add(byte[] key, Location location) {
            if (page.count() > 0 && page.bytes() + KeyDirPage.ENTRY_OVERHEAD + key.length > SPLIT_BYTES * 3 / 4) {
                flush();
                fence = key;
            }
            page.add(key, location);
        }

        void finish() {
            if (page.count() > 0) {
                flush();
            }
        }

        private void flush() {
            size += page.count();
            pages.put(fence, page.build());
        }
    }

    private void publish(byte[] fence, KeyDirPage updated) {
        if (updated.bytes() > SPLIT_BYTES && updated.count() > 1) {
            int split = updated.splitIndex();
            KeyDirPage upper = updated.slice(split, updated.count());
            pages.put(upper.key(0), upper);
            pages.put(fence, updated.slice(0, split));
        } else {
            pages.put(fence, updated);
        }
    }
}
