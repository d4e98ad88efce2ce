package io.corecache.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Scratch directories for stores under test. They go under the directory named by the system property
 * {@value #PROPERTY} (default: {@code java.io.tmpdir}), so a run can be pointed at the disk being measured;
 * on a tmpfs {@code /tmp} an fsync costs nothing and the sync benchmarks would mean nothing.
 */
final class BenchDirs {

    static final String PROPERTY = "corecache.bench.dir";

    private BenchDirs() {
    }

    /** A new, empty directory named {@code prefix...}. */
    static Path create(String prefix) {
        try {
            Path parent = Path.of(System.getProperty(PROPERTY, System.getProperty("java.io.tmpdir")));
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code dir} and everything in it; a missing directory is fine. */
    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes of the regular files under {@code dir}. */
    static long size(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
