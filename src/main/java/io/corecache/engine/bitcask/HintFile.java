package io.corecache.engine.bitcask;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.FileHandle;
import io.corecache.engine.FileOps;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A hint file lists the records of one immutable data file without their values, so start-up reads keys,
 * not values (docs/formats.md, "Bitcask hint file").
 *
 * <pre>
 * header  : magic "CCHINT01"
 * entry   : flags u8 (the record's, plus 0x80 if it expires) | keyLen u16 | offset u32 | size u32 | createTime i64 | key
 * trailer : count u32 | maxRevision i64 | dataLength i64 | crc32c u32 over every byte before it
 * </pre>
 * A hint file that fails its checksum is ignored and the data file is scanned instead.
 */
final class HintFile {

    static final byte[] MAGIC = {'C', 'C', 'H', 'I', 'N', 'T', '0', '1'};
    static final int ENTRY_FIXED_BYTES = 1 + 2 + 4 + 4 + 8;
    static final int TRAILER_BYTES = 4 + 8 + 8 + 4;
    /** Set in an entry's flags (beside the record's own) when the record has an expiry. */
    static final int FLAG_EXPIRES = 0x80;

    /** What a verified hint file says about its data file besides the entries. */
    record Summary(long maxRevision, long dataLength) {
    }

    /** Receives a hint file's entries in file order. */
    interface Visitor {
        void entry(int flags, byte[] key, int offset, int size, long createTime);
    }

    /** Accumulates entries in memory-bounded chunks and writes the file. */
    static final class Writer implements AutoCloseable {
        private final FileHandle out;
        private final CRC32C crc = new CRC32C();
        private ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        private int count;

        Writer(FileOps fileOps, Path path) throws IOException {
            this.out = fileOps.create(path);
            buffer.put(MAGIC);
        }

        void add(int flags, byte[] key, int offset, int size, long createTime) throws IOException {
            int need = ENTRY_FIXED_BYTES + key.length;
            if (buffer.remaining() < need) {
                flush();
                if (buffer.remaining() < need) {
                    buffer = ByteBuffer.allocate(need * 2);
                }
            }
            buffer.put((byte) flags).putShort((short) key.length).putInt(offset).putInt(size).putLong(createTime)
                    .put(key);
            count++;
        }

        /** Writes the trailer and fsyncs. {@code dataLength} is the data file's length, records only. */
        void finish(long maxRevision, long dataLength) throws IOException {
            if (buffer.remaining() < TRAILER_BYTES) {
                flush();
            }
            buffer.putInt(count).putLong(maxRevision).putLong(dataLength);
            crc.update(buffer.array(), 0, buffer.position());
            buffer.putInt((int) crc.getValue());
            buffer.flip();
            out.append(buffer);
            buffer.clear();
            out.sync();
        }

        private void flush() throws IOException {
            crc.update(buffer.array(), 0, buffer.position());
            buffer.flip();
            out.append(buffer);
            buffer.clear();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    private HintFile() {
    }

    /**
     * Verifies the hint file, then feeds its entries to {@code visitor}; returns its summary, or null
     * (having fed nothing) if the hint file is damaged, or describes more data than the data file's
     * {@code dataFileSize} bytes, and must not be used.
     */
    static Summary read(FileOps fileOps, Path path, long dataFileSize, Visitor visitor) throws IOException {
        try (FileHandle file = fileOps.openRead(path)) {
            long size = file.size();
            if (size < MAGIC.length + TRAILER_BYTES) {
                return null;
            }
            ByteBuffer trailer = ByteBuffer.allocate(TRAILER_BYTES);
            file.readFully(trailer, size - TRAILER_BYTES);
            int count = trailer.getInt(0);
            Summary summary = new Summary(trailer.getLong(4), trailer.getLong(12));
            if (summary.dataLength() > dataFileSize || checksum(file, size - 4) != trailer.getInt(20)) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                    new FileHandleInputStream(file, 0, size - TRAILER_BYTES), 1 << 16))) {
                byte[] magic = new byte[MAGIC.length];
                in.readFully(magic);
                if (!Arrays.equals(magic, MAGIC)) {
                    return null;
                }
                for (int i = 0; i < count; i++) {
                    int flags = in.readUnsignedByte();
                    byte[] key = new byte[in.readUnsignedShort()];
                    int offset = in.readInt();
                    int recordSize = in.readInt();
                    long createTime = in.readLong();
                    in.readFully(key);
                    visitor.entry(flags, key, offset, recordSize, createTime);
                }
            }
            return summary;
        }
    }

    /**
     * Writes the hint file of an immutable data file, from its records (under a ".merging" name first,
     * then renamed, so a crash never leaves half a hint file under the real name).
     */
    static void writeFor(DataFile file, FileOps fileOps, Path dir, boolean syncDirectory) throws IOException {
        Path temporary = dir.resolve(FileNames.hint(file.id) + FileNames.MERGING);
        Path hintPath = dir.resolve(FileNames.hint(file.id));
        fileOps.delete(temporary);
        long maxRevision = 0;
        try (Writer hint = new Writer(fileOps, temporary)) {
            RecordScanner scanner = new RecordScanner(file.file, file.size(), false);
            for (DataRecord r = scanner.next(); r != null; r = scanner.next()) {
                maxRevision = Math.max(maxRevision, r.revision());
                int flags = r.flags() & ~RecordFormat.FLAG_BATCH_CONTINUES;
                if (r.expiresAt() != 0) {
                    flags |= FLAG_EXPIRES;
                }
                hint.add(flags, r.key(), (int) scanner.offset(), r.size(), r.createTime());
            }
            hint.finish(maxRevision, file.size());
        } catch (RecordScanner.TornTail torn) {
            throw new CorruptionException(file.path, torn.offset, "torn record in an immutable file");
        }
        fileOps.rename(temporary, hintPath);
        file.hintBytes = fileOps.size(hintPath);
        if (syncDirectory) {
            fileOps.syncDirectory(dir);
        }
    }

    private static int checksum(FileHandle file, long length) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
        for (long at = 0; at < length; ) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), length - at));
            int n = file.read(chunk, at);
            if (n <= 0) {
                break;
            }
            chunk.flip();
            crc.update(chunk);
            at += n;
        }
        return (int) crc.getValue();
    }
}
