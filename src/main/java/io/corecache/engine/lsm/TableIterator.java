package io.corecache.engine.lsm;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Walks one table's entries in {@link InternalEntry#ORDER}, every version of every key, tombstones
 * included: the caller (a merging iterator) picks the versions its snapshot sees. Reads a data block when
 * it first needs it. Not thread-safe; any number of iterators may walk one table at once.
 *
 * <p>A damaged data block throws {@link io.corecache.engine.CorruptionException} from
 * {@link #hasNext()} or {@link #next()}; no entry of it is returned.
 */
public final class TableIterator implements Iterator<InternalEntry> {

    private final SstableReader table;
    /** The data block the cursor is in; {@code table.blockCount()} once past the end. */
    private int block;
    /** Null until a block is loaded (lazily, so a seek past the end reads nothing). */
    private Block.Cursor cursor;

    TableIterator(SstableReader table) {
        this.table = table;
    }

    /** Moves to the table's first entry. */
    public void seekToFirst() {
        block = 0;
        cursor = null;
    }

    /** Moves to the first entry at or after {@code (userKey, maxSequence)} in internal order. */
    public void seek(byte[] userKey, long maxSequence) {
        table.requireOpen();
        block = table.findBlock(userKey, maxSequence);
        cursor = null;
        if (block < table.blockCount()) {
            cursor = table.dataBlock(block).cursor();
            cursor.seek(userKey, maxSequence);
            if (!cursor.valid()) {
                // The index said this block ends at or after the target.
                throw table.indexDisagrees(block);
            }
        }
    }

    @Override
    public boolean hasNext() {
        table.requireOpen();
        while (cursor == null || !cursor.valid()) {
            if (cursor != null) {
                block++;
            }
            if (block >= table.blockCount()) {
                cursor = null;
                return false;
            }
            cursor = table.dataBlock(block).cursor();
            cursor.seekToFirst();
        }
        return true;
    }

    @Override
    public InternalEntry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        InternalEntry entry = cursor.entry();
        cursor.next();
        return entry;
    }
}
