package io.corecache.engine.lsm;

import io.corecache.engine.Bytes;
import io.corecache.engine.CorruptionException;
import io.corecache.engine.FileHandle;
import io.corecache.engine.FileOps;
import io.corecache.engine.Limits;
import io.corecache.engine.StorageException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Writes one sorted string table, and holds the table's layout (docs/formats.md, "LSM table"); the
 * nested {@link BlockHandle}, {@link Footer} and {@link Properties} are its only encoders and decoders.
 *
 * <pre>
 * data block 0 .. n-1   each: block bytes | crc32c u32          (~blockBytes each, at least one entry)
 * filter block          bloom filter over the user keys | crc32c u32
 * properties block      counts, key range, sequence range | crc32c u32
 * index block           per data block: its last internal key -> offset u64 | size u32 | crc32c u32
 * footer (52 bytes)     index, filter, properties handles | version u32 | crc32c u32 | magic "CCSSTBL1"
 * </pre>
 *
 * A block's handle covers its bytes and its CRC32C trailer. The file is written front to back and fsynced
 * by {@link #finish()}; a reader trusts nothing until it has checked the footer at the end, so a file
 * cut short by a crash is never mistaken for a table. Making the new file's name durable (a directory
 * fsync) before the manifest names it is the caller's job.
 *
 * <p>Not thread-safe: one thread writes a table. Any I/O failure fails the writer, which then only
 * {@link #abandon()}s.
 */
public final class SstableWriter {

    /**
     * @param blockBytes      a data block is cut once it reaches this many bytes (it always holds at least
     *                        one entry, so a large value makes one large block)
     * @param bloomBitsPerKey bloom filter bits per distinct user key
     */
    public record Options(int blockBytes, int bloomBitsPerKey) {

        public static final Options DEFAULT = new Options(4096, BloomFilter.DEFAULT_BITS_PER_KEY);

        public Options {
            if (blockBytes < 1) {
                throw new IllegalArgumentException("block size must be at least 1 byte, got " + blockBytes);
            }
            if (bloomBitsPerKey < 1 || bloomBitsPerKey > 64) {
                throw new IllegalArgumentException("bloom bits per key must be 1..64, got " + bloomBitsPerKey);
            }
        }
    }

    static final byte[] MAGIC = {'C', 'C', 'S', 'S', 'T', 'B', 'L', '1'};
    static final int FORMAT_VERSION = 1;
    static final int CHECKSUM_BYTES = 4;

    private enum State { OPEN, FINISHED, FAILED, ABANDONED }

    private final FileOps fileOps;
    private final Path path;
    private final Options options;
    private final FileHandle out;
    private final BlockBuilder dataBlock = new BlockBuilder(BlockBuilder.DEFAULT_RESTART_INTERVAL);
    private final BlockBuilder indexBlock = new BlockBuilder(BlockBuilder.DEFAULT_RESTART_INTERVAL);
    private final BloomFilter.Builder filter;
    private State state = State.OPEN;
    private long offset;
    private long entries;
    private long deletes;
    private long rawKeyBytes;
    private long rawValueBytes;
    private byte[] smallestKey;
    private byte[] lastKey;
    private long lastSequence;
    private long minSequence = Long.MAX_VALUE;
    private long maxSequence = Long.MIN_VALUE;

    private SstableWriter(FileOps fileOps, Path path, Options options, FileHandle out) {
        this.fileOps = fileOps;
        this.path = path;
        this.options = options;
        this.out = out;
        this.filter = new BloomFilter.Builder(options.bloomBitsPerKey());
    }

    /** Creates {@code path} (which must not exist) for a new table. */
    public static SstableWriter create(FileOps fileOps, Path path, Options options) {
        try {
            return new SstableWriter(fileOps, path, options, fileOps.create(path));
        } catch (IOException e) {
            throw new StorageException("cannot create table " + path, e);
        }
    }

    public static SstableWriter create(FileOps fileOps, Path path) {
        return create(fileOps, path, Options.DEFAULT);
    }

    public Path path() {
        return path;
    }

    /**
     * Adds the next entry. Entries must come in strictly increasing {@link InternalEntry#ORDER} (user key
     * ascending, sequence descending); keys are 1..65535 bytes, sequences 0..2^56-1.
     *
     * @throws IllegalArgumentException for an entry out of order or out of range (nothing is written)
     */
    public void add(InternalEntry entry) {
        requireOpen();
        byte[] key = entry.key();
        if (key.length == 0 || key.length > Limits.HARD_MAX_KEY_BYTES) {
            throw new IllegalArgumentException("table keys are 1.." + Limits.HARD_MAX_KEY_BYTES + " bytes, got "
                    + key.length);
        }
        if (entry.sequence() < 0 || entry.sequence() > BlockBuilder.MAX_SEQUENCE) {
            throw new IllegalArgumentException("sequence " + entry.sequence() + " is outside 0.."
                    + BlockBuilder.MAX_SEQUENCE);
        }
        if (lastKey != null && InternalEntry.compare(lastKey, lastSequence, key, entry.sequence()) >= 0) {
            throw new IllegalArgumentException("entries out of order: " + entry + " after " + Bytes.printable(lastKey)
                    + " #" + lastSequence);
        }
        dataBlock.add(entry);
        if (lastKey == null || !Arrays.equals(lastKey, key)) {
            filter.add(key);
        }
        if (smallestKey == null) {
            smallestKey = key.clone();
        }
        lastKey = key;
        lastSequence = entry.sequence();
        entries++;
        deletes += entry.isDelete() ? 1 : 0;
        rawKeyBytes += key.length;
        rawValueBytes += entry.value().length;
        minSequence = Math.min(minSequence, entry.sequence());
        maxSequence = Math.max(maxSequence, entry.sequence());
        if (dataBlock.estimatedSize() >= options.blockBytes()) {
            flushDataBlock();
        }
    }

    /** Entries added so far. */
    public long entries() {
        return entries;
    }

    /** Bytes written to the file so far (the current data block is not written yet). */
    public long fileSize() {
        return offset;
    }

    /**
     * Writes the last data block, the filter, properties and index blocks and the footer, fsyncs and closes
     * the file. A table holds at least one entry: an empty output is {@link #abandon()}ed instead.
     *
     * @throws StorageException if writing or the fsync fails; the file is then useless: {@link #abandon()} it
     */
    public TableSummary finish() {
        requireOpen();
        if (entries == 0) {
            throw new IllegalStateException("a table needs at least one entry; abandon() an empty one");
        }
        if (!dataBlock.isEmpty()) {
            flushDataBlock();
        }
        Properties properties = new Properties(entries, deletes, smallestKey, lastKey.clone(), minSequence,
                maxSequence, rawKeyBytes, rawValueBytes);
        BlockHandle filterHandle = writeBlock(filter.build().toBytes());
        BlockHandle propertiesHandle = writeBlock(properties.encode());
        BlockHandle indexHandle = writeBlock(indexBlock.finish());
        try {
            out.append(ByteBuffer.wrap(new Footer(indexHandle, filterHandle, propertiesHandle).encode()));
            offset += Footer.BYTES;
            // Trim space reserved ahead of appends first, so the fsync makes the final size durable.
            out.finishAppending();
            out.sync();
            out.close();
        } catch (IOException e) {
            throw fail("cannot finish table " + path, e);
        }
        state = State.FINISHED;
        return properties.toSummary(offset);
    }

    /** Closes and deletes the file: a table given up part way, or one no longer wanted. Idempotent. */
    public void abandon() {
        if (state == State.ABANDONED) {
            return;
        }
        state = State.ABANDONED;
        try {
            out.close();
        } catch (IOException ignored) {
            // the file is being deleted; what it holds no longer matters
        }
        try {
            fileOps.delete(path);
        } catch (IOException e) {
            throw new StorageException("cannot delete abandoned table " + path, e);
        }
    }

    private void flushDataBlock() {
        byte[] lastInternalKey = dataBlock.lastKey();
        BlockHandle handle = writeBlock(dataBlock.finish());
        indexBlock.add(lastInternalKey, handle.encode());
    }

    /** Appends {@code contents} and its CRC32C trailer; returns where they went. */
    private BlockHandle writeBlock(byte[] contents) {
        BlockHandle handle = new BlockHandle(offset, contents.length + CHECKSUM_BYTES);
        try {
            out.append(ByteBuffer.wrap(contents));
            out.append(ByteBuffer.allocate(CHECKSUM_BYTES).putInt(0, checksum(contents, contents.length)));
        } catch (IOException e) {
            throw fail("cannot write table " + path, e);
        }
        offset += handle.size();
        return handle;
    }

    private StorageException fail(String message, IOException cause) {
        state = State.FAILED;
        return new StorageException(message + ": " + cause.getMessage(), cause);
    }

    private void requireOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("table writer for " + path + " is " + state.name().toLowerCase());
        }
    }

    static int checksum(byte[] data, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, 0, length);
        return (int) crc.getValue();
    }

    /** Where a block is: its offset and its size including the CRC32C trailer. Encoded as u64 | u32. */
    record BlockHandle(long offset, int size) {

        static final int BYTES = Long.BYTES + Integer.BYTES;

        byte[] encode() {
            return ByteBuffer.allocate(BYTES).putLong(offset).putInt(size).array();
        }

        static BlockHandle decode(ByteBuffer in) {
            return new BlockHandle(in.getLong(), in.getInt());
        }

        long end() {
            return offset + size;
        }
    }

    /**
     * The fixed-size end of every table.
     *
     * <pre>
     *  0  index handle       u64 offset | u32 size
     * 12  filter handle      u64 offset | u32 size
     * 24  properties handle  u64 offset | u32 size
     * 36  format version     u32 (1)
     * 40  crc32c             u32 over bytes 0..39
     * 44  magic              "CCSSTBL1"
     * </pre>
     */
    record Footer(BlockHandle index, BlockHandle filter, BlockHandle properties) {

        static final int BYTES = 3 * BlockHandle.BYTES + 4 + 4 + 8;
        static final int OFF_VERSION = 36;
        static final int OFF_CHECKSUM = 40;
        static final int OFF_MAGIC = 44;

        byte[] encode() {
            ByteBuffer buf = ByteBuffer.allocate(BYTES);
            buf.put(index.encode()).put(filter.encode()).put(properties.encode()).putInt(FORMAT_VERSION);
            buf.putInt(checksum(buf.array(), OFF_CHECKSUM)).put(MAGIC);
            return buf.array();
        }

        /** The footer in {@code bytes}, read from {@code file} at {@code at}; checks magic, checksum, version. */
        static Footer decode(Path file, long at, byte[] bytes) {
            if (!Arrays.equals(bytes, OFF_MAGIC, BYTES, MAGIC, 0, MAGIC.length)) {
                throw new CorruptionException(file, at + OFF_MAGIC, "no table magic at the end of the file: "
                        + "truncated, or not a table");
            }
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            if (buf.getInt(OFF_CHECKSUM) != checksum(bytes, OFF_CHECKSUM)) {
                throw new CorruptionException(file, at, "footer checksum mismatch");
            }
            if (buf.getInt(OFF_VERSION) != FORMAT_VERSION) {
                throw new CorruptionException(file, at + OFF_VERSION, "table format version "
                        + buf.getInt(OFF_VERSION) + ", this build reads " + FORMAT_VERSION);
            }
            return new Footer(BlockHandle.decode(buf), BlockHandle.decode(buf), BlockHandle.decode(buf));
        }
    }

    /**
     * The properties block's contents.
     *
     * <pre>
     * entries u64 | deletes u64 | minSequence i64 | maxSequence i64 | rawKeyBytes u64 | rawValueBytes u64
     * | smallestLen u16 | smallest key | largestLen u16 | largest key
     * </pre>
     * Raw bytes are the sums of user key and value lengths before any encoding.
     */
    record Properties(long entries, long deletes, byte[] smallestKey, byte[] largestKey, long minSequence,
                      long maxSequence, long rawKeyBytes, long rawValueBytes) {

        private static final int FIXED_BYTES = 6 * Long.BYTES + 2 * Short.BYTES;

        byte[] encode() {
            return ByteBuffer.allocate(FIXED_BYTES + smallestKey.length + largestKey.length)
                    .putLong(entries).putLong(deletes).putLong(minSequence).putLong(maxSequence)
                    .putLong(rawKeyBytes).putLong(rawValueBytes)
                    .putShort((short) smallestKey.length).put(smallestKey)
                    .putShort((short) largestKey.length).put(largestKey)
                    .array();
        }

        /** The properties in {@code data[0, length)}, read from {@code file} at {@code at}; checks they agree. */
        static Properties decode(Path file, long at, byte[] data, int length) {
            ByteBuffer in = ByteBuffer.wrap(data, 0, length);
            if (length < FIXED_BYTES) {
                throw new CorruptionException(file, at, "properties block of " + length + " bytes is too short");
            }
            long entries = in.getLong();
            long deletes = in.getLong();
            long minSequence = in.getLong();
            long maxSequence = in.getLong();
            long rawKeyBytes = in.getLong();
            long rawValueBytes = in.getLong();
            byte[] smallest = new byte[in.getShort() & 0xFFFF];
            if (in.remaining() < smallest.length + Short.BYTES) {
                throw new CorruptionException(file, at, "properties block ends inside the smallest key");
            }
            in.get(smallest);
            byte[] largest = new byte[in.getShort() & 0xFFFF];
            if (in.remaining() != largest.length) {
                throw new CorruptionException(file, at, "properties block's largest key does not fill the block");
            }
            in.get(largest);
            Properties p = new Properties(entries, deletes, smallest, largest, minSequence, maxSequence,
                    rawKeyBytes, rawValueBytes);
            if (entries < 1 || deletes < 0 || deletes > entries || minSequence < 0 || minSequence > maxSequence
                    || smallest.length == 0 || Bytes.compare(smallest, largest) > 0) {
                throw new CorruptionException(file, at, "properties do not add up: " + p.toSummary(0));
            }
            return p;
        }

        TableSummary toSummary(long fileSize) {
            return new TableSummary(fileSize, entries, deletes, smallestKey, largestKey, minSequence, maxSequence);
        }
    }
}
