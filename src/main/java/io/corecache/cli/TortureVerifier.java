package io.corecache.cli;

import io.corecache.engine.Bytes;
import io.corecache.engine.CorruptionException;
import io.corecache.engine.Entry;
import io.corecache.engine.RangeCursor;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.Versioned;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks a store against the ack logs of the writers that wrote it. Run it after every writer crash, with no
 * writer alive, on the store reopened (so crash recovery has run).
 *
 * <p>Implementation notes. The verifier keeps a model: for every key, the state the settled writes left
 * (a {@link TortureValue}, or null for absent). A write is settled once it is acknowledged, or once a
 * verification has seen whether it was applied. Each verification reads the writes logged since the last
 * one; acknowledged writes update the model. Because every key belongs to one thread and a thread has at
 * most one write in flight, a key may legitimately hold exactly two states: the model's, or, if the
 * thread's in-flight write touches it, that write's. Anything else is a problem:
 * <ul>
 *   <li>lost: the key holds an older write of its own, or is absent where a value was acknowledged (or
 *       holds a value where a delete was acknowledged), or {@code appliedRevision()} went below an
 *       acknowledged revision;</li>
 *   <li>corrupt: a read threw {@link CorruptionException}; a value is not byte-for-byte a value some write
 *       stored under that key with that revision; a value no logged write produced; an in-flight batch
 *       whose effects are visible on some keys and not on others (batches are all or nothing); a scan out
 *       of order, with stray keys, or disagreeing with {@code get}.</li>
 * </ul>
 * After the check the in-flight write is settled either way (applied if any key shows it), so the next
 * verification holds the engine to that outcome: a write seen once must not disappear later.
 */
final class TortureVerifier {

    private final TortureWorkload workload;
    private final AckLogReader[] logs;
    private final ProblemLog writerProblems;
    /** model[thread][n]: the state the settled writes left key n of that thread in; null = absent. */
    private final TortureValue[][] model;
    private final WriteId[] lastLogged;
    private long maxAckedRevision;
    private long maxLoggedRevision;
    private long maxAppliedRevision;

    TortureVerifier(Path dir, TortureWorkload workload) {
        this.workload = workload;
        this.logs = new AckLogReader[workload.threads()];
        this.model = new TortureValue[workload.threads()][workload.keysPerThread()];
        this.lastLogged = new WriteId[workload.threads()];
        for (int thread = 0; thread < workload.threads(); thread++) {
            logs[thread] = new AckLogReader(TortureLayout.ackLogs(dir), thread);
        }
        this.writerProblems = new ProblemLog(dir);
    }

    /** A revision above every revision any writer used or the engine holds: where the next writer starts. */
    long nextRevision() {
        return Math.max(maxLoggedRevision, maxAppliedRevision) + 1;
    }

    VerificationReport verify(StorageEngine engine) {
        VerificationReport report = new VerificationReport();
        for (ProblemLog.Problem problem : writerProblems.readNew()) {
            if (problem.kind() == ProblemLog.Kind.LOST) {
                report.lost("(seen by the writer) " + problem.message());
            } else {
                report.corrupt("(seen by the writer) " + problem.message());
            }
        }
        Map<TortureKey, Observation> observed = new HashMap<>();
        for (int thread = 0; thread < workload.threads(); thread++) {
            LoggedWrite inFlight = readLog(thread, report);
            for (int n = 0; n < workload.keysPerThread(); n++) {
                TortureKey key = new TortureKey(thread, n);
                observed.put(key, Observation.of(engine, key));
            }
            checkThread(thread, inFlight, observed, report);
        }
        checkScan(engine, observed, report);
        checkAppliedRevision(engine, report);
        return report;
    }

    /** Applies the newly acknowledged writes to the model; returns the write in flight, if any. */
    private LoggedWrite readLog(int thread, VerificationReport report) {
        LoggedWrite inFlight = null;
        List<LoggedWrite> writes = logs[thread].readNew();
        for (LoggedWrite write : writes) {
            maxLoggedRevision = Math.max(maxLoggedRevision, write.revision());
            lastLogged[thread] = write.id();
            if (write.acked()) {
                apply(write);
                report.acked(1);
            } else {
                inFlight = write;
            }
        }
        return inFlight;
    }

    private void apply(LoggedWrite write) {
        for (LoggedWrite.Effect effect : write.effects()) {
            model[write.thread()][effect.n()] = write.stateOf(effect);
        }
        maxAckedRevision = Math.max(maxAckedRevision, write.revision());
    }

