package io.corecache.engine.bitcask;

import io.corecache.engine.FileHandle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** An {@link InputStream} over a {@link FileHandle}'s bytes {@code [from, to)}, for sequential readers. */
final class FileHandleInputStream extends InputStream {

    private final FileHandle file;
    private long position;
    private final long end;

    FileHandleInputStream(FileHandle file, long from, long to) {
        this.file = file;
        this.position = from;
        this.end = to;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (position >= end) {
            return -1;
        }
        int want = (int) Math.min(len, end - position);
        int n = file.read(ByteBuffer.wrap(b, off, want), position);
        if (n > 0) {
            position += n;
        }
        return n;
    }
}
