package io.corecache.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * The file system as is, but {@code fsync} of files and directories does nothing: for long tests that never
 * lose power and reopen only after a clean close, where fsyncs would be most of the time and prove nothing.
 */
public record NoFsyncFileOps(FileOps disk) implements FileOps {

    @Override
    public FileHandle openRead(Path file) throws IOException {
        return new Handle(disk.openRead(file));
    }

    @Override
    public FileHandle create(Path file) throws IOException {
        return new Handle(disk.create(file));
    }

    @Override
    public FileHandle openAppend(Path file) throws IOException {
        return new Handle(disk.openAppend(file));
    }

    @Override
    public List<String> list(Path dir) throws IOException {
        return disk.list(dir);
    }

    @Override
    public boolean exists(Path file) {
        return disk.exists(file);
    }

    @Override
    public long size(Path file) throws IOException {
        return disk.size(file);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        disk.rename(from, to);
    }

    @Override
    public void delete(Path file) throws IOException {
        disk.delete(file);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        disk.createDirectories(dir);
    }

    @Override
    public void syncDirectory(Path dir) {
    }

    private record Handle(FileHandle file) implements FileHandle {

        @Override
        public Path path() {
            return file.path();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public void append(ByteBuffer src) throws IOException {
            file.append(src);
        }

        @Override
        public void sync() {
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public void finishAppending() throws IOException {
            file.finishAppending();
        }

        @Override
        public void truncate(long size) throws IOException {
            file.truncate(size);
        }

        @Override
        public void readFully(ByteBuffer dst, long position) throws IOException {
            file.readFully(dst, position);
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
