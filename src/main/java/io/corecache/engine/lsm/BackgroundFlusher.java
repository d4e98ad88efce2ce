package io.corecache.engine.lsm;

import java.util.function.BooleanSupplier;

/**
 * The single daemon thread that flushes frozen memtables, and compacts between flushes. It sleeps
 * until {@link #wake()}d, then runs the engine's flush step until the step says there is nothing more to do.
 * {@link #close()} lets a flush in progress finish, then stops the thread.
 */
final class BackgroundFlusher implements AutoCloseable {

    private final Thread thread;
    private final BooleanSupplier flushOne;
    // Guarded by "this".
    private boolean wanted;
    private boolean stopping;

    /** @param flushOne flushes one memtable; returns whether there may be more work */
    BackgroundFlusher(String name, BooleanSupplier flushOne) {
        this.flushOne = flushOne;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks for a flush pass soon. */
    synchronized void wake() {
        wanted = true;
        notifyAll();
    }

    private void run() {
        while (true) {
            synchronized (this) {
                while (!wanted && !stopping) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (stopping) {
                    return;
                }
                wanted = false;
            }
            while (!isStopping() && flushOne.getAsBoolean()) {
                // the next frozen memtable, if any
            }
        }
    }

    private synchronized boolean isStopping() {
        return stopping;
    }

    /** Stops the thread once its current flush (if any) is done. */
    @Override
    public void close() {
        synchronized (this) {
            stopping = true;
            notifyAll();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
