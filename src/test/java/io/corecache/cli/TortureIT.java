package io.corecache.cli;

import io.corecache.engine.Durability;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.WriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code corecache torture} as a user runs it (writer processes are real JVMs killed with SIGKILL), and its
 * verifier shown to catch the problems it exists to catch: a verifier that cannot fail proves nothing.
 */
class TortureIT {

    private static final Pattern SUMMARY = Pattern.compile("torture engine=(bitcask|lsm) durability=sync crashes=(\\d+)"
            + " acked=(\\d+) verified=(\\d+) lost=(\\d+) corrupt=(\\d+)");
    private static final TortureWorkload WORKLOAD = new TortureWorkload(2, 10);
    private static final TortureStore STORE = new TortureStore("bitcask", Durability.SYNC, 1L << 20);

    @Test
    void helpListsTheTortureCommand() {
        Result result = run("--help");

        assertEquals(0, result.exitCode);
        assertTrue(result.out.contains("torture"), result.out);
    }

    @Test
    void tortureRefusesAnEngineItCannotOpen() {
        Result result = run("torture", "--engine", "rocksdb", "--seconds", "1");

        assertEquals(2, result.exitCode);
        assertTrue(result.err.contains("engine 'rocksdb' is not available for torture; available: bitcask, lsm"),
                result.err);
    }

    @Test
    void aShortTortureRunOfBitcaskLosesNothingAcrossRepeatedKills(@TempDir Path tmp) {
        assertShortRunLosesNothing("bitcask", tmp);
    }

    @Test
    void aShortTortureRunOfTheLsmEngineLosesNothingAcrossRepeatedKills(@TempDir Path tmp) {
        assertShortRunLosesNothing("lsm", tmp);
    }

    private static void assertShortRunLosesNothing(String engine, Path tmp) {
        Result result = run("torture", "--engine", engine, "--seconds", "15", "--dir", tmp.resolve("run").toString(),
                "--verbose");
        System.out.print(result.err + result.out); // the run's story, in the failsafe report

        List<String> lines = result.out.lines().toList();
        assertEquals(1, lines.size(), "exactly one summary line; got:\n" + result.out + "\nstderr:\n" + result.err);
        Matcher summary = SUMMARY.matcher(lines.get(0));
        assertTrue(summary.matches(), lines.get(0));
        assertEquals(0, result.exitCode, result.out + result.err);
        assertEquals(engine, summary.group(1), lines.get(0));
        assertTrue(Long.parseLong(summary.group(2)) >= 2, "crashes: " + lines.get(0));
        assertTrue(Long.parseLong(summary.group(3)) > 0, "acked: " + lines.get(0));
        assertTrue(Long.parseLong(summary.group(4)) > 0, "verified: " + lines.get(0));
        assertEquals("0", summary.group(5), "lost: " + result.err);
        assertEquals("0", summary.group(6), "corrupt: " + result.err);
    }

    @Test
    void verifierReportsAnAcknowledgedWriteMissingFromTheStore(@TempDir Path dir) throws Exception {
        LoggedWrite missing = put(0, 3, 1, 1);
        LoggedWrite present = put(1, 5, 1, 2);
        log(dir, missing, true);
        log(dir, present, true);

        VerificationReport report;
        try (StorageEngine engine = STORE.open(TortureLayout.store(dir))) {
            store(engine, present);
            report = new TortureVerifier(dir, WORKLOAD).verify(engine);
        }

        assertEquals(1, report.lost(), report.problems().toString());
        assertEquals(0, report.corrupt(), report.problems().toString());
        assertEquals(2, report.acked());
        assertEquals(WORKLOAD.keys() - 1, report.verified());
    }

