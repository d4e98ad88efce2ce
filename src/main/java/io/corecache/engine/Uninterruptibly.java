package io.corecache.engine;

import java.io.IOException;

/**
 * Runs file-channel I/O with the caller's interrupt flag lowered, then raises it again.
 *
 * <p>Why: a {@link java.nio.channels.FileChannel} closes itself for every thread when a thread doing
 * I/O on it is interrupted. One cancelled request would then break a data file for the whole engine.
 */
final class Uninterruptibly {

    interface IoCall<T> {
        T call() throws IOException;
    }

    interface IoRun {
        void run() throws IOException;
    }

    private Uninterruptibly() {
    }

    static <T> T call(IoCall<T> io) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            return io.call();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void run(IoRun io) throws IOException {
        call(() -> {
            io.run();
            return null;
        });
    }
}