    private void checkThread(int thread, LoggedWrite inFlight, Map<TortureKey, Observation> observed,
                             VerificationReport report) {
        Map<Integer, TortureValue> inFlightStates = new HashMap<>();
        if (inFlight != null) {
            inFlight.effects().forEach(effect -> inFlightStates.put(effect.n(), inFlight.stateOf(effect)));
        }
        boolean shownApplied = false;
        boolean shownNotApplied = false;
        int passed = 0;
        int passedInFlightKeys = 0;
        for (int n = 0; n < workload.keysPerThread(); n++) {
            TortureKey key = new TortureKey(thread, n);
            Observation seen = observed.get(key);
            if (seen.corruption() != null) {
                report.corrupt(key + ": " + seen.corruption());
                continue;
            }
            TortureValue settled = model[thread][n];
            boolean touched = inFlightStates.containsKey(n);
            boolean asSettled = Objects.equals(seen.value(), settled);
            boolean asInFlight = touched && Objects.equals(seen.value(), inFlightStates.get(n));
            if (asSettled || asInFlight) {
                passed++;
                passedInFlightKeys += touched ? 1 : 0;
                shownApplied |= asInFlight && !asSettled;
                shownNotApplied |= touched && asSettled && !asInFlight;
            } else {
                reportUnexpected(key, seen.value(), settled, inFlight, report);
                model[thread][n] = seen.value();
            }
        }
        if (shownApplied && shownNotApplied) {
            report.corrupt("thread " + thread + "'s in-flight " + inFlight
                    + " is visible on some of its keys and not on others: a batch must be all or nothing");
            passed -= passedInFlightKeys;
            // Hold later verifications to what is actually there, so this is reported once.
            for (LoggedWrite.Effect effect : inFlight.effects()) {
                model[thread][effect.n()] = observed.get(new TortureKey(thread, effect.n())).value();
            }
        } else if (shownApplied) {
            apply(inFlight);
        }
        report.verified(passed);
    }

    private void reportUnexpected(TortureKey key, TortureValue seen, TortureValue settled, LoggedWrite inFlight,
                                  VerificationReport report) {
        String expected = "expected " + describe(settled) + (inFlight == null ? "" : " (or the effect of in-flight "
                + inFlight + ")");
        if (seen != null && isAfter(seen.id(), lastLogged[key.thread()])) {
            report.corrupt(key + " holds " + describe(seen) + ", which no logged write produced; " + expected);
        } else {
            report.lost(key + " holds " + describe(seen) + "; " + expected);
        }
    }

    /** With no writer running, a full scan must return exactly what {@code get} returns, in key order. */
    private void checkScan(StorageEngine engine, Map<TortureKey, Observation> observed, VerificationReport report) {
        Set<TortureKey> scanned = new HashSet<>();
        try (RangeCursor cursor = engine.scan(null, null, Integer.MAX_VALUE)) {
            byte[] previous = null;
            while (cursor.hasNext()) {
                Entry entry = cursor.next();
                if (previous != null && Bytes.compare(previous, entry.key()) >= 0) {
                    report.corrupt("scan returned " + Bytes.printable(entry.key()) + " after "
                            + Bytes.printable(previous));
                }
                previous = entry.key();
                TortureKey key = TortureKey.parse(entry.key());
                if (key == null || !workload.contains(key)) {
                    report.corrupt("scan returned a key no writer wrote: " + Bytes.printable(entry.key()));
                    continue;
                }
                scanned.add(key);
                Observation byGet = observed.get(key);
                if (byGet.corruption() != null) {
                    continue; // already counted, from get
                }
                if (byGet.version() == null || !Arrays.equals(byGet.version().value(), entry.version().value())
                        || byGet.version().revision() != entry.version().revision()) {
                    report.corrupt("scan and get disagree on " + key + ": scan " + entry.version() + ", get "
                            + byGet.version());
                }
            }
        } catch (CorruptionException e) {
            report.corrupt("full scan: " + e.getMessage());
            return;
        }
        observed.forEach((key, byGet) -> {
            if (byGet.corruption() == null && byGet.version() != null && !scanned.contains(key)) {
                report.corrupt("get finds " + key + " but a full scan skips it");
            }
        });
    }

    private void checkAppliedRevision(StorageEngine engine, VerificationReport report) {
        long applied = engine.appliedRevision();
        maxAppliedRevision = Math.max(maxAppliedRevision, applied);
        if (applied < maxAckedRevision) {
            report.lost("appliedRevision() is " + applied + " but revision " + maxAckedRevision + " was acknowledged");
        } else if (applied > maxLoggedRevision) {
            report.corrupt("appliedRevision() is " + applied + " but no write used a revision above "
                    + maxLoggedRevision);
        }
    }

    private static boolean isAfter(WriteId id, WriteId last) {
        return last == null || id.generation() > last.generation()
                || (id.generation() == last.generation() && id.seq() > last.seq());
    }

    private static String describe(TortureValue state) {
        return state == null ? "nothing (absent)"
                : "the value of write " + state.id() + " (r=" + state.revision() + ")";
    }

    /**
     * What {@code get} returned for a key: nothing, a well-formed value of that key, or something corrupt.
     *
     * @param version    what get returned (null if absent or if the read failed)
     * @param value      the write the value names (null if absent or corrupt)
     * @param corruption why it is corrupt, or null
     */
    record Observation(Versioned version, TortureValue value, String corruption) {

        static Observation of(StorageEngine engine, TortureKey key) {
            Versioned version;
            try {
                version = engine.get(key.bytes());
            } catch (CorruptionException e) {
                return new Observation(null, null, "get threw " + e.getMessage());
            }
            if (version == null) {
                return new Observation(null, null, null);
            }
            String problem = TortureValue.check(key, version);
            return problem != null ? new Observation(version, null, problem)
                    : new Observation(version, TortureValue.parse(version.value()), null);
        }
    }
}
