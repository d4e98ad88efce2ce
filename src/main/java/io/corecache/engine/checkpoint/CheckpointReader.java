package io.corecache.engine.checkpoint;

import io.corecache.engine.Entry;
import io.corecache.engine.StorageException;
import io.corecache.engine.Versioned;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads a checkpoint stream entry by entry, verifying every checksum. {@link #next()} returns null at the
 * footer; {@link #revision()} is then the revision the checkpoint covers.
 */
public final class CheckpointReader {

    private final DataInputStream in;
    private final CRC32C crc = new CRC32C();
    private long position;
    private long count;
    private long revision = -1;

    public CheckpointReader(InputStream in) {
        this.in = new DataInputStream(new BufferedInputStream(in, 1 << 16));
        byte[] magic = new byte[CheckpointFormat.MAGIC.length];
        readFully(magic);
        if (!Arrays.equals(magic, CheckpointFormat.MAGIC)) {
            throw bad("not a CoreCache checkpoint (bad magic)");
        }
    }

    /** The next entry, or null once the footer has been read and verified. */
    public Entry next() {
        if (revision >= 0) {
            return null;
        }
        int tag = readByte();
        int expectedCrc = readInt();
        if (tag == CheckpointFormat.TAG_FOOTER) {
            byte[] footer = new byte[16];
            readFully(footer);
            check(expectedCrc, footer, 16);
            ByteBuffer f = ByteBuffer.wrap(footer);
            long declared = f.getLong();
            if (declared != count) {
                throw bad("footer says " + declared + " entries, stream had " + count);
            }
            revision = f.getLong();
            return null;
        }
        if (tag != CheckpointFormat.TAG_ENTRY) {
            throw bad("unknown tag " + tag);
        }
        int length = readInt();
        if (length < CheckpointFormat.ENTRY_FIXED_BYTES || length > (80 << 20)) {
            throw bad("entry length " + length + " out of range");
        }
        byte[] body = new byte[length];
        readFully(body);
        check(expectedCrc, body, length);
        ByteBuffer b = ByteBuffer.wrap(body);
        byte[] key = new byte[Short.toUnsignedInt(b.getShort())];
        b.get(key);
        byte[] value = new byte[b.getInt()];
        b.get(value);
        count++;
        return new Entry(key, new Versioned(value, b.getLong(), b.getLong(), b.getLong(), b.getLong()));
    }

    /** The revision the checkpoint covers; valid after {@link #next()} returned null. */
    public long revision() {
        if (revision < 0) {
            throw new IllegalStateException("checkpoint not read to its footer yet");
        }
        return revision;
    }

    private void check(int expected, byte[] bytes, int length) {
        crc.reset();
        crc.update(bytes, 0, length);
        if ((int) crc.getValue() != expected) {
            throw bad("checksum mismatch");
        }
    }

    private int readByte() {
        try {
            int b = in.readUnsignedByte();
            position++;
            return b;
        } catch (EOFException e) {
            throw bad("stream ends without a footer (incomplete checkpoint)");
        } catch (IOException e) {
            throw new StorageException("cannot read checkpoint", e);
        }
    }

    private int readInt() {
        byte[] four = new byte[4];
        readFully(four);
        return ByteBuffer.wrap(four).getInt();
    }

    private void readFully(byte[] into) {
        try {
            in.readFully(into);
            position += into.length;
        } catch (EOFException e) {
            throw bad("stream ends without a footer (incomplete checkpoint)");
        } catch (IOException e) {
            throw new StorageException("cannot read checkpoint", e);
        }
    }

    private StorageException bad(String what) {
        return new StorageException("bad checkpoint stream at byte " + position + ": " + what);
    }
}
