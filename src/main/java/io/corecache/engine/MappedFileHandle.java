package io.corecache.engine;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A file read and appended through memory mappings, as {@link NioFileOps} opens every file.
 *
 * <p>Why: an append becomes a memory copy into the page cache instead of a {@code write} system call,
 * and a read a copy out of it instead of a {@code pread}; both are several times cheaper for small
 * records. The bytes are in the kernel's page cache as soon as they are copied, so a killed process
 * loses nothing; {@link #sync()} is an fdatasync, which writes back pages dirtied through the mapping.
 *
 * <p>Implementation notes: the file is mapped in fixed {@link #CHUNK}-byte windows. A writable file is
 * extended (sparsely) a window at a time, so after a crash it may end in zeros past its last record;
 * readers of data files treat an all-zero tail as the end. {@link #size()} is the logical size (what was
 * appended); {@link #close()} trims the physical file to it. Channel calls run with the interrupt flag
 * lowered ({@link Uninterruptibly}). One thread appends; any number read
 * concurrently, and callers guarantee no read or append is in flight when {@link #close()} runs (the
 * mapping is released then, and touching released memory would crash the JVM).
 */
final class MappedFileHandle implements FileHandle {

    static final int CHUNK_SHIFT = 24;
    static final long CHUNK = 1L << CHUNK_SHIFT;

    private final Path path;
    private final FileChannel channel;
    private final boolean writable;
    private volatile MappedByteBuffer[] chunks;
    private volatile long size;
    private volatile boolean closed;

    MappedFileHandle(Path path, FileChannel channel, boolean writable) throws IOException {
        this.path = path;
        this.channel = channel;
        this.writable = writable;
        this.size = channel.size();
        this.chunks = new MappedByteBuffer[0];
        mapUpTo(size);
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        ensureOpen();
        long end = size;
        if (position >= end) {
            return -1;
        }
        int length = (int) Math.min(dst.remaining(), end - position);
        MappedByteBuffer[] mapped = chunks;
        int done = 0;
        while (done < length) {
            long at = position + done;
            MappedByteBuffer chunk = mapped[(int) (at >>> CHUNK_SHIFT)];
            int inChunk = (int) (at & (CHUNK - 1));
            int n = Math.min(length - done, chunk.capacity() - inChunk);
            if (dst.hasArray()) {
                chunk.get(inChunk, dst.array(), dst.arrayOffset() + dst.position(), n);
                dst.position(dst.position() + n);
            } else {
                dst.put(chunk.slice(inChunk, n));
            }
            done += n;
        }
        return length;
    }

    @Override
    public void append(ByteBuffer src) throws IOException {
        ensureOpen();
        if (!writable) {
            throw new IOException(path + " is open for reading only");
        }
        try {
            appendMapped(src);
        } catch (InternalError e) {
            // A fault writing through the mapping (SIGBUS: the disk is full under a sparse file).
            throw new IOException("cannot write " + path + " through its mapping: " + e.getMessage(), e);
        }
    }

    private void appendMapped(ByteBuffer src) throws IOException {
        long start = size;
        int length = src.remaining();
        mapUpTo(start + length);
        MappedByteBuffer[] mapped = chunks;
        int done = 0;
        while (done < length) {
            long at = start + done;
            MappedByteBuffer chunk = mapped[(int) (at >>> CHUNK_SHIFT)];
            int inChunk = (int) (at & (CHUNK - 1));
            int n = Math.min(length - done, chunk.capacity() - inChunk);
            if (src.hasArray()) {
                chunk.put(inChunk, src.array(), src.arrayOffset() + src.position(), n);
                src.position(src.position() + n);
            } else {
                ByteBuffer part = src.slice(src.position(), n);
                chunk.put(inChunk, part, 0, n);
                src.position(src.position() + n);
            }
            done += n;
        }
        size = start + length;
    }

    @Override
    public void sync() throws IOException {
        ensureOpen();
        // fdatasync also writes back pages dirtied through the mapping, and the size when it grew.
        Uninterruptibly.run(() -> channel.force(false));
    }

    @Override
    public long size() {
        return size;
    }

    /** Trims the physical file to what was appended; the windows past it stay mapped but are never read. */
    @Override
    public void finishAppending() throws IOException {
        ensureOpen();
        if (writable && channel.size() > size) {
            Uninterruptibly.run(() -> channel.truncate(size));
        }
    }

    @Override
    public void truncate(long newSize) throws IOException {
        ensureOpen();
        if (newSize > size) {
            throw new IOException("cannot truncate " + path + " to " + newSize + ": it is " + size + " bytes");
        }
        size = newSize;
        if (!writable) {
            return;
        }
        // Cut the file, then extend it sparsely again to the mapped length: the cut bytes read as zeros
        // without being written, and appends into the mapping stay within the file (no SIGBUS).
        long mappedLength = (long) chunks.length * CHUNK;
        Uninterruptibly.run(() -> {
            channel.truncate(newSize);
            if (mappedLength > newSize) {
                channel.write(ByteBuffer.wrap(new byte[1]), mappedLength - 1);
            }
            channel.force(false);
        });
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        MappedByteBuffer[] mapped = chunks;
        chunks = new MappedByteBuffer[0];
        for (MappedByteBuffer chunk : mapped) {
            Unmapper.unmap(chunk);
        }
        try {
            if (writable && channel.size() > size) {
                Uninterruptibly.run(() -> channel.truncate(size));
            }
        } finally {
            channel.close();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    /** Maps (and for a writable file, extends) the file so {@code [0, end)} is mapped. */
    private void mapUpTo(long end) throws IOException {
        Uninterruptibly.run(() -> mapUpToInterruptibly(end));
    }

    private void mapUpToInterruptibly(long end) throws IOException {
        MappedByteBuffer[] mapped = chunks;
        int needed = (int) ((end + CHUNK - 1) >>> CHUNK_SHIFT);
        if (needed <= mapped.length && (mapped.length == 0 || lastChunkCovers(mapped, end))) {
            return;
        }
        MappedByteBuffer[] grown = java.util.Arrays.copyOf(mapped, Math.max(needed, mapped.length));
        if (writable) {
            long physical = (long) needed * CHUNK;
            if (channel.size() < physical) {
                channel.write(ByteBuffer.wrap(new byte[1]), physical - 1); // sparse extension
            }
            for (int i = 0; i < needed; i++) {
                if (grown[i] == null) {
                    grown[i] = channel.map(FileChannel.MapMode.READ_WRITE, (long) i << CHUNK_SHIFT, CHUNK);
                }
            }
        } else {
            for (int i = 0; i < needed; i++) {
                long start = (long) i << CHUNK_SHIFT;
                long length = Math.min(CHUNK, end - start);
                if (grown[i] == null || grown[i].capacity() < length) {
                    grown[i] = channel.map(FileChannel.MapMode.READ_ONLY, start, length);
                }
            }
        }
        chunks = grown;
    }

    private static boolean lastChunkCovers(MappedByteBuffer[] mapped, long end) {
        long lastStart = (long) (mapped.length - 1) << CHUNK_SHIFT;
        return lastStart + mapped[mapped.length - 1].capacity() >= end;
    }

    /**
     * Releases a mapping now instead of when the garbage collector finds it, so a deleted file's space is
     * freed promptly. Java 17 has no public API for it; {@code sun.misc.Unsafe.invokeCleaner} is the
     * supported escape hatch (module jdk.unsupported). Without it the collector unmaps later.
     */
    private static final class Unmapper {
        private static final Object UNSAFE;
        private static final Method INVOKE_CLEANER;

        static {
            Object unsafe = null;
            Method invoke = null;
            try {
                Class<?> type = Class.forName("sun.misc.Unsafe");
                Field field = type.getDeclaredField("theUnsafe");
                field.setAccessible(true);
                unsafe = field.get(null);
                invoke = type.getMethod("invokeCleaner", ByteBuffer.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                unsafe = null;
                invoke = null;
            }
            UNSAFE = unsafe;
            INVOKE_CLEANER = invoke;
        }

        static void unmap(MappedByteBuffer buffer) {
            if (INVOKE_CLEANER != null) {
                try {
                    INVOKE_CLEANER.invoke(UNSAFE, buffer);
                } catch (ReflectiveOperationException | RuntimeException ignored) {
                    // fall back to the garbage collector
                }
            }
        }
    }
}
