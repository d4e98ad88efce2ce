package io.corecache.cli;

import java.nio.file.Path;

/**
 * Where a torture run keeps things in its directory. Kept after a failed run (or with {@code --keep}) so it
 * can be examined: the store, the ack logs that say what it must hold, and what the writers printed.
 */
final class TortureLayout {

    private TortureLayout() {
    }

    /** The engine's directory. */
    static Path store(Path dir) {
        return dir.resolve("store");
    }

    /** One {@link AckLog} per writer thread. */
    static Path ackLogs(Path dir) {
        return dir.resolve("acks");
    }

    /** Standard output and error of every writer process, appended in turn. */
    static Path writerOutput(Path dir) {
        return dir.resolve("writer.log");
    }

    /** Created by writer generation {@code generation} once its engine is open and its threads start. */
    static Path readyMarker(Path dir, int generation) {
        return dir.resolve("writer-" + generation + ".ready");
    }
}
