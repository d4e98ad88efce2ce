package io.corecache.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@link TortureWriter} process: a real JVM, started on this JVM's own Java and class path (so it runs
 * the same code whether torture runs from the jar or from a test), and killed with SIGKILL.
 */
final class WriterProcess {

    /** How Java reports the exit of a process that SIGKILL (signal 9) ended: 128 + 9. */
    private static final int KILLED_BY_SIGKILL = 128 + 9;

    private final Process process;
    private final Path readyMarker;
    private final Thread killOnExit;

    private WriterProcess(Process process, Path readyMarker) {
        this.process = process;
        this.readyMarker = readyMarker;
        // If this JVM is stopped (Ctrl-C), do not leave a writer running against the store.
        this.killOnExit = new Thread(process::destroyForcibly, "torture-writer-cleanup");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    static WriterProcess start(Path dir, TortureStore store, TortureWorkload workload, int generation,
                               long firstRevision, long seed) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m"));
        // Pass on the launcher's JVM flags that silence the file-mapping release warning on new JDKs.
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> arg.startsWith("--sun-misc-unsafe-memory-access"))
                .forEach(command::add);
        command.addAll(List.of(
                "-cp", System.getProperty("java.class.path"),
                TortureWriter.class.getName(),
                "--dir", dir.toString(),
                "--engine", store.engine(),
                "--durability", store.durability().name().toLowerCase(java.util.Locale.ROOT),
                "--max-file-bytes", Long.toString(store.maxFileBytes()),
                "--threads", Integer.toString(workload.threads()),
                "--keys-per-thread", Integer.toString(workload.keysPerThread()),
                "--generation", Integer.toString(generation),
                "--first-revision", Long.toString(firstRevision),
                "--seed", Long.toString(seed)));
        Path output = TortureLayout.writerOutput(dir);
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            return new WriterProcess(process, TortureLayout.readyMarker(dir, generation));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the torture writer: " + String.join(" ", command), e);
        }
    }

    /** Waits until the writer has opened the store and started writing; false if it died or took too long. */
    boolean awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(readyMarker)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                return false;
            }
            waitForExit(Duration.ofMillis(10));
        }
        return true;
    }

    /** Waits up to {@code duration}; true if the writer exited by itself meanwhile. */
    boolean waitForExit(Duration duration) {
        try {
            return process.waitFor(duration.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted", e);
        }
    }

    /**
     * Sends SIGKILL (what {@link Process#destroyForcibly()} does on Linux) and waits until the process is
     * gone, so every write it made is in the kernel's hands before anyone reads the files.
     *
     * @return true if SIGKILL ended it; false if it had exited by itself (see {@link #exitCode()})
     */
    boolean kill() {
        process.destroyForcibly();
        boolean interrupted = false;
        while (true) {
            try {
                process.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the process must be gone before we return, or it could still be writing
            }
        }
        try {
            Files.deleteIfExists(readyMarker);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway and finds nothing to kill
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return process.exitValue() == KILLED_BY_SIGKILL;
    }

    int exitCode() {
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }
}
