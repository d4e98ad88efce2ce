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
 * fence is the empty key) to a {@link Slot} holding an immutable {@link KeyDirPage}. Readers find the slot
 * with {@code floorEntry} and binary-search its page, without locks. Mutations come from one thread at a
 * time (the engine holds its write lock): an update swaps the slot's page (no skip-list write); a split
 * inserts the upper half under its new fence before the lower half replaces the old page, so a concurrent
 * reader always finds a page holding its key. A scan snapshot is taken under the write lock: the page
 * references are the snapshot.
 *
 * <p>A writer usually looks a key up ({@link #getForWrite}) just before it sets it; the slot found is
 * remembered and reused by the following {@link #put} unless the skip list changed shape in between,
 * so a put walks the skip list once, not twice.
 */
final class KeyDir {

    /** A page splits once its entries pass this many bytes: small enough that copy-on-write is cheap. */
    static final int SPLIT_BYTES = 2048;
    private static final byte[] FIRST_FENCE = new byte[0];

    /** The current page for one fence. */
    private static final class Slot {
        volatile KeyDirPage page;

        Slot(KeyDirPage page) {
            this.page = page;
        }
    }

    private final ConcurrentSkipListMap<byte[], Slot> pages = new ConcurrentSkipListMap<>(Bytes.ORDER);
    private volatile long size;
    /** Bumped whenever a slot is added or removed: remembered slots are then stale. Writer-only. */
    private long shape;
    private byte[] cachedKey;
    private byte[] cachedFence;
    private Slot cachedSlot;
    private long cachedShape = -1;

    KeyDir() {
        pages.put(FIRST_FENCE, new Slot(KeyDirPage.EMPTY));
    }

    long size() {
        return size;
    }

    Location get(byte[] key) {
        Slot slot = pages.floorEntry(key).getValue();
        while (true) {
            KeyDirPage page = slot.page;
            int index = page.find(key);
            if (index >= 0) {
                return page.location(index);
            }
            // A miss may be a split that moved the key to a new slot after we found this one: the new
            // slot is published before the old one shrinks, so looking again finds it.
            Slot again = pages.floorEntry(key).getValue();
            if (again == slot) {
                return null;
            }
            slot = again;
        }
    }

    /** {@link #get} for the writer, remembering where the key lives for the put that follows. */
    Location getForWrite(byte[] key) {
        Map.Entry<byte[], Slot> entry = pages.floorEntry(key);
        cachedKey = key;
        cachedFence = entry.getKey();
        cachedSlot = entry.getValue();
        cachedShape = shape;
        KeyDirPage page = cachedSlot.page;
        int index = page.find(key);
        return index >= 0 ? page.location(index) : null;
    }

    /** Sets {@code key}; returns the location it replaced, or null. Caller holds the write lock. */
    Location put(byte[] key, Location location) {
        Map.Entry<byte[], Slot> entry = slotFor(key);
        Slot slot = entry.getValue();
        KeyDirPage page = slot.page;
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
        publish(slot, updated);
        return previous;
    }

    /** Removes {@code key}; returns its location, or null if absent. Caller holds the write lock. */
    Location remove(byte[] key) {
        Map.Entry<byte[], Slot> entry = slotFor(key);
        Slot slot = entry.getValue();
        KeyDirPage page = slot.page;
        int index = page.find(key);
        if (index < 0) {
            return null;
        }
        Location previous = page.location(index);
        KeyDirPage updated = page.without(index);
        if (updated.count() == 0 && entry.getKey() != FIRST_FENCE) {
            pages.remove(entry.getKey(), slot);
            shape++;
        } else {
            slot.page = updated;
        }
        size--;
        return previous;
    }

    /**
     * Moves {@code key} to {@code to} only if it still points at {@code from} (a merge relocating a live
     * record that no writer replaced meanwhile). Caller holds the write lock.
     */
    boolean relocate(byte[] key, Location from, Location to) {
        Slot slot = pages.floorEntry(key).getValue();
        KeyDirPage page = slot.page;
        int index = page.find(key);
        if (index < 0 || !page.location(index).sameRecord(from)) {
            return false;
        }
        slot.page = page.with(index, true, key, to); // same key, same size: never splits
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
        for (Map.Entry<byte[], Slot> e : pages.tailMap(from, true).entrySet()) {
            if (end != null && !result.isEmpty() && Bytes.compare(e.getKey(), end) >= 0) {
                break;
            }
            KeyDirPage page = e.getValue().page;
            result.add(page);
            // Only keys that cannot have expired are sure to be returned; the first page may hold keys
            // before start, so it counts towards the limit only past that page.
            covered += page.count() - page.expiring();
            if (result.size() > 1 && covered - (result.get(0).count() - result.get(0).expiring()) >= limit) {
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
            pages.put(fence, new Slot(page.build()));
            shape++;
        }
    }

    private Map.Entry<byte[], Slot> slotFor(byte[] key) {
        if (key == cachedKey && cachedShape == shape) {
            return Map.entry(cachedFence, cachedSlot);
        }
        return pages.floorEntry(key);
    }

    private void publish(Slot slot, KeyDirPage updated) {
        if (updated.bytes() > SPLIT_BYTES && updated.count() > 1) {
            int split = updated.splitIndex();
            KeyDirPage upper = updated.slice(split, updated.count());
            pages.put(upper.key(0), new Slot(upper));
            shape++;
            slot.page = updated.slice(0, split);
        } else {
            slot.page = updated;
        }
    }
}
