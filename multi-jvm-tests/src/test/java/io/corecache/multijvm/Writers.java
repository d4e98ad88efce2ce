package io.corecache.multijvm;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients writing new keys through several nodes until told to stop (or a bound of writes or time is reached).
 * Every key is written once, so a key's acknowledged value is the only value it may have: {@link #acked()}
 * holds exactly the writes that got a 2xx. A write that failed (503, a timeout, a connection to a killed node)
 * has an unknown outcome and is only counted.
 */
final class Writers {

    private final Map<String, String> acked = new ConcurrentHashMap<>();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ExecutorService pool;
    private final List<Future<?>> running;
    private final long deadline;

    private Writers(String prefix, List<HttpApi> targets, int threads, int maxWritesEach, Duration maxTime) {
        this.deadline = System.nanoTime() + maxTime.toNanos();
        this.pool = Executors.newFixedThreadPool(threads);
        this.running = java.util.stream.IntStream.range(0, threads)
                .<Future<?>>mapToObj(thread -> pool.submit(() -> write(prefix + "." + thread, targets, thread,
                        maxWritesEach)))
                .toList();
    }

    /**
     * Starts {@code threads} writers, each going round the {@code targets} in turn from a different one, each
     * stopping after {@code maxWritesEach} writes or {@code maxTime}.
     */
    static Writers start(String prefix, List<HttpApi> targets, int threads, int maxWritesEach, Duration maxTime) {
        return new Writers(prefix, targets, threads, maxWritesEach, maxTime);
    }

    private void write(String prefix, List<HttpApi> targets, int first, int maxWrites) {
        for (int i = 0; i < maxWrites && !stop.get() && System.nanoTime() < deadline; i++) {
            String key = prefix + "." + i;
            String value = "value of " + key;
            HttpApi target = targets.get((first + i) % targets.size());
            try {
                if (target.put(key, value).ok()) {
                    acked.put(key, value);
                } else {
                    failed.incrementAndGet();
                    LocalCluster.sleep(20); // a 503 comes at once; do not spin on it
                }
            } catch (IOException e) {
                failed.incrementAndGet();
                LocalCluster.sleep(20);
            }
        }
    }

    /** Waits (bounded) until at least {@code count} writes were acknowledged. */
    Writers awaitAcked(int count, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (acked.size() < count) {
            if (System.nanoTime() > until) {
                throw new AssertionError("only " + acked.size() + " of " + count + " writes acknowledged within "
                        + timeout.toSeconds() + " s (" + failed.get() + " failed)");
            }
            LocalCluster.sleep(20);
        }
        return this;
    }

    /** Stops the writers and waits for the writes in flight to finish. */
    Writers stop() {
        stop.set(true);
        pool.shutdown();
        try {
            if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
                pool.shutdownNow();
                throw new AssertionError("the writers did not stop within 60 s");
            }
            for (Future<?> future : running) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("a writer failed", e.getCause());
        }
        return this;
    }

    /** The acknowledged writes, key to value (a snapshot once {@link #stop()} returned). */
    Map<String, String> acked() {
        return acked;
    }

    int failed() {
        return failed.get();
    }
}
