package io.corecache.engine.bitcask;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The data-file record, the one place its widths and flags are defined (docs/formats.md, "Bitcask data
 * file"). All integers are big-endian.
 *
 * <pre>
 *  0  crc32c     u32   over bytes 4..end of the record
 *  4  flags      u8    TOMBSTONE | BATCH_CONTINUES | META
 *  5  keyLen     u16   0 only for META records
 *  7  valueLen   u32   0 for tombstones and META records
 * 11  revision   i64
 * 19  createTime i64   epoch millis the key was first created
 * 27  writeTime  i64   epoch millis of this write
 * 35  expiresAt  i64   epoch millis, 0 = never
 * 43  key bytes, then value bytes
 * </pre>
 *
 * A batch is written as consecutive records; every one but the last carries BATCH_CONTINUES, so recovery
 * applies a batch only when it reads the record that ends it. A META record carries only a revision (a log
 * entry that changed no data, or the highest revision of the files a merge replaced).
 */
final class RecordFormat {

    static final int HEADER_BYTES = 43;
    static final int FLAG_TOMBSTONE = 1;
    static final int FLAG_BATCH_CONTINUES = 2;
    static final int FLAG_META = 4;
    static final int KNOWN_FLAGS = FLAG_TOMBSTONE | FLAG_BATCH_CONTINUES | FLAG_META;

    static final int OFF_FLAGS = 4;
    static final int OFF_KEY_LEN = 5;
    static final int OFF_VALUE_LEN = 7;
    static final int OFF_REVISION = 11;
    static final int OFF_CREATE_TIME = 19;
    static final int OFF_WRITE_TIME = 27;
    static final int OFF_EXPIRES_AT = 35;

    private RecordFormat() {
    }

    static int size(int keyLength, int valueLength) {
        return HEADER_BYTES + keyLength + valueLength;
    }

    /** Appends one record to {@code out} (which must have room) and fills in its checksum. */
    static void encode(ByteBuffer out, int flags, byte[] key, byte[] value, long revision, long createTime,
                       long writeTime, long expiresAt) {
        int start = out.position();
        out.putInt(0)
                .put((byte) flags)
                .putShort((short) key.length)
                .putInt(value.length)
                .putLong(revision)
                .putLong(createTime)
                .putLong(writeTime)
                .putLong(expiresAt)
                .put(key)
                .put(value);
        out.putInt(start, checksum(out, start + 4, out.position()));
    }

    /** CRC32C of {@code buf[from, to)}, leaving the buffer's position and limit unchanged. */
    static int checksum(ByteBuffer buf, int from, int to) {
        CRC32C crc = new CRC32C();
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + from, to - from);
        } else {
            crc.update(buf.slice(from, to - from));
        }
        return (int) crc.getValue();
    }
}
