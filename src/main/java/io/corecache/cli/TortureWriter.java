package io.corecache.cli;

import io.corecache.engine.Bytes;
import io.corecache.engine.CorruptionException;
import io.corecache.engine.Durability;
import io.corecache.engine.Entry;
import io.corecache.engine.RangeCursor;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.Versioned;
import io.corecache.engine.WriteBatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process {@code corecache torture} kills: opens the store and writes to it from several threads until
 * SIGKILL arrives, logging every write in its thread's {@link AckLog} before and after the engine call.
 * It never closes the engine; being killed is how it ends.
 *
 * <p>Each thread owns its own keys ({@link TortureKey}) and loops: pick a put, a delete or a batch of 2 to 8
 * of its keys, take the next revision from a counter shared by all threads, log the intent, call the engine,
 * log the ack, then read the keys straight back: its own acknowledged write must be visible at once, which
 * catches a lost write even when a later write would hide it from the verifier.
 * One more thread reads and scans everyone's keys meanwhile, so reads race with writes, rollovers and
 * merges. A read that finds a problem writes it to the {@link ProblemLog} and halts the process, so the
 * verifier sees it next.
 *
 * <p>Started by {@link WriterProcess} as {@code java -cp <classpath> io.corecache.cli.TortureWriter ...};
 * not a user command.
 */
@Command(name = "torture-writer", description = "The writer process corecache torture starts and kills.")
public final class TortureWriter implements Callable<Integer> {

    /** Exit code: a read found a lost or corrupt write (details in the problem log). */
    static final int EXIT_PROBLEM_FOUND = 3;
    /** Exit code: a thread failed (an engine call threw); the stack trace is in the writer's output. */
    static final int EXIT_THREAD_FAILED = 4;
    /** Exit code: the torture process that started this writer is gone. */
    static final int EXIT_ORPHANED = 5;

    private static final int MAX_BATCH = 8;
    private static final long SCAN_EVERY_MILLIS = 100;

    @Option(names = "--dir", required = true)
    Path dir;
    @Option(names = "--engine", required = true)
    String engine;
    @Option(names = "--durability", required = true)
    String durability;
    @Option(names = "--max-file-bytes", required = true)
    long maxFileBytes;
    @Option(names = "--threads", required = true)
    int threads;
    @Option(names = "--keys-per-thread", required = true)
    int keysPerThread;
    @Option(names = "--generation", required = true)
    int generation;
    @Option(names = "--first-revision", required = true)
    long firstRevision;
    @Option(names = "--seed", required = true)
    long seed;

    private StorageEngine store;
    private TortureWorkload workload;
    private ProblemLog problems;

