package io.corecache.engine.lsm;

import io.corecache.engine.Bytes;
import io.corecache.engine.CorruptionException;
import io.corecache.engine.FileHandle;
import io.corecache.engine.FileOps;
import io.corecache.engine.StorageException;
import io.corecache.engine.lsm.SstableWriter.BlockHandle;
import io.corecache.engine.lsm.SstableWriter.Footer;
import io.corecache.engine.lsm.SstableWriter.Properties;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An open table (layout in {@link SstableWriter} and docs/formats.md, "LSM table"). Opening verifies the
 * footer, the filter, properties and index blocks, and that the blocks tile the file exactly; data blocks
 * are read on demand, each checksum-verified every time it comes from the file. Corrupt bytes are never
 * returned: the read that finds them throws {@link CorruptionException} naming the file and the offset of
 * the damaged block (or footer field).
 *
 * <p>Implementation notes: after {@link #open} everything but the file is immutable (the index is decoded
 * into arrays, the filter held whole), so any number of threads may call {@link #get} and iterate at once;
 * {@link FileHandle#read} is positional. A memory-mapped file must not be unmapped under a read in flight,
 * so reads hold the read side of {@code lifecycle} and {@link #close()} takes the write side.
 */
public final class SstableReader implements AutoCloseable {

    private final Path path;
    private final long fileNumber;
    private final FileHandle file;
    private final BlockCache cache;
    private final TableSummary summary;
    private final Properties properties;
    private final BloomFilter filter;
    // The index: for data block i, its last internal key and where it is.
    private final byte[][] lastKeys;
    private final long[] lastSequences;
    private final long[] blockOffsets;
    private final int[] blockSizes;
    private final AtomicLong blocksRead = new AtomicLong();
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private SstableReader(Path path, long fileNumber, FileHandle file, BlockCache cache) throws IOException {
        this.path = path;
        this.fileNumber = fileNumber;
        this.file = file;
        this.cache = cache;
        long size = file.size();
        if (size < Footer.BYTES) {
            throw new CorruptionException(path, 0, "a table of " + size + " bytes cannot hold its "
                    + Footer.BYTES + "-byte footer: truncated?");
        }
        long footerAt = size - Footer.BYTES;
        byte[] footerBytes = new byte[Footer.BYTES];
        readFully(footerBytes, footerAt);
        Footer footer = Footer.decode(path, footerAt, footerBytes);
        checkLayout(footer, footerAt);

        BlockHandle filterHandle = footer.filter();
        this.filter = BloomFilter.decode(path, filterHandle.offset(), readBlock(filterHandle, "filter block"),
                contentLength(filterHandle));
        BlockHandle propertiesHandle = footer.properties();
        this.properties = Properties.decode(path, propertiesHandle.offset(),
                readBlock(propertiesHandle, "properties block"), contentLength(propertiesHandle));
        this.summary = properties.toSummary(size);

        List<IndexEntry> index = readIndex(footer.index(), filterHandle.offset());
        int n = index.size();
        this.lastKeys = new byte[n][];
        this.lastSequences = new long[n];
        this.blockOffsets = new long[n];
        this.blockSizes = new int[n];
        for (int i = 0; i < n; i++) {
            IndexEntry e = index.get(i);
            lastKeys[i] = e.lastKey;
            lastSequences[i] = e.lastSequence;
            blockOffsets[i] = e.handle.offset();
            blockSizes[i] = e.handle.size();
        }
        if (!Arrays.equals(lastKeys[n - 1], properties.largestKey())) {
            throw new CorruptionException(path, propertiesHandle.offset(), "properties say the largest key is "
                    + Bytes.printable(properties.largestKey()) + ", the index says "
                    + Bytes.printable(lastKeys[n - 1]));
        }
    }

    /**
     * Opens the table at {@code path}. {@code cache} (may be null) holds data blocks of every table of an
     * engine, keyed by {@code fileNumber}, which must be unique among them.
     *
     * @throws CorruptionException if the footer, filter, properties or index are damaged, or the file is
     *                             truncated
     * @throws StorageException    if the file cannot be read
     */
    public static SstableReader open(FileOps fileOps, Path path, long fileNumber, BlockCache cache) {
        FileHandle file;
        try {
            file = fileOps.openRead(path);
        } catch (IOException e) {
            throw new StorageException("cannot open table " + path + ": " + e.getMessage(), e);
        }
        try {
            return new SstableReader(path, fileNumber, file, cache);
        } catch (IOException | RuntimeException e) {
            try {
                file.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof IOException io) {
                throw new StorageException("cannot read table " + path + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    /** Opens the table without a block cache. */
    public static SstableReader open(FileOps fileOps, Path path) {
        return open(fileOps, path, 0, null);
    }

    /**
     * The newest entry of {@code userKey} with sequence at most {@code maxSequence} (a tombstone included),
     * or null. A key the bloom filter rules out, or outside the table's key range, reads no data block.
     */
    public InternalEntry get(byte[] userKey, long maxSequence) {
        return get(userKey, BloomFilter.hash(userKey), maxSequence);
    }

    /** As {@link #get(byte[], long)}, with {@code keyHash} = {@link BloomFilter#hash}{@code (userKey)} computed by the caller. */
    InternalEntry get(byte[] userKey, long keyHash, long maxSequence) {
        requireOpen();
        if (Bytes.compare(userKey, properties.smallestKey()) < 0 || Bytes.compare(userKey, properties.largestKey()) > 0
                || !filter.mightContain(keyHash)) {
            return null;
        }
        int i = findBlock(userKey, maxSequence);
        if (i == blockCount()) {
            return null;
        }
        Block.Cursor cursor = dataBlock(i).cursor();
        cursor.seek(userKey, maxSequence);
        if (!cursor.valid()) {
            throw indexDisagrees(i);
        }
        return cursor.userKeyEquals(userKey) ? cursor.entry() : null;
    }

    /** An iterator at the table's first entry. */
    public TableIterator iterator() {
        requireOpen();
        TableIterator it = new TableIterator(this);
        it.seekToFirst();
        return it;
    }

    /** An iterator at the first entry at or after {@code (userKey, maxSequence)} in internal order. */
    public TableIterator iterator(byte[] userKey, long maxSequence) {
        requireOpen();
        TableIterator it = new TableIterator(this);
        it.seek(userKey, maxSequence);
        return it;
    }

    public TableSummary summary() {
        return summary;
    }

    public Path path() {
        return path;
    }

    public long fileNumber() {
        return fileNumber;
    }

    /** Data blocks read from the file (not served by the cache) since the table was opened. */
    public long blocksRead() {
        return blocksRead.get();
    }

    /**
     * Closes the file, waiting for reads in flight. Reads after this throw {@link StorageException}; the
     * engine closes a table only once no version references it.
     */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            file.close();
        } catch (IOException e) {
            throw new StorageException("cannot close table " + path, e);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    // ------------------------------------------------------------------------------ for TableIterator, tests

    int blockCount() {
        return lastKeys.length;
    }

    long blockOffset(int block) {
        return blockOffsets[block];
    }

    Properties properties() {
        return properties;
    }

    boolean mightContain(byte[] userKey) {
        return filter.mightContain(userKey);
    }

    /** The first data block whose last key is at or after {@code (userKey, sequence)}; blockCount() if none. */
    int findBlock(byte[] userKey, long sequence) {
        int low = 0;
        int high = lastKeys.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (InternalEntry.compare(lastKeys[mid], lastSequences[mid], userKey, sequence) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** Data block {@code i}, from the cache or read and verified from the file. */
    Block dataBlock(int i) {
        long offset = blockOffsets[i];
        if (cache != null) {
            Block cached = cache.get(fileNumber, offset);
            if (cached != null) {
                return cached;
            }
        }
        BlockHandle handle = new BlockHandle(offset, blockSizes[i]);
        Block block;
        try {
            block = Block.parse(path, offset, readBlock(handle, "data block"), contentLength(handle));
        } catch (IOException e) {
            throw new StorageException("cannot read table " + path + " at " + offset + ": " + e.getMessage(), e);
        }
        blocksRead.incrementAndGet();
        if (cache != null) {
            cache.put(fileNumber, offset, block);
        }
        return block;
    }

    CorruptionException indexDisagrees(int block) {
        return new CorruptionException(path, blockOffsets[block], "the index says this block ends with "
                + Bytes.printable(lastKeys[block]) + " #" + lastSequences[block] + ", the block ends before it");
    }

    void requireOpen() {
        if (closed) {
            throw new StorageException("table " + path + " is closed");
        }
    }

    // ------------------------------------------------------------------------------------------- opening

    /** Handles must lie where the writer puts them: filter, properties, index, footer, back to back. */
    private void checkLayout(Footer footer, long footerAt) {
        BlockHandle filterHandle = footer.filter();
        BlockHandle propertiesHandle = footer.properties();
        BlockHandle indexHandle = footer.index();
        boolean ok = filterHandle.offset() >= 0
                && filterHandle.size() > SstableWriter.CHECKSUM_BYTES
                && propertiesHandle.size() > SstableWriter.CHECKSUM_BYTES
                && indexHandle.size() > SstableWriter.CHECKSUM_BYTES
                && filterHandle.end() == propertiesHandle.offset()
                && propertiesHandle.end() == indexHandle.offset()
                && indexHandle.end() == footerAt;
        if (!ok) {
            throw new CorruptionException(path, footerAt, "footer handles " + footer
                    + " do not lie back to back before the footer");
        }
    }

    private record IndexEntry(byte[] lastKey, long lastSequence, BlockHandle handle) {
    }

    /** Decodes the index; its handles must tile {@code [0, dataEnd)} and its keys must ascend. */
    private List<IndexEntry> readIndex(BlockHandle handle, long dataEnd) throws IOException {
        long at = handle.offset();
        Block block = Block.parse(path, at, readBlock(handle, "index block"), contentLength(handle));
        List<IndexEntry> entries = new ArrayList<>();
        long expectedOffset = 0;
        IndexEntry previous = null;
        Block.Cursor c = block.cursor();
        for (c.seekToFirst(); c.valid(); c.next()) {
            byte[] value = c.value();
            if (value.length != BlockHandle.BYTES) {
                throw new CorruptionException(path, at, "index entry " + entries.size() + " has a "
                        + value.length + "-byte block handle");
            }
            IndexEntry e = new IndexEntry(c.userKey(), c.sequence(), BlockHandle.decode(ByteBuffer.wrap(value)));
            if (e.handle.offset() != expectedOffset || e.handle.size() <= SstableWriter.CHECKSUM_BYTES
                    || e.handle.end() > dataEnd) {
                throw new CorruptionException(path, at, "index entry " + entries.size() + " points at "
                        + e.handle + ", expected a block at " + expectedOffset + " ending by " + dataEnd);
            }
            if (previous != null && InternalEntry.compare(previous.lastKey, previous.lastSequence,
                    e.lastKey, e.lastSequence) >= 0) {
                throw new CorruptionException(path, at, "index keys out of order at entry " + entries.size());
            }
            entries.add(e);
            previous = e;
            expectedOffset = e.handle.end();
        }
        if (entries.isEmpty() || expectedOffset != dataEnd) {
            throw new CorruptionException(path, at, "the index's " + entries.size() + " blocks end at "
                    + expectedOffset + ", the data ends at " + dataEnd);
        }
        return entries;
    }

    private static int contentLength(BlockHandle handle) {
        return handle.size() - SstableWriter.CHECKSUM_BYTES;
    }

    /** Reads a block and its trailer; returns them once the CRC32C over the block matches the trailer. */
    private byte[] readBlock(BlockHandle handle, String what) throws IOException {
        byte[] stored = new byte[handle.size()];
        try {
            readFully(stored, handle.offset());
        } catch (EOFException e) {
            throw new CorruptionException(path, handle.offset(), what + " of " + handle.size()
                    + " bytes runs past the end of the file");
        }
        int length = contentLength(handle);
        int expected = ByteBuffer.wrap(stored).getInt(length);
        if (SstableWriter.checksum(stored, length) != expected) {
            throw new CorruptionException(path, handle.offset(), what + " checksum mismatch");
        }
        return stored;
    }

    private void readFully(byte[] into, long offset) throws IOException {
        lifecycle.readLock().lock();
        try {
            requireOpen();
            file.readFully(ByteBuffer.wrap(into), offset);
        } finally {
            lifecycle.readLock().unlock();
        }
    }
}
