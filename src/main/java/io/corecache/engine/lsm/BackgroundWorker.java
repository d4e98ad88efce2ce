package io.corecache.engine.lsm;

import java.util.function.BooleanSupplier;

/**
 * A daemon thread that runs one kind of the engine's background work: flushing frozen memtables, or
 * compacting. It sleeps until {@link #wake()}d, then runs its step until the step says there is nothing
 * more to do. {@link #close()} lets a step in progress finish, then stops the thread.
 */
final class BackgroundWorker implements AutoCloseable {

    private final Thread thread;
    private final BooleanSupplier step;
    // Guarded by "this".
    private boolean wanted;
    private boolean stopping;

    /** @param step does one piece of work (one flush, one compaction); returns whether there may be more */
    BackgroundWorker(String name, BooleanSupplier step) {
        this.step = step;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks for a pass soon. */
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
            while (!isStopping() && step.getAsBoolean()) {
                // the next piece of work, if any
            }
        }
    }

    private synchronized boolean isStopping() {
        return stopping;
    }

    /** Stops the thread once its current step (if any) is done. */
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