    public static void main(String[] args) {
        // Any failure ends the process at once, as a crash would: no orderly close that could hide a problem.
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            System.err.println("torture writer: thread " + thread.getName() + " failed");
            failure.printStackTrace();
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_THREAD_FAILED);
        });
        Runtime.getRuntime().halt(new CommandLine(new TortureWriter()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        workload = new TortureWorkload(threads, keysPerThread);
        problems = new ProblemLog(dir);
        watchParent();
        Files.createDirectories(TortureLayout.ackLogs(dir));
        long start = System.nanoTime();
        store = new TortureStore(engine, Durability.parse(durability), maxFileBytes).open(TortureLayout.store(dir));
        System.out.printf("torture writer generation %d: store open in %d ms, appliedRevision %d, first revision %d%n",
                generation, (System.nanoTime() - start) / 1_000_000, store.appliedRevision(), firstRevision);
        System.out.flush();

        AtomicLong revisions = new AtomicLong(firstRevision - 1);
        for (int thread = 0; thread < threads; thread++) {
            int owner = thread;
            start("writer-" + thread, () -> write(owner, revisions));
        }
        start("reader", this::read);
        Files.createFile(TortureLayout.readyMarker(dir, generation));
        new CountDownLatch(1).await();
        return 0;
    }

    private static void start(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** A writer thread's loop; ends only when the process is killed. */
    private void write(int thread, AtomicLong revisions) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + generation * 1_009L + thread);
        try (AckLog log = AckLog.append(TortureLayout.ackLogs(dir), thread)) {
            for (long seq = 1; ; seq++) {
                LoggedWrite write = nextWrite(random, thread, seq, revisions.incrementAndGet());
                log.intent(write);
                send(write);
                log.ack(write);
                readBack(write);
            }
        }
    }

    private LoggedWrite nextWrite(SplittableRandom random, int thread, long seq, long revision) {
        WriteId id = new WriteId(generation, seq);
        int choice = random.nextInt(100);
        if (choice < 50) {
            return new LoggedWrite(thread, id, revision, LoggedWrite.Kind.PUT,
                    List.of(new LoggedWrite.Effect(random.nextInt(keysPerThread), true)), false);
        }
        if (choice < 65 || keysPerThread < 2) {
            return new LoggedWrite(thread, id, revision, LoggedWrite.Kind.DELETE,
                    List.of(new LoggedWrite.Effect(random.nextInt(keysPerThread), false)), false);
        }
        int size = 2 + random.nextInt(Math.min(MAX_BATCH, keysPerThread) - 1);
        List<Integer> keys = new ArrayList<>();
        while (keys.size() < size) {
            int n = random.nextInt(keysPerThread);
            if (!keys.contains(n)) {
                keys.add(n);
            }
        }
        List<LoggedWrite.Effect> effects = new ArrayList<>();
        keys.forEach(n -> effects.add(new LoggedWrite.Effect(n, random.nextInt(4) != 0)));
        return new LoggedWrite(thread, id, revision, LoggedWrite.Kind.BATCH, effects, false);
    }

    private void send(LoggedWrite write) {
        switch (write.kind()) {
            case PUT -> {
                LoggedWrite.Effect effect = write.effects().get(0);
                store.put(key(write, effect), write.stateOf(effect).bytes(), write.revision());
            }
            case DELETE -> store.delete(key(write, write.effects().get(0)), write.revision());
            case BATCH -> {
                WriteBatch batch = new WriteBatch(write.revision());
                for (LoggedWrite.Effect effect : write.effects()) {
                    if (effect.put()) {
                        batch.put(key(write, effect), write.stateOf(effect).bytes());
                    } else {
                        batch.delete(key(write, effect));
                    }
                }
                store.write(batch);
            }
        }
    }

    /** Only this thread writes these keys, so what it just wrote must be exactly what it reads. */
    private void readBack(LoggedWrite write) {
        for (LoggedWrite.Effect effect : write.effects()) {
            TortureKey key = new TortureKey(write.thread(), effect.n());
            Versioned version = readChecked(key);
            TortureValue expected = write.stateOf(effect);
            TortureValue found = version == null ? null : TortureValue.parse(version.value());
            if (!Objects.equals(found, expected)) {
                throw fail(ProblemLog.Kind.LOST, "read back " + key + " right after " + write
                        + " was acknowledged: found "
                        + (found == null ? "nothing" : "write " + found.id()) + ", expected "
                        + (expected == null ? "nothing" : "write " + expected.id()));
            }
        }
    }

    /** The reader thread: random gets and periodic full scans of every thread's keys, checking every value. */
    private void read() {
        SplittableRandom random = new SplittableRandom(seed * 7_919L + generation);
        long nextScan = 0;
        while (true) {
            for (int i = 0; i < 20; i++) {
                readChecked(new TortureKey(random.nextInt(threads), random.nextInt(keysPerThread)));
            }
            if (System.currentTimeMillis() >= nextScan) {
                scanChecked();
                nextScan = System.currentTimeMillis() + SCAN_EVERY_MILLIS;
            }
            try {
                Thread.sleep(2); // a steady read load, not a busy loop starving the writers of CPU
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Reads a key; halts the process if what comes back is not a well-formed value of that key. */
    private Versioned readChecked(TortureKey key) {
        Versioned version;
        try {
            version = store.get(key.bytes());
        } catch (CorruptionException e) {
            throw fail(ProblemLog.Kind.CORRUPT, "get " + key + " threw " + e.getMessage());
        }
        String problem = version == null ? null : TortureValue.check(key, version);
        if (problem != null) {
            throw fail(ProblemLog.Kind.CORRUPT, "get " + key + ": " + problem);
        }
        return version;
    }

    private void scanChecked() {
        try (RangeCursor cursor = store.scan(null, null, Integer.MAX_VALUE)) {
            byte[] previous = null;
            while (cursor.hasNext()) {
                Entry entry = cursor.next();
                if (previous != null && Bytes.compare(previous, entry.key()) >= 0) {
                    throw fail(ProblemLog.Kind.CORRUPT, "scan returned " + Bytes.printable(entry.key()) + " after "
                            + Bytes.printable(previous));
                }
                previous = entry.key();
                TortureKey key = TortureKey.parse(entry.key());
                if (key == null || !workload.contains(key)) {
                    throw fail(ProblemLog.Kind.CORRUPT,
                            "scan returned a key no writer wrote: " + Bytes.printable(entry.key()));
                }
                String problem = TortureValue.check(key, entry.version());
                if (problem != null) {
                    throw fail(ProblemLog.Kind.CORRUPT, "scan at " + key + ": " + problem);
                }
            }
        } catch (CorruptionException e) {
            throw fail(ProblemLog.Kind.CORRUPT, "scan threw " + e.getMessage());
        }
    }

    /** Reports a problem and halts the process; never returns (callers throw the result for the compiler). */
    private IllegalStateException fail(ProblemLog.Kind kind, String what) {
        problems.report(kind, "generation " + generation + ": " + what);
        System.err.println("torture writer: " + kind + " " + what);
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_PROBLEM_FOUND);
        return new IllegalStateException(what);
    }

    /** A writer must not outlive the torture run that started it (for instance if that run is killed). */
    private static void watchParent() {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        if (parent == null) {
            return;
        }
        start("parent-watch", () -> {
            while (parent.isAlive()) {
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
            Runtime.getRuntime().halt(EXIT_ORPHANED);
        });
    }

    private static byte[] key(LoggedWrite write, LoggedWrite.Effect effect) {
        return new TortureKey(write.thread(), effect.n()).bytes();
    }
}
