package io.corecache.api.http.seed;

import io.corecache.api.http.ApiError;
import io.corecache.api.http.ReplicaCalls;
import io.corecache.cluster.ReplicaProtocol.Scan;
import io.corecache.cluster.ReplicaProtocol.ScanPage;
import io.corecache.cluster.ReplicaProtocol.StoredEntry;
import io.corecache.cluster.ScanMerger;
import io.corecache.engine.Bytes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The keys of a range across every partition, in order: each partition is scanned a page of keys at a time
 * and the pages are merged in unsigned byte order, holding at most one page per partition. It is
 * {@link ScanMerger}'s merge plus what that one lacks: a filter, and a jump over keys no answer can want.
 *
 * <p>A range is a list of {@link Window}s answered one after another (the Bitcask dialect's numeric ranges
 * are one window per digit count). A window's {@link Shape} says which keys belong to the answer and where
 * a partition's next page may start: a shape that wants only some keys can jump over a run of keys it
 * cannot want instead of reading it. Every scan is counted against a budget, so a range that would need a
 * great many scans is refused rather than left to run.
 */
final class SeedRangeScan {

    /** Which keys of a window are wanted, and where to resume after a page's last key. */
    interface Shape {
        boolean wanted(byte[] key);

        /** A start strictly after {@code lastKey} that skips no wanted key. */
        byte[] resumeAfter(byte[] lastKey);
    }

    /** Keys with {@code start <= key < endExclusive} that the shape wants. */
    record Window(byte[] start, byte[] endExclusive, Shape shape) {
    }

    /** Every key in the window is wanted. */
    static final Shape ALL = new Shape() {
        @Override
        public boolean wanted(byte[] key) {
            return true;
        }

        @Override
        public byte[] resumeAfter(byte[] lastKey) {
            return ScanMerger.successor(lastKey);
        }
    };

    private final ReplicaCalls calls;
    private final int pageSize;
    private final int maxScans;
    private final Executor executor;

    SeedRangeScan(ReplicaCalls calls, int pageSize, int maxScans, Executor executor) {
        this.calls = calls;
        this.pageSize = pageSize;
        this.maxScans = maxScans;
        this.executor = executor;
    }

    /** Up to {@code max} keys: the wanted keys of the first window in order, then of the next, and so on. */
    CompletionStage<List<byte[]>> keys(List<Window> windows, int max) {
        List<byte[]> out = new ArrayList<>();
        AtomicInteger scans = new AtomicInteger();
        CompletionStage<Void> done = CompletableFuture.completedFuture(null);
        for (Window window : windows) {
            done = done.thenCompose(unused -> out.size() >= max
                    ? CompletableFuture.completedFuture(null) : merge(cursors(window, scans), out, max));
        }
        return done.thenApply(unused -> out);
    }

    private List<Cursor> cursors(Window window, AtomicInteger scans) {
        List<Cursor> cursors = new ArrayList<>(calls.router().partitions());
        for (int p = 0; p < calls.router().partitions(); p++) {
            cursors.add(new Cursor(p, window, scans));
        }
        return cursors;
    }

    /**
     * Moves keys to {@code out} in order until it holds {@code max} or every cursor is exhausted. A cursor
     * whose page is used up is refilled before the next key is chosen, since its next key may be the least.
     */
    private CompletionStage<Void> merge(List<Cursor> cursors, List<byte[]> out, int max) {
        List<CompletableFuture<Void>> refills = new ArrayList<>();
        for (Cursor cursor : cursors) {
            if (cursor.starving()) {
                refills.add(cursor.refill());
            }
        }
        if (!refills.isEmpty()) {
            return CompletableFuture.allOf(refills.toArray(CompletableFuture[]::new))
                    .thenComposeAsync(unused -> merge(cursors, out, max), executor);
        }
        while (out.size() < max) {
            Cursor least = null;
            for (Cursor cursor : cursors) {
                if (!cursor.buffer.isEmpty()
                        && (least == null || Bytes.compare(cursor.buffer.peek(), least.buffer.peek()) < 0)) {
                    least = cursor;
                }
            }
            if (least == null) {
                return CompletableFuture.completedFuture(null);
            }
            out.add(least.buffer.poll());
            if (least.starving()) {
                return merge(cursors, out, max);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    /** One partition's position in a window and the wanted keys of its current page. */
    private final class Cursor {
        private final int partition;
        private final Window window;
        private final AtomicInteger scans;
        private final ArrayDeque<byte[]> buffer = new ArrayDeque<>();
        private byte[] next;

        Cursor(int partition, Window window, AtomicInteger scans) {
            this.partition = partition;
            this.window = window;
            this.scans = scans;
            this.next = Bytes.compare(window.start(), window.endExclusive()) < 0 ? window.start() : null;
        }

        boolean starving() {
            return buffer.isEmpty() && next != null;
        }

        CompletableFuture<Void> refill() {
            if (scans.incrementAndGet() > maxScans) {
                return CompletableFuture.failedFuture(ApiError.badRequest("range_too_wide", "the range needs more "
                        + "than " + maxScans + " partition scans; ask for a narrower range"));
            }
            byte[] start = next;
            return calls.ask(partition, replyTo -> new Scan(start, window.endExclusive(), pageSize, true, replyTo))
                    .thenAccept(reply -> take((ScanPage) reply))
                    .toCompletableFuture();
        }

        private void take(ScanPage page) {
            byte[] last = null;
            for (StoredEntry entry : page.entries()) {
                last = entry.key();
                if (window.shape().wanted(last)) {
                    buffer.add(last);
                }
            }
            next = null;
            if (page.more() && last != null) {
                byte[] resume = window.shape().resumeAfter(last);
                if (Bytes.compare(resume, window.endExclusive()) < 0) {
                    next = resume;
                }
            }
        }
    }
}
