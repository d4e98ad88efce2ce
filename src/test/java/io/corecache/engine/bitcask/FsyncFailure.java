package io.corecache.engine.bitcask;

import io.corecache.engine.StorageEngine;

import java.io.IOException;

/**
 * Puts a node's running Bitcask engine in the state a failed fsync leaves it in, for tests of what the
 * node does next. A real fsync failure (EIO) cannot be had on demand, and the node opens its engines with
 * the real {@code FileOps}; the engine's reaction to one is a single step ({@code GroupCommitWriter.sync}
 * calls {@link BitcaskEngine#fail}), so the tests take that step themselves. Every sync after it throws,
 * as after a real failure.
 */
public final class FsyncFailure {

    private FsyncFailure() {
    }

    /** The engine's next fsync (and every one after it) fails, as when the disk returned EIO. */
    public static void inject(StorageEngine engine) {
        ((BitcaskEngine) engine).fail("cannot fsync the active data file", new IOException("EIO (injected)"));
    }
}
