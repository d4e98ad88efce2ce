package io.corecache.engine.checkpoint;

import io.corecache.engine.Entry;
import io.corecache.engine.StorageException;
import io.corecache.engine.Versioned;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** Writes a checkpoint stream: the header, one framed entry per key, then the footer. */
public final class CheckpointWriter {

    private final DataOutputStream out;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer body = ByteBuffer.allocate(4096);
    private long count;

    public CheckpointWriter(OutputStream out) {
        this.out = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
        try {
            this.out.write(CheckpointFormat.MAGIC);
        } catch (IOException e) {
            throw new StorageException("cannot write checkpoint", e);
        }
    }

    public void write(Entry entry) {
        byte[] key = entry.key();
        Versioned v = entry.version();
        int length = CheckpointFormat.ENTRY_FIXED_BYTES + key.length + v.value().length;
        if (body.capacity() < length) {
            body = ByteBuffer.allocate(Math.max(length, body.capacity() * 2));
        }
        body.clear();
        body.putShort((short) key.length).put(key).putInt(v.value().length).put(v.value())
                .putLong(v.createTime()).putLong(v.writeTime()).putLong(v.revision()).putLong(v.expiresAt());
        crc.reset();
        crc.update(body.array(), 0, length);
        try {
            out.writeByte(CheckpointFormat.TAG_ENTRY);
            out.writeInt((int) crc.getValue());
            out.writeInt(length);
            out.write(body.array(), 0, length);
        } catch (IOException e) {
            throw new StorageException("cannot write checkpoint", e);
        }
        count++;
    }

    /** Writes the footer and flushes; the stream is complete only after this. */
    public void finish(long revision) {
        ByteBuffer footer = ByteBuffer.allocate(16).putLong(count).putLong(revision);
        crc.reset();
        crc.update(footer.array(), 0, 16);
        try {
            out.writeByte(CheckpointFormat.TAG_FOOTER);
            out.writeInt((int) crc.getValue());
            out.write(footer.array());
            out.flush();
        } catch (IOException e) {
            throw new StorageException("cannot write checkpoint", e);
        }
    }
}
