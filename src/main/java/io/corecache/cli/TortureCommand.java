package io.corecache.cli;

import io.corecache.engine.CorruptionException;
import io.corecache.engine.Durability;
import io.corecache.engine.StorageEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * {@code corecache torture}: kills a writer process with SIGKILL again and again, and after every kill checks
 * that the store still holds every acknowledged write and serves nothing corrupt.
 *
 * <p>Each round starts a {@link WriterProcess} (a new generation), waits until it is writing, lets it write
 * for a random 0.3 to 2 s, kills it, then opens the store in this process (which runs crash recovery) and
 * has the {@link TortureVerifier} compare it with the ack logs. Verifying here, with no writer alive, keeps
 * the verifier independent of the code it checks and lets every kill be checked before the next writer
 * can overwrite its evidence. The run stops at the first round that finds a problem and keeps the directory.
 *
 * <p>Prints one summary line on standard output; progress and problems go to standard error.
 * Exit codes: 0 nothing lost or corrupt; 1 something was; 2 the run could not be completed (a writer
 * failed by itself, the store would not open, a usage error).
 */
@Command(name = "torture", sortOptions = false,
        description = {
                "Crash-test a storage engine: a writer process does concurrent puts, deletes and batches, is killed "
                        + "with SIGKILL at random moments and restarted; after every kill each acknowledged write "
                        + "must still be there (or superseded by a later write) and nothing corrupt may be served.",
                "Prints one line: torture engine=E durability=D crashes=N acked=N verified=N lost=N corrupt=N"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:nothing lost or corrupt", "1:acknowledged writes were lost or corrupt data was served",
                "2:the run could not be completed (see the message)"})
public final class TortureCommand implements java.util.concurrent.Callable<Integer> {

