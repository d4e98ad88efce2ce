package io.corecache.api.resp;

import io.corecache.cluster.ReplicaProtocol.StoredEntry;
import io.corecache.cluster.ScanMerger;
import io.corecache.engine.Bytes;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Commands over the whole keyspace: KEYS, SCAN, RANGE (CoreCache's ordered range read), RANDOMKEY,
 * DBSIZE, FLUSHALL/FLUSHDB. Keys come in order (unsigned bytes) from every partition merged
 * ({@link ScanMerger}); a pattern's literal prefix narrows the range read.
 */
final class KeyspaceCommands {

    /** Keys fetched per step of KEYS and per partition page. */
    private static final int PAGE = 1000;
    private static final int DEFAULT_SCAN_COUNT = 10;

    private final ScanCursors cursors;
    private final int maxRange;

    private KeyspaceCommands(ScanCursors cursors, int maxRange) {
        this.cursors = cursors;
        this.maxRange = maxRange;
    }

    static void register(CommandTable table, ScanCursors cursors, int maxRange) {
        KeyspaceCommands keyspace = new KeyspaceCommands(cursors, maxRange);
        table.sequential("keys", 2, false, 0, 0, 0, KeyspaceCommands::keys);
        table.sequential("scan", -2, false, 0, 0, 0, keyspace::scan);
        table.sequential("range", -3, false, 1, 2, 1, keyspace::range);
        table.sequential("randomkey", 1, false, 0, 0, 0, KeyspaceCommands::randomKey);
        table.read("dbsize", 1, 0, 0, 0, call -> call.store().keyCount(call.name()).thenApply(RespValue::integer));
        table.sequential("flushall", -1, true, 0, 0, 0, KeyspaceCommands::flush);
        table.sequential("flushdb", -1, true, 0, 0, 0, KeyspaceCommands::flush);
    }

    /** FLUSHALL / FLUSHDB [ASYNC | SYNC] and memento's FLUSH: every key of every partition is deleted. */
    static CompletionStage<RespValue> flush(Call call) {
        if (call.argc() > 2 || (call.argc() == 2 && !call.option(1).equals("ASYNC") && !call.option(1).equals("SYNC"))) {
            throw CommandError.syntax();
        }
        return call.store().clearAll(call.name()).thenApply(deleted -> RespValue.OK);
    }

    private static CompletionStage<RespValue> keys(Call call) {
        Glob glob = new Glob(call.arg(1));
        byte[] prefix = glob.literalPrefix();
        ScanMerger merger = call.store().range(prefix, Bytes.prefixEnd(prefix), true, PAGE);
        return collect(merger, glob, new ArrayList<>());
    }

    private static CompletionStage<RespValue> collect(ScanMerger merger, Glob glob, List<RespValue> found) {
        return merger.next(PAGE).thenCompose(entries -> {
            for (StoredEntry entry : entries) {
                if (glob.matches(entry.key())) {
                    found.add(RespValue.bulk(entry.key()));
                }
            }
            if (entries.isEmpty() || merger.exhausted()) {
                return CompletableFuture.completedFuture(RespValue.array(found));
            }
            return collect(merger, glob, found);
        });
    }

    /**
     * SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]: n keys in order from where the cursor left off,
     * filtered by the pattern (so a page may be empty while the cursor is not 0), as in Redis. Every key
     * present for the whole scan is returned exactly once.
     */
    private CompletionStage<RespValue> scan(Call call) {
        byte[] start = new byte[0];
        long cursor;
        try {
            cursor = Long.parseUnsignedLong(call.text(1));
        } catch (NumberFormatException e) {
            throw CommandError.err("invalid cursor");
        }
        if (cursor != 0) {
            start = cursors.resume(cursor);
            if (start == null) {
                throw CommandError.err("invalid cursor");
            }
        }
        Glob glob = null;
        long count = DEFAULT_SCAN_COUNT;
        boolean strings = true;
        for (int i = 2; i < call.argc(); i++) {
            String option = call.option(i);
            if (i + 1 >= call.argc()) {
                throw CommandError.syntax();
            }
            switch (option) {
                case "MATCH" -> glob = new Glob(call.arg(++i));
                case "COUNT" -> {
                    count = call.integer(++i);
                    if (count < 1) {
                        throw CommandError.syntax();
                    }
                }
                case "TYPE" -> strings = call.option(++i).equals("STRING");
                default -> throw CommandError.syntax();
            }
        }
        byte[] end = null;
        if (glob != null) {
            byte[] prefix = glob.literalPrefix();
            end = Bytes.prefixEnd(prefix);
            if (Bytes.compare(start, prefix) < 0) {
                start = prefix;
            }
        }
        if (!strings) {
            return CompletableFuture.completedFuture(scanReply(0, List.of())); // every key holds a string
        }
        int n = (int) Math.min(count, maxRange);
        Glob filter = glob;
        ScanMerger merger = call.store().range(start, end, true, n);
        return merger.next(n).thenApply(entries -> {
            List<RespValue> keys = new ArrayList<>(entries.size());
            for (StoredEntry entry : entries) {
                if (filter == null || filter.matches(entry.key())) {
                    keys.add(RespValue.bulk(entry.key()));
                }
            }
            boolean done = entries.size() < n || merger.exhausted();
            long next = done ? 0 : cursors.save(ScanMerger.successor(entries.get(entries.size() - 1).key()));
            return scanReply(next, keys);
        });
    }

    private static RespValue scanReply(long cursor, List<RespValue> keys) {
        return RespValue.array(List.of(RespValue.bulk(Long.toUnsignedString(cursor)), RespValue.array(keys)));
    }

    /**
     * RANGE start end [LIMIT n]: the pairs key, value of {@code start <= key < end} in order (an empty end:
     * to the last key), at most n (default and most: corecache.scan.max-limit). To read on, call again
     * from the last key with a zero byte appended.
     */
    private CompletionStage<RespValue> range(Call call) {
        long limit = maxRange;
        if (call.argc() == 5 && call.option(3).equals("LIMIT")) {
            limit = call.integer(4);
            if (limit < 1 || limit > maxRange) {
                throw CommandError.err("LIMIT must be 1.." + maxRange + " (corecache.scan.max-limit)");
            }
        } else if (call.argc() != 3) {
            throw CommandError.syntax();
        }
        byte[] end = call.arg(2).length == 0 ? null : call.arg(2);
        int n = (int) limit;
        ScanMerger merger = call.store().range(call.arg(1), end, false, n);
        return merger.next(n).thenApply(entries -> {
            List<RespValue> pairs = new ArrayList<>(entries.size() * 2);
            for (StoredEntry entry : entries) {
                pairs.add(RespValue.bulk(entry.key()));
                pairs.add(RespValue.bulk(entry.version().value()));
            }
            return RespValue.array(pairs);
        });
    }

    /** RANDOMKEY: the first key at or after a random position, or nil when there are no keys. */
    private static CompletionStage<RespValue> randomKey(Call call) {
        byte[] from = new byte[1 + ThreadLocalRandom.current().nextInt(8)];
        ThreadLocalRandom.current().nextBytes(from);
        return firstKey(call, from).thenCompose(key -> key != null
                ? CompletableFuture.completedFuture(RespValue.bulk(key))
                : firstKey(call, new byte[0]).thenApply(RespValue::bulk));
    }

    private static CompletionStage<byte[]> firstKey(Call call, byte[] from) {
        return call.store().range(from, null, true, 1).next(1)
                .thenApply(entries -> entries.isEmpty() ? null : entries.get(0).key());
    }
}
