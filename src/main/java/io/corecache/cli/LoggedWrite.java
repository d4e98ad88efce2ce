package io.corecache.cli;

import java.util.List;

/**
 * One write a torture thread issued, as its ack log records it.
 *
 * @param thread   the writer thread, which owns every key the write touches
 * @param id       names the write
 * @param revision the revision it was written with (a batch's operations share it)
 * @param kind     how it was sent to the engine
 * @param effects  what it does to each key it touches; a batch touches each key at most once
 * @param acked    whether the engine acknowledged it before the writer died; an unacknowledged write was
 *                 in flight when the writer was killed and may or may not have been applied
 */
record LoggedWrite(int thread, WriteId id, long revision, Kind kind, List<Effect> effects, boolean acked) {

    enum Kind {
        PUT('P'), DELETE('D'), BATCH('B');

        final char code;

        Kind(char code) {
            this.code = code;
        }

        static Kind of(char code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown write kind '" + code + "'");
        }
    }

    /** A put ({@code put}) or delete of the thread's key {@code n}. */
    record Effect(int n, boolean put) {
    }

    LoggedWrite {
        effects = List.copyOf(effects);
    }

    LoggedWrite acknowledged() {
        return new LoggedWrite(thread, id, revision, kind, effects, true);
    }

    /** What key {@code n} holds once this write is applied: its value, or null if the write deletes it. */
    TortureValue stateOf(Effect effect) {
        return effect.put() ? new TortureValue(new TortureKey(thread, effect.n()), id.generation(), id.seq(), revision)
                : null;
    }

    @Override
    public String toString() {
        return "write " + id + " (" + kind.name().toLowerCase(java.util.Locale.ROOT) + " r=" + revision + ")";
    }
}