    @Test
    void verifierReportsAValueServedUnderTheWrongKey(@TempDir Path dir) throws Exception {
        LoggedWrite write = put(0, 3, 1, 1);
        log(dir, write, true);

        VerificationReport report;
        try (StorageEngine engine = STORE.open(TortureLayout.store(dir))) {
            byte[] otherKeysValue = new TortureValue(new TortureKey(0, 4), 1, 1, 1).bytes();
            engine.put(new TortureKey(0, 3).bytes(), otherKeysValue, 1);
            report = new TortureVerifier(dir, WORKLOAD).verify(engine);
        }

        assertEquals(1, report.corrupt(), report.problems().toString());
        assertEquals(0, report.lost(), report.problems().toString());
    }

    @Test
    void verifierReportsAnInFlightBatchAppliedOnlyInPart(@TempDir Path dir) throws Exception {
        LoggedWrite batch = new LoggedWrite(0, new WriteId(1, 1), 1, LoggedWrite.Kind.BATCH,
                List.of(new LoggedWrite.Effect(1, true), new LoggedWrite.Effect(2, true)), false);
        log(dir, batch, false);

        VerificationReport report;
        try (StorageEngine engine = STORE.open(TortureLayout.store(dir))) {
            engine.put(new TortureKey(0, 1).bytes(), batch.stateOf(batch.effects().get(0)).bytes(), 1);
            report = new TortureVerifier(dir, WORKLOAD).verify(engine);
        }

        assertEquals(1, report.corrupt(), report.problems().toString());
        assertEquals(0, report.lost(), report.problems().toString());
    }

    @Test
    void anInFlightWriteMayBeMissingButOnceSeenItMustStay(@TempDir Path dir) throws Exception {
        LoggedWrite batch = new LoggedWrite(0, new WriteId(1, 1), 1, LoggedWrite.Kind.BATCH,
                List.of(new LoggedWrite.Effect(1, true), new LoggedWrite.Effect(2, true)), false);
        log(dir, batch, false);
        TortureVerifier verifier = new TortureVerifier(dir, WORKLOAD);

        try (StorageEngine engine = STORE.open(TortureLayout.store(dir))) {
            VerificationReport beforeApplied = verifier.verify(engine);
            assertTrue(beforeApplied.passed(), beforeApplied.problems().toString());
        }
        // A new verifier reads the same log and sees the batch applied: also a legitimate outcome.
        TortureVerifier seesItApplied = new TortureVerifier(dir, WORKLOAD);
        try (StorageEngine engine = STORE.open(TortureLayout.store(dir))) {
            store(engine, batch);
            VerificationReport applied = seesItApplied.verify(engine);
            assertTrue(applied.passed(), applied.problems().toString());
            assertEquals(WORKLOAD.keys(), applied.verified());

            // Having been seen, the batch is settled: a later verification that finds it gone reports a loss.
            engine.delete(new TortureKey(0, 2).bytes(), 2);
            log(dir, new LoggedWrite(1, new WriteId(2, 1), 2, LoggedWrite.Kind.DELETE,
                    List.of(new LoggedWrite.Effect(9, false)), true), true);
            VerificationReport later = seesItApplied.verify(engine);
            assertEquals(1, later.lost(), later.problems().toString());
        }
    }

    private static LoggedWrite put(int thread, int n, int generation, long revision) {
        return new LoggedWrite(thread, new WriteId(generation, 1), revision, LoggedWrite.Kind.PUT,
                List.of(new LoggedWrite.Effect(n, true)), true);
    }

    /** Appends the write's intent, and its ack if {@code acked}, as a writer thread would. */
    private static void log(Path dir, LoggedWrite write, boolean acked) throws Exception {
        Files.createDirectories(TortureLayout.ackLogs(dir));
        try (AckLog log = AckLog.append(TortureLayout.ackLogs(dir), write.thread())) {
            log.intent(write);
            if (acked) {
                log.ack(write);
            }
        }
    }

    private static void store(StorageEngine engine, LoggedWrite write) {
        WriteBatch batch = new WriteBatch(write.revision());
        for (LoggedWrite.Effect effect : write.effects()) {
            byte[] key = new TortureKey(write.thread(), effect.n()).bytes();
            if (effect.put()) {
                batch.put(key, write.stateOf(effect).bytes());
            } else {
                batch.delete(key);
            }
        }
        engine.write(batch);
    }

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }
}
