package io.corecache.cluster;

import io.corecache.cluster.ReplicaProtocol.Failed;
import io.corecache.cluster.ReplicaProtocol.Reply;
import io.corecache.cluster.ReplicaProtocol.Scan;
import io.corecache.cluster.ReplicaProtocol.ScanPage;
import io.corecache.cluster.ReplicaProtocol.StoredEntry;
import io.corecache.engine.Bytes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Reads a key range across every partition in key order: each partition is read a page at a time from its
 * replica, and the pages are merged, so memory holds at most a page per partition however long the range.
 *
 * <p>Implementation notes: partitions hold disjoint keys, so the merge never sees a key twice. An entry is
 * released only while every partition that may still hold smaller keys has a non-empty buffer; a partition
 * whose buffer ran dry is refilled (all such partitions at once) before the merge goes on. Each page is its
 * partition's consistent snapshot, but pages are taken at different times: a range read is not one
 * snapshot of the whole keyspace (written down in docs/api.md). Not thread-safe: one reader calls
 * {@link #next} at a time, waiting for each result.
 */
public final class ScanMerger {

    private final Router router;
    private final byte[] end;
    private final boolean keysOnly;
    private final int pageSize;
    private final Source[] sources;

    /** Reads {@code start <= key < end} (null end: to the last key), fetching {@code pageSize} entries at a time. */
    public ScanMerger(Router router, byte[] start, byte[] end, boolean keysOnly, int pageSize) {
        this.router = router;
        this.end = end;
        this.keysOnly = keysOnly;
        this.pageSize = pageSize;
        this.sources = new Source[router.partitions()];
        for (int p = 0; p < sources.length; p++) {
            sources[p] = new Source(p, start == null ? new byte[0] : start);
        }
    }

    /**
     * Up to {@code max} next entries in key order; fewer only at the end of the range (an empty list then).
     * Fails with {@link PartitionUnavailableException} when a partition cannot be asked, and with
     * {@link ReplicaFailedException} when it answers with a failure.
     */
    public CompletionStage<List<StoredEntry>> next(int max) {
        return refill().thenCompose(unused -> {
            List<StoredEntry> out = new ArrayList<>(Math.min(max, 1024));
            while (out.size() < max) {
                Source smallest = null;
                for (Source source : sources) {
                    if (source.buffer.isEmpty()) {
                        if (source.more) {
                            // This partition may hold a smaller key than any buffered: fetch before going on.
                            int taken = out.size();
                            return next(max - taken).thenApply(rest -> {
                                out.addAll(rest);
                                return out;
                            });
                        }
                        continue;
                    }
                    if (smallest == null || Bytes.compare(source.buffer.peekFirst().key(),
                            smallest.buffer.peekFirst().key()) < 0) {
                        smallest = source;
                    }
                }
                if (smallest == null) {
                    break; // every partition is exhausted
                }
                out.add(smallest.buffer.pollFirst());
            }
            return CompletableFuture.completedFuture(out);
        });
    }

    /** True once every entry of the range has been returned. */
    public boolean exhausted() {
        for (Source source : sources) {
            if (source.more || !source.buffer.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private CompletionStage<Void> refill() {
        List<CompletableFuture<Void>> fetches = new ArrayList<>();
        for (Source source : sources) {
            if (source.buffer.isEmpty() && source.more) {
                fetches.add(source.fetch().toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new));
    }

    /** One partition's side of the merge: its buffered page and where its next page starts. */
    private final class Source {
        final int partition;
        final ArrayDeque<StoredEntry> buffer = new ArrayDeque<>();
        byte[] nextStart;
        boolean more = true;

        Source(int partition, byte[] start) {
            this.partition = partition;
            this.nextStart = start;
        }

        CompletionStage<Void> fetch() {
            byte[] from = nextStart;
            return router.ask(partition, replyTo -> new Scan(from, end, pageSize, keysOnly, replyTo))
                    .thenAccept(this::accept);
        }

        private void accept(Reply reply) {
            if (reply instanceof Failed failed) {
                throw new ReplicaFailedException(partition, failed);
            }
            ScanPage page = (ScanPage) reply;
            buffer.addAll(page.entries());
            more = page.more() && !page.entries().isEmpty();
            if (!page.entries().isEmpty()) {
                nextStart = successor(page.entries().get(page.entries().size() - 1).key());
            }
        }
    }

    /** The smallest key after {@code key}: the key with a zero byte appended. */
    public static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }
}
