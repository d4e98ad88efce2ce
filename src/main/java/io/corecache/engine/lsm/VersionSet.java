package io.corecache.engine.lsm;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * The current {@link Version} and the engine's counters, plus which older versions readers still hold.
 *
 * <p>Implementation notes: the current state (version and counters together) is one immutable
 * {@link State} in a volatile field, so {@link #current()} and the counter getters never lock. Everything
 * that changes it holds the monitor. An edit is installed in two steps so the manifest can write it in
 * between: {@link #prepare} computes the next state or throws (nothing changes), {@link #install} makes
 * it current, refusing if another edit was installed meanwhile. {@link #newFileNumber()} may run between
 * the two; install keeps the higher counter, so a number is never handed out twice in one process.
 *
 * <p>Reference counting: a reader that needs a stable tree (a snapshot, an iterator) takes a {@link Pin}
 * and closes it when done. {@link #liveTableNumbers()} is every table of the current version or of a
 * pinned one: the engine may delete a table file only once its number has left that set.
 */
final class VersionSet {

    /** A version together with the counters as of the same edit. */
    record State(Version version, long nextFileNumber, long lastSequence, long logNumber, long appliedRevision) {

        /** This whole state as one edit: the first record of every manifest. */
        VersionEdit toEdit() {
            VersionEdit.Builder edit = VersionEdit.builder()
                    .nextFileNumber(nextFileNumber)
                    .lastSequence(lastSequence)
                    .logNumber(logNumber)
                    .appliedRevision(appliedRevision);
            for (int level = 0; level < Version.LEVELS; level++) {
                version.files(level).forEach(edit::addTable);
            }
            return edit.build();
        }
    }

    /** The state an edit leads to, computed before the edit is written; {@link #install} makes it current. */
    record Pending(State base, State next) {
    }

    private volatile State state = new State(Version.EMPTY, 1, 0, 0, 0);

    // Guarded by "this": how many open pins each version has.
    private final Map<Version, Integer> pins = new IdentityHashMap<>();

    Version current() {
        return state.version();
    }

    State state() {
        return state;
    }

    /** The lowest file number not yet handed out. */
    long nextFileNumber() {
        return state.nextFileNumber();
    }

    long lastSequence() {
        return state.lastSequence();
    }

    long logNumber() {
        return state.logNumber();
    }

    long appliedRevision() {
        return state.appliedRevision();
    }

    /**
     * Hands out a file number for a new table or log. It is durable once the next edit is logged (the
     * manifest records the counter with every edit); after a crash before that, a file with that number
     * is unreferenced leftover and the engine deletes it on open.
     */
    synchronized long newFileNumber() {
        State now = state;
        state = new State(now.version(), now.nextFileNumber() + 1, now.lastSequence(), now.logNumber(),
                now.appliedRevision());
        return now.nextFileNumber();
    }

    /**
     * The state {@code edit} leads to, without installing it. Throws {@link IllegalArgumentException} if
     * the edit does not apply ({@link Version#apply}) or moves {@code lastSequence}, {@code logNumber} or
     * {@code appliedRevision} backwards. {@code nextFileNumber} only grows: it becomes the highest of its
     * current value, the edit's, and one past every added table's number.
     */
    synchronized Pending prepare(VersionEdit edit) {
        State now = state;
        Version version = now.version().apply(edit);
        long next = Math.max(now.nextFileNumber(), edit.nextFileNumber().orElse(0));
        for (TableFile table : edit.added()) {
            next = Math.max(next, table.number() + 1);
        }
        State after = new State(version, next,
                forward("lastSequence", now.lastSequence(), edit.lastSequence()),
                forward("logNumber", now.logNumber(), edit.logNumber()),
                forward("appliedRevision", now.appliedRevision(), edit.appliedRevision()));
        return new Pending(now, after);
    }

    private static long forward(String counter, long now, OptionalLong edited) {
        if (edited.isPresent() && edited.getAsLong() < now) {
            throw new IllegalArgumentException(counter + " would go back from " + now + " to " + edited.getAsLong());
        }
        return edited.orElse(now);
    }

    /** Makes a prepared state current; throws {@link IllegalStateException} if another edit came in between. */
    synchronized Version install(Pending pending) {
        State now = state;
        if (now.version() != pending.base().version()) {
            throw new IllegalStateException("the version changed since this edit was prepared");
        }
        State next = pending.next();
        state = new State(next.version(), Math.max(next.nextFileNumber(), now.nextFileNumber()),
                next.lastSequence(), next.logNumber(), next.appliedRevision());
        return next.version();
    }

    /** Applies {@code edit} in memory only (the manifest replays with it, and logs through prepare/install). */
    synchronized Version apply(VersionEdit edit) {
        return install(prepare(edit));
    }

    /** The current state as one edit (see {@link State#toEdit()}). */
    VersionEdit fullStateEdit() {
        return state.toEdit();
    }

    /** Pins the current version: its tables stay live until the pin is closed. */
    synchronized Pin pin() {
        Version version = state.version();
        pins.merge(version, 1, Integer::sum);
        return new Pin(version);
    }

    /** Numbers of the tables in the current version or in any pinned one, ascending. */
    synchronized Set<Long> liveTableNumbers() {
        Set<Long> live = new TreeSet<>(state.version().tableNumbers());
        for (Version pinned : pins.keySet()) {
            live.addAll(pinned.tableNumbers());
        }
        return live;
    }

    /** How many versions are pinned: for tests and stats (a number that keeps growing is a leaked pin). */
    synchronized int pinnedVersions() {
        return pins.size();
    }

    private synchronized void release(Version version) {
        pins.computeIfPresent(version, (v, count) -> count == 1 ? null : count - 1);
    }

    /** A reader's hold on one version. Closing it twice releases it once. */
    final class Pin implements AutoCloseable {
        private final Version version;
        private boolean closed;

        private Pin(Version version) {
            this.version = version;
        }

        Version version() {
            return version;
        }

        @Override
        public void close() {
            synchronized (VersionSet.this) {
                if (!closed) {
                    closed = true;
                    release(version);
                }
            }
        }
    }
}
