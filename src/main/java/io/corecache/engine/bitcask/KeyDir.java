package io.corecache.engine.bitcask;

import io.corecache.engine.Bytes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ordered key directory: key -> {@link Location} of its current record.
 *
 * <p>Implementation notes: a B+-tree. Leaves are {@link Slot}s, each holding an immutable
 * {@link KeyDirPage} of sorted entries; inner nodes ({@link Inner}) are immutable arrays of child fences
 * (the lowest key a child may hold) with their first eight bytes copied into a {@code long[]}, so a
 * descent compares numbers in one array instead of chasing a skip list's nodes and key arrays through
 * memory. Readers descend from the volatile {@link #root} without locks.
 *
 * <p>Mutations come from one thread at a time (the engine holds its write lock). An update swaps a slot's
 * page (copy-on-write). A split creates the upper half's slot, publishes a new root whose copied path
 * holds it, and only then shrinks the old slot's page; a reader that finds its key missing from the slot
 * it reached descends again and finds the new slot (see {@link #get}). Slots are never removed, so a
 * page emptied by deletes stays as an empty leaf. A scan's snapshot, taken under the write lock, is the
 * list of pages it saw.
 *
 * <p>A writer usually looks a key up ({@link #getForWrite}) just before it sets it; the path found is
 * reused by the following {@link #put} unless the root changed in between.
 */
final class KeyDir {

    /** A page splits once its entries pass this many bytes: small enough that copy-on-write is cheap. */
    static final int SPLIT_BYTES = 2048;
    /** An inner node splits past this many children. */
    static final int MAX_CHILDREN = 128;
    private static final byte[] FIRST_FENCE = new byte[0];
    private static final int MAX_DEPTH = 16;

    /** A leaf: the current page for one fence. */
    static final class Slot {
        volatile KeyDirPage page;

        Slot(KeyDirPage page) {
            this.page = page;
        }
    }

    /** An immutable inner node; child i holds the keys from fences[i] up to fences[i + 1]. */
    private static final class Inner {
        final long[] prefixes;
        final byte[][] fences;
        final Object[] children;

        Inner(byte[][] fences, Object[] children) {
            this.fences = fences;
            this.children = children;
            this.prefixes = new long[fences.length];
            for (int i = 0; i < fences.length; i++) {
                prefixes[i] = prefix(fences[i]);
            }
        }

        int size() {
            return children.length;
        }

        /** Index of the child whose range holds {@code key}: the last fence not above it. */
        int find(byte[] key, long keyPrefix) {
            int low = 1;
            int high = prefixes.length - 1;
            int found = 0;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                int c = Long.compareUnsigned(prefixes[mid], keyPrefix);
                if (c == 0) {
                    c = Bytes.compare(fences[mid], key);
                }
                if (c <= 0) {
                    found = mid;
                    low = mid + 1;
                } else {
                    high = mid - 1;
                }
            }
            return found;
        }

        Inner with(int index, Object child) {
            Object[] children = this.children.clone();
            children[index] = child;
            return new Inner(fences, children, prefixes);
        }

        Inner inserted(int at, byte[] fence, Object child) {
            byte[][] newFences = new byte[fences.length + 1][];
            Object[] newChildren = new Object[children.length + 1];
            System.arraycopy(fences, 0, newFences, 0, at);
            System.arraycopy(children, 0, newChildren, 0, at);
            newFences[at] = fence;
            newChildren[at] = child;
            System.arraycopy(fences, at, newFences, at + 1, fences.length - at);
            System.arraycopy(children, at, newChildren, at + 1, children.length - at);
            return new Inner(newFences, newChildren);
        }

        Inner slice(int from, int to) {
            return new Inner(Arrays.copyOfRange(fences, from, to), Arrays.copyOfRange(children, from, to));
        }

        private Inner(byte[][] fences, Object[] children, long[] prefixes) {
            this.fences = fences;
            this.children = children;
            this.prefixes = prefixes;
        }
    }

    private volatile Inner root = new Inner(new byte[][] {FIRST_FENCE}, new Object[] {new Slot(KeyDirPage.EMPTY)});
    private volatile long size;
    // The writer's last descent, reused by a put of the same key while the root is unchanged.
    private byte[] cachedKey;
    private Inner cachedRoot;
    private final Inner[] cachedPath = new Inner[MAX_DEPTH];
    private final int[] cachedIndexes = new int[MAX_DEPTH];
    private int cachedDepth;

    long size() {
        return size;
    }

    Location get(byte[] key) {
        long keyPrefix = prefix(key);
        Slot slot = leaf(root, key, keyPrefix);
        while (true) {
            KeyDirPage page = slot.page;
            int index = page.find(key);
            if (index >= 0) {
                return page.location(index);
            }
            // A miss may be a split that moved the key to a new slot after we reached this one: the new
            // slot is in the root before the old one shrinks, so descending again finds it.
            Slot again = leaf(root, key, keyPrefix);
            if (again == slot) {
                return null;
            }
            slot = again;
        }
    }

    /** {@link #get} for the writer, remembering the path to the key for the put that follows. */
    Location getForWrite(byte[] key) {
        Slot slot = descend(key);
        KeyDirPage page = slot.page;
        int index = page.find(key);
        return index >= 0 ? page.location(index) : null;
    }

    /** Sets {@code key}; returns the location it replaced, or null. Caller holds the write lock. */
    Location put(byte[] key, Location location) {
        Slot slot = key == cachedKey && cachedRoot == root ? cachedSlot() : descend(key);
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
        if (updated.bytes() > SPLIT_BYTES && updated.count() > 1) {
            int split = updated.splitIndex();
            KeyDirPage upper = updated.slice(split, updated.count());
            insertAfterCachedLeaf(upper.key(0), new Slot(upper));
            slot.page = updated.slice(0, split);
        } else {
            slot.page = updated;
        }
        cachedKey = null;
        return previous;
    }

    /** Removes {@code key}; returns its location, or null if absent. Caller holds the write lock. */
    Location remove(byte[] key) {
        Slot slot = key == cachedKey && cachedRoot == root ? cachedSlot() : descend(key);
        cachedKey = null;
        KeyDirPage page = slot.page;
        int index = page.find(key);
        if (index < 0) {
            return null;
        }
        slot.page = page.without(index);
        size--;
        return page.location(index);
    }

    /**
     * Moves {@code key} to {@code to} only if it still points at {@code from} (a merge relocating a live
     * record that no writer replaced meanwhile). Caller holds the write lock.
     */
    boolean relocate(byte[] key, Location from, Location to) {
        Slot slot = leaf(root, key, prefix(key));
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
        List<KeyDirPage> result = new ArrayList<>();
        collect(root, start, end, limit, result, new long[1]);
        return result;
    }

    /** Adds the pages under {@code node} that meet the range; returns false once the limit is covered. */
    private static boolean collect(Inner node, byte[] start, byte[] end, int limit, List<KeyDirPage> out,
                                   long[] covered) {
        int first = start == null || start.length == 0 ? 0 : node.find(start, prefix(start));
        for (int i = first; i < node.size(); i++) {
            if (end != null && i > first && Bytes.compare(node.fences[i], end) >= 0) {
                return true;
            }
            Object child = node.children[i];
            if (child instanceof Inner inner) {
                if (!collect(inner, i == first ? start : null, end, limit, out, covered)) {
                    return false;
                }
                continue;
            }
            KeyDirPage page = ((Slot) child).page;
            out.add(page);
            // Only keys that cannot have expired are sure to be returned; the first page may hold keys
            // before start, so it counts towards the limit only past that page.
            if (out.size() > 1) {
                covered[0] += page.count() - page.expiring();
                if (covered[0] >= limit) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Lays out keys given in ascending order into leaves (start-up). Several builders may work on
     * consecutive ranges of keys at once; {@link #install} then joins them, in order.
     */
    static final class Builder {
        private final KeyDirPage.Builder page = new KeyDirPage.Builder();
        private final List<byte[]> fences = new ArrayList<>();
        private final List<Object> leaves = new ArrayList<>();
        private byte[] fence;
        private long keys;

        /** @param first whether this builder starts the key space (its first leaf's fence is the empty key) */
        Builder(boolean first) {
            this.fence = first ? FIRST_FENCE : null;
        }

        void add(byte[] key, Location location) {
            if (fence == null) {
                fence = key;
            }
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
            keys += page.count();
            fences.add(fence);
            leaves.add(new Slot(page.build()));
        }
    }

    /** Fills this empty directory with the builders' leaves, in the builders' order, and builds the tree. */
    void install(List<Builder> builders) {
        if (size != 0) {
            throw new IllegalStateException("bulk loading needs an empty key directory");
        }
        List<byte[]> levelFences = new ArrayList<>();
        List<Object> level = new ArrayList<>();
        long total = 0;
        for (Builder builder : builders) {
            levelFences.addAll(builder.fences);
            level.addAll(builder.leaves);
            total += builder.keys;
        }
        if (level.isEmpty()) {
            return;
        }
        levelFences.set(0, FIRST_FENCE); // the first leaf also holds keys below its first one from now on
        int perNode = MAX_CHILDREN * 3 / 4;
        do {
            List<byte[]> upperFences = new ArrayList<>();
            List<Object> upper = new ArrayList<>();
            for (int from = 0; from < level.size(); from += perNode) {
                int to = Math.min(level.size(), from + perNode);
                upperFences.add(levelFences.get(from));
                upper.add(new Inner(levelFences.subList(from, to).toArray(new byte[0][]),
                        level.subList(from, to).toArray()));
            }
            levelFences = upperFences;
            level = upper;
        } while (level.size() > 1);
        size = total;
        root = (Inner) level.get(0);
    }

    private static Slot leaf(Inner node, byte[] key, long keyPrefix) {
        Object child = node;
        while (child instanceof Inner inner) {
            child = inner.children[inner.find(key, keyPrefix)];
        }
        return (Slot) child;
    }

    /** Descends to the key's leaf, remembering the path for a split. */
    private Slot descend(byte[] key) {
        long keyPrefix = prefix(key);
        Inner node = root;
        cachedRoot = node;
        cachedKey = key;
        int depth = 0;
        while (true) {
            int index = node.find(key, keyPrefix);
            cachedPath[depth] = node;
            cachedIndexes[depth] = index;
            depth++;
            Object child = node.children[index];
            if (child instanceof Slot slot) {
                cachedDepth = depth;
                return slot;
            }
            node = (Inner) child;
        }
    }

    private Slot cachedSlot() {
        int last = cachedDepth - 1;
        return (Slot) cachedPath[last].children[cachedIndexes[last]];
    }

    /** Inserts a new leaf right after the remembered one, copying the path up and publishing a new root. */
    private void insertAfterCachedLeaf(byte[] fence, Object child) {
        byte[] carryFence = fence;
        Object carryChild = child;
        Inner replacement = null;
        for (int depth = cachedDepth - 1; depth >= 0; depth--) {
            Inner node = cachedPath[depth];
            int index = cachedIndexes[depth];
            Inner updated = replacement == null ? node : node.with(index, replacement);
            if (carryChild != null) {
                updated = updated.inserted(index + 1, carryFence, carryChild);
            }
            carryChild = null;
            if (updated.size() > MAX_CHILDREN) {
                int half = updated.size() / 2;
                replacement = updated.slice(0, half);
                carryFence = updated.fences[half];
                carryChild = updated.slice(half, updated.size());
            } else {
                replacement = updated;
            }
        }
        if (carryChild != null) {
            replacement = new Inner(new byte[][] {FIRST_FENCE, carryFence}, new Object[] {replacement, carryChild});
        }
        root = replacement;
    }

    /** The first eight bytes of a key as an unsigned big-endian number, zero-padded. */
    private static long prefix(byte[] key) {
        long value = 0;
        int n = Math.min(8, key.length);
        for (int i = 0; i < n; i++) {
            value = (value << 8) | (key[i] & 0xFF);
        }
        return n == 0 ? 0 : value << (8 * (8 - n));
    }
}
