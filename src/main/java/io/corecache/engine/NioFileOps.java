package io.corecache.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@link FileOps} on the real file system, through memory mappings or plain channel reads and writes. */
final class NioFileOps implements FileOps {

    private final boolean mapped;

    NioFileOps(boolean mapped) {
        this.mapped = mapped;
    }

    @Override
    public FileHandle openRead(Path file) throws IOException {
        return open(file, false, StandardOpenOption.READ);
    }

    @Override
    public FileHandle create(Path file) throws IOException {
        return open(file, true, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    @Override
    public FileHandle openAppend(Path file) throws IOException {
        return open(file, true, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private FileHandle open(Path file, boolean writable, StandardOpenOption... modes) throws IOException {
        FileChannel channel = FileChannel.open(file, modes);
        try {
            return mapped ? new MappedFileHandle(file, channel, writable) : new ChannelFileHandle(file, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public List<String> list(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> names.add(p.getFileName().toString()));
        }
        return names;
    }

    @Override
    public boolean exists(Path file) {
        return Files.exists(file);
    }

    @Override
    public long size(Path file) throws IOException {
        return Files.size(file);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void delete(Path file) throws IOException {
        try {
            Files.delete(file);
        } catch (NoSuchFileException ignored) {
            // already gone: deleting is idempotent
        }
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        Files.createDirectories(dir);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        // On Linux a directory opened for reading can be fsynced, which makes its entries durable.
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