    static final int EXIT_LOST_OR_CORRUPT = 1;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(names = "--engine", defaultValue = "bitcask", paramLabel = "ENGINE",
            description = "Engine to torture: bitcask or lsm (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--seconds", defaultValue = "60", paramLabel = "N",
            description = "How long to keep killing and restarting the writer (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "An empty or new directory for the store and the logs (default: a fresh temporary "
                    + "directory, deleted afterwards unless --keep is given or the run fails).")
    Path dir;

    @Option(names = "--durability", defaultValue = "sync", paramLabel = "MODE",
            description = "sync, interval or none (default: ${DEFAULT-VALUE}). A process kill keeps what the "
                    + "kernel holds, so every mode must keep every acknowledged write.")
    String durability;

    @Option(names = "--keep", description = "Keep the temporary directory after a successful run.")
    boolean keep;

    @Option(names = "--threads", defaultValue = "4", paramLabel = "N",
            description = "Writer threads, each owning its own keys (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--keys-per-thread", defaultValue = "100", paramLabel = "N",
            description = "Keys each thread overwrites and deletes over and over (default: ${DEFAULT-VALUE}).")
    int keysPerThread;

    @Option(names = "--max-file-bytes", defaultValue = "4194304", paramLabel = "BYTES",
            description = "Bitcask data-file size; small, so rollovers, hint files and merges happen during "
                    + "the run (default: ${DEFAULT-VALUE}).")
    long maxFileBytes;

    @Option(names = "--min-kill-ms", defaultValue = "300", paramLabel = "MS",
            description = "Shortest time a writer runs before it is killed (default: ${DEFAULT-VALUE}).")
    int minKillMillis;

    @Option(names = "--max-kill-ms", defaultValue = "2000", paramLabel = "MS",
            description = "Longest time a writer runs before it is killed (default: ${DEFAULT-VALUE}).")
    int maxKillMillis;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed for the workload and the kill times (default: random, printed at the start).")
    Long seed;

    @Option(names = {"-v", "--verbose"}, description = "Print a line on standard error after every kill.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        TortureStore store = store();
        TortureWorkload workload = workload();
        if (seconds < 1 || minKillMillis < 1 || maxKillMillis < minKillMillis) {
            throw new ParameterException(spec.commandLine(),
                    "need --seconds >= 1 and 1 <= --min-kill-ms <= --max-kill-ms");
        }
        long runSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        boolean temporary = dir == null;
        Path runDir = temporary ? Files.createTempDirectory("corecache-torture-") : prepare(dir);
        PrintWriter err = spec.commandLine().getErr();
        err.printf("torture: dir=%s seed=%d%n", runDir, runSeed);
        err.flush();

        Run run = new Run(store, workload, runDir, runSeed);
        run.execute(Duration.ofSeconds(seconds));

        spec.commandLine().getOut().println(run.summary());
        spec.commandLine().getOut().flush();
        boolean passed = run.report.passed() && run.error == null;
        if (!run.report.passed()) {
            run.report.problems().forEach(problem -> err.println("torture: " + problem));
        }
        if (run.error != null) {
            err.println("torture: " + run.error);
        }
        if (passed && temporary && !keep) {
            deleteRecursively(runDir);
        } else if (!passed) {
            err.println("torture: kept " + runDir + " (store/, acks/, writer.log, seed " + runSeed + ")");
        }
        err.flush();
        return passed ? 0 : run.report.passed() ? Main.EXIT_ERROR : EXIT_LOST_OR_CORRUPT;
    }

    /** One torture run: the rounds of start, kill, verify, and what they found. */
    private final class Run {
        final TortureStore store;
        final TortureWorkload workload;
        final Path dir;
        final Random random;
        final TortureVerifier verifier;
        final VerificationReport report = new VerificationReport();
        final long seed;
        int crashes;
        String error;

        Run(TortureStore store, TortureWorkload workload, Path dir, long seed) {
            this.store = store;
            this.workload = workload;
            this.dir = dir;
            this.seed = seed;
            this.random = new Random(seed);
            this.verifier = new TortureVerifier(dir, workload);
        }

        void execute(Duration duration) {
            long deadline = System.nanoTime() + duration.toNanos();
            int generation = 0;
            try {
                do {
                    generation++;
                    if (!round(generation)) {
                        return;
                    }
                } while (System.nanoTime() < deadline);
            } catch (RuntimeException e) {
                error = (error == null ? "" : error + "; then ") + "round " + generation + " failed: " + e;
            }
        }

        /** Runs one writer generation to its kill and verifies; false if the run must stop. */
        private boolean round(int generation) {
            WriterProcess writer = WriterProcess.start(dir, store, workload, generation, verifier.nextRevision(), seed);
            Duration lifetime = Duration.ofMillis(minKillMillis + random.nextInt(maxKillMillis - minKillMillis + 1));
            boolean ready = writer.awaitReady(READY_TIMEOUT);
            if (ready) {
                writer.waitForExit(lifetime);
            }
            boolean killed = writer.kill();
            if (killed && ready) {
                crashes++;
            } else {
                // Said before verifying, so the writer's own account survives a store that will not open.
                error = "writer generation " + generation + (killed ? " did not open the store within " + READY_TIMEOUT
                        : " exited by itself with code " + writer.exitCode()) + "; its output is in "
                        + TortureLayout.writerOutput(dir) + lastLines(TortureLayout.writerOutput(dir));
            }
            VerificationReport round = verify();
            report.add(round);
            if (verbose) {
                spec.commandLine().getErr().printf("torture: generation %d killed after %d ms: %d writes acknowledged,"
                                + " %d key checks passed, lost=%d corrupt=%d%n", generation, lifetime.toMillis(),
                        round.acked(), round.verified(), round.lost(), round.corrupt());
                spec.commandLine().getErr().flush();
            }
            return error == null && round.passed();
        }

        /** Opens the store (crash recovery runs here), checks it against the logs, and closes it. */
        private VerificationReport verify() {
            try (StorageEngine engine = store.open(TortureLayout.store(dir))) {
                return verifier.verify(engine);
            } catch (CorruptionException e) {
                VerificationReport failed = new VerificationReport();
                failed.corrupt("the store does not open after a crash: " + e.getMessage());
                return failed;
            }
        }

        String summary() {
            return String.format(Locale.ROOT, "torture engine=%s durability=%s crashes=%d acked=%d verified=%d"
                            + " lost=%d corrupt=%d", store.engine(), store.durability().name().toLowerCase(Locale.ROOT),
                    crashes, report.acked(), report.verified(), report.lost(), report.corrupt());
        }
    }

    private TortureStore store() {
        try {
            return new TortureStore(engine, Durability.parse(durability), maxFileBytes);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private TortureWorkload workload() {
        try {
            return new TortureWorkload(threads, keysPerThread);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The verifier knows only what its own logs say, so the directory must start empty. */
    private Path prepare(Path requested) throws IOException {
        Files.createDirectories(requested);
        try (Stream<Path> entries = Files.list(requested)) {
            if (entries.findAny().isPresent()) {
                throw new ParameterException(spec.commandLine(), "--dir " + requested
                        + " is not empty; torture checks the store only against the logs it writes itself,"
                        + " so it needs an empty or new directory");
            }
        }
        return requested;
    }

    private static String lastLines(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() ? "" : ", ending:\n  "
                    + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
