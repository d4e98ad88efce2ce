package io.corecache.api.http;

import com.typesafe.config.Config;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * An executor for {@code corecache.fsync-dispatcher} whose tasks wait at a gate the test opens and closes.
 * A replica in {@code sync} mode answers a write only after its fsync, which runs here: with the gate closed,
 * a write is applied and held in flight, as long as the test wants, with no sleep and no race. That makes
 * "the partition is busy" a state a test can set up exactly.
 *
 * <p>Named in a test node's settings as
 * {@code corecache.fsync-dispatcher.executor = "io.corecache.api.http.GatedFsyncExecutor"}; Pekko creates it.
 * The gate is static because Pekko, not the test, constructs the executor; only one test class uses it at
 * a time (test classes run one after another).
 */
public final class GatedFsyncExecutor extends ExecutorServiceConfigurator {

    /** The longest a task waits at a closed gate, so a test that forgets to open it cannot hang the build. */
    private static final long MAX_WAIT_MILLIS = 60_000;
    private static final Object LOCK = new Object();
    private static boolean open = true;
    private static int waiting;

    public GatedFsyncExecutor(Config config, DispatcherPrerequisites prerequisites) {
        super(config, prerequisites);
    }

    /** Tasks submitted from now on wait until {@link #open()}. */
    static void close() {
        synchronized (LOCK) {
            open = false;
        }
    }

    static void open() {
        synchronized (LOCK) {
            open = true;
            LOCK.notifyAll();
        }
    }

    /** Waits (bounded) until {@code count} tasks are held at the closed gate. */
    static void awaitWaiting(int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        synchronized (LOCK) {
            while (waiting < count) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new AssertionError(waiting + " fsyncs wait at the gate, expected " + count);
                }
                LOCK.wait(left);
            }
        }
    }

    private static void pass() {
        long deadline = System.currentTimeMillis() + MAX_WAIT_MILLIS;
        synchronized (LOCK) {
            waiting++;
            LOCK.notifyAll();
            try {
                while (!open && System.currentTimeMillis() < deadline) {
                    LOCK.wait(Math.max(1, deadline - System.currentTimeMillis()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                waiting--;
            }
        }
    }

    @Override
    public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
        return () -> new Gated(Executors.newFixedThreadPool(4, threadFactory));
    }

    private static final class Gated extends AbstractExecutorService {
        private final ExecutorService delegate;

        Gated(ExecutorService delegate) {
            this.delegate = delegate;
        }

        @Override
        public void execute(Runnable task) {
            delegate.execute(() -> {
                pass();
                task.run();
            });
        }

        @Override
        public void shutdown() {
            delegate.shutdown();
        }

        @Override
        public List<Runnable> shutdownNow() {
            return delegate.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
            return delegate.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return delegate.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return delegate.awaitTermination(timeout, unit);
        }
    }
}
