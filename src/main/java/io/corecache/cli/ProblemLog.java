package io.corecache.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a writer process reports what it saw go wrong while it ran (a read that returned a corrupt value,
 * an acknowledged write it could not read back), one line each: {@code lost <what>} or
 * {@code corrupt <what>}. The verifier adds these to its own findings. Lines are appended in one
 * {@code write} call each, so they survive the writer being killed right after.
 */
final class ProblemLog {

    enum Kind { LOST, CORRUPT }

    record Problem(Kind kind, String message) {
    }

    private final Path file;
    private long linesRead;

    ProblemLog(Path dir) {
        this.file = dir.resolve("problems.log");
    }

    synchronized void report(Kind kind, String message) {
        String line = kind.name().toLowerCase(java.util.Locale.ROOT) + " " + message.replace('\n', ' ') + "\n";
        try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) {
            out.write(line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Problems reported since the last call. */
    List<Problem> readNew() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<Problem> problems = new ArrayList<>();
            for (long i = linesRead; i < lines.size(); i++) {
                String line = lines.get((int) i);
                Kind kind = line.startsWith("lost ") ? Kind.LOST : Kind.CORRUPT;
                problems.add(new Problem(kind, line.substring(line.indexOf(' ') + 1)));
            }
            linesRead = lines.size();
            return problems;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
