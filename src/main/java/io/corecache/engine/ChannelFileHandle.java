package io.corecache.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A file read with {@code pread} and appended with {@code write}: one system call per operation. Calls run
 * with the interrupt flag lowered ({@link Uninterruptibly}).
 */
final class ChannelFileHandle implements FileHandle {

    private final Path path;
    private final FileChannel channel;

    ChannelFileHandle(Path path, FileChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
        channel.position(channel.size());
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return Uninterruptibly.call(() -> channel.read(dst, position));
    }

    @Override
    public void append(ByteBuffer src) throws IOException {
        Uninterruptibly.run(() -> {
            while (src.hasRemaining()) {
                channel.write(src);
            }
        });
    }

    @Override
    public void sync() throws IOException {
        Uninterruptibly.run(() -> channel.force(false));
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public void truncate(long size) throws IOException {
        Uninterruptibly.run(() -> {
            channel.truncate(size);
            channel.position(size);
        });
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
