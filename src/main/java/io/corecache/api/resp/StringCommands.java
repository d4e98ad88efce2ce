package io.corecache.api.resp;

import io.corecache.cluster.ReplicaProtocol.Applied;
import io.corecache.cluster.ReplicaProtocol.BatchOp;
import io.corecache.cluster.ReplicaProtocol.Precondition;
import io.corecache.cluster.ReplicaProtocol.StoredValue;
import io.corecache.cluster.op.AddFloat;
import io.corecache.cluster.op.AddInteger;
import io.corecache.cluster.op.Append;
import io.corecache.cluster.op.Expiry;
import io.corecache.cluster.op.GetAndDelete;
import io.corecache.cluster.op.GetAndExpire;
import io.corecache.cluster.op.KeyOperation;
import io.corecache.cluster.op.Numbers;
import io.corecache.cluster.op.OperationException;
import io.corecache.cluster.op.SetRange;
import io.corecache.cluster.op.SetValue;
import io.corecache.cluster.op.SetValue.Condition;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Redis's string commands. Every read-modify-write is one {@link KeyOperation} applied by the key's
 * partition replica, so it is atomic whichever node the client talks to.
 */
final class StringCommands {

    private StringCommands() {
    }

    static void register(CommandTable table) {
        table.read("get", 2, 1, 1, 1, StringCommands::get);
        table.write("set", -3, 1, 1, 1, StringCommands::set);
        table.write("setnx", 3, 1, 1, 1, call -> done(call, new SetValue(call.arg(2), Expiry.NONE, Condition.IF_ABSENT, false)));
        table.write("setex", 4, 1, 1, 1, call -> setWithTtl(call, 1000));
        table.write("psetex", 4, 1, 1, 1, call -> setWithTtl(call, 1));
        table.write("getset", 3, 1, 1, 1, call -> old(call, new SetValue(call.arg(2), Expiry.NONE, Condition.ALWAYS, true)));
        table.write("getdel", 2, 1, 1, 1, call -> old(call, new GetAndDelete()));
        table.write("getex", -2, 1, 1, 1, StringCommands::getex);
        table.read("mget", -2, 1, -1, 1, StringCommands::mget);
        table.write("mset", -3, 1, -1, 2, StringCommands::mset);
        table.sequential("msetnx", -3, true, 1, -1, 2, StringCommands::msetnx);
        table.write("incr", 2, 1, 1, 1, call -> add(call, 1));
        table.write("decr", 2, 1, 1, 1, call -> add(call, -1));
        table.write("incrby", 3, 1, 1, 1, call -> add(call, call.integer(2)));
        table.write("decrby", 3, 1, 1, 1, call -> add(call, negate(call.integer(2))));
        table.write("incrbyfloat", 3, 1, 1, 1, call -> addFloat(call, decimal(call.arg(2))));
        table.write("append", 3, 1, 1, 1, call -> number(call, new Append(call.arg(2), false)));
        table.read("strlen", 2, 1, 1, 1, call -> value(call).thenApply(v -> RespValue.integer(v == null ? 0 : v.value().length)));
        table.read("getrange", 4, 1, 1, 1, StringCommands::getrange);
        table.read("substr", 4, 1, 1, 1, StringCommands::getrange);
        table.write("setrange", 4, 1, 1, 1, call -> number(call, new SetRange(call.integer(2), call.arg(3))));
    }

    static CompletionStage<StoredValue> value(Call call) {
        return call.store().get(call.arg(1), call.direct(call.arg(1)), call.name());
    }

    static CompletionStage<Applied> apply(Call call, KeyOperation operation) {
        return call.store().apply(call.arg(1), operation, call.name());
    }

    private static CompletionStage<RespValue> get(Call call) {
        return value(call).thenApply(v -> RespValue.bulk(v == null ? null : v.value()));
    }

    /** SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL], as in Redis 7. */
    private static CompletionStage<RespValue> set(Call call) {
        Condition condition = Condition.ALWAYS;
        boolean returnOld = false;
        Expiry expiry = null;
        for (int i = 3; i < call.argc(); i++) {
            String option = call.option(i);
            boolean hasValue = i + 1 < call.argc();
            switch (option) {
                case "NX", "XX" -> {
                    if (condition != Condition.ALWAYS) {
                        throw CommandError.syntax();
                    }
                    condition = option.equals("NX") ? Condition.IF_ABSENT : Condition.IF_PRESENT;
                }
                case "GET" -> returnOld = true;
                case "KEEPTTL" -> {
                    if (expiry != null) {
                        throw CommandError.syntax();
                    }
                    expiry = Expiry.KEEP;
                }
                case "EX", "PX", "EXAT", "PXAT" -> {
                    if (expiry != null || !hasValue) {
                        throw CommandError.syntax();
                    }
                    expiry = Expiries.parse(option, call.integer(++i), "set");
                }
                default -> throw CommandError.syntax();
            }
        }
        SetValue operation = new SetValue(call.arg(2), expiry == null ? Expiry.NONE : expiry, condition, returnOld);
        boolean get = returnOld;
        return apply(call, operation).thenApply(applied -> {
            if (get) {
                return RespValue.bulk(applied.value());
            }
            return applied.done() ? RespValue.OK : RespValue.NIL;
        });
    }

    private static CompletionStage<RespValue> setWithTtl(Call call, long unitMillis) {
        Expiry expiry = Expiries.parse(unitMillis == 1000 ? "EX" : "PX", call.integer(2), call.name());
        return apply(call, new SetValue(call.arg(3), expiry, Condition.ALWAYS, false)).thenApply(a -> RespValue.OK);
    }

    /** GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST]. */
    private static CompletionStage<RespValue> getex(Call call) {
        if (call.argc() == 2) {
            return get(call);
        }
        String option = call.option(2);
        Expiry expiry;
        if (option.equals("PERSIST") && call.argc() == 3) {
            expiry = Expiry.NONE;
        } else if (call.argc() == 4 && Expiries.isOption(option)) {
            expiry = Expiries.parse(option, call.integer(3), "getex");
        } else {
            throw CommandError.syntax();
        }
        return old(call, new GetAndExpire(expiry));
    }

    private static CompletionStage<RespValue> mget(Call call) {
        List<CompletableFuture<StoredValue>> reads = new ArrayList<>(call.argc() - 1);
        for (int i = 1; i < call.argc(); i++) {
            byte[] key = call.arg(i);
            reads.add(call.store().get(key, call.direct(key), call.name()).toCompletableFuture());
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(unused -> {
            List<RespValue> values = new ArrayList<>(reads.size());
            for (CompletableFuture<StoredValue> read : reads) {
                StoredValue v = read.join();
                values.add(RespValue.bulk(v == null ? null : v.value()));
            }
            return RespValue.array(values);
        });
    }

    /** MSET: one atomic batch per partition, sent together; atomic as a whole only within one partition. */
    private static CompletionStage<RespValue> mset(Call call) {
        if (call.argc() % 2 == 0) {
            throw CommandError.err("wrong number of arguments for 'mset' command");
        }
        return batches(call, Precondition.NONE).thenApply(applied -> RespValue.OK);
    }

    /**
     * MSETNX: within one partition a single batch whose every put requires its key absent (atomic). Across
     * partitions the keys are checked first, then one such batch per partition: a key created meanwhile in
     * one partition fails that batch only, so the others may be set (docs/resp.md).
     */
    private static CompletionStage<RespValue> msetnx(Call call) {
        if (call.argc() % 2 == 0) {
            throw CommandError.err("wrong number of arguments for 'msetnx' command");
        }
        Map<Integer, List<BatchOp>> byPartition = byPartition(call, Precondition.ABSENT);
        if (byPartition.size() == 1) {
            return batches(call, byPartition).thenApply(all -> RespValue.bool(all));
        }
        List<CompletableFuture<StoredValue>> reads = new ArrayList<>();
        for (int i = 1; i < call.argc(); i += 2) {
            reads.add(call.store().get(call.arg(i), false, call.name()).toCompletableFuture());
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenCompose(unused -> {
            if (reads.stream().anyMatch(read -> read.join() != null)) {
                return CompletableFuture.completedFuture(RespValue.ZERO);
            }
            return batches(call, byPartition).thenApply(all -> RespValue.bool(all));
        });
    }

    private static CompletionStage<Boolean> batches(Call call, Precondition precondition) {
        return batches(call, byPartition(call, precondition));
    }

    private static CompletionStage<Boolean> batches(Call call, Map<Integer, List<BatchOp>> byPartition) {
        List<CompletableFuture<Boolean>> writes = new ArrayList<>();
        byPartition.forEach((partition, ops) ->
                writes.add(call.store().batch(partition, ops, call.name()).toCompletableFuture()));
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                .thenApply(unused -> writes.stream().allMatch(CompletableFuture::join));
    }

    private static Map<Integer, List<BatchOp>> byPartition(Call call, Precondition precondition) {
        Map<Integer, List<BatchOp>> byPartition = new LinkedHashMap<>();
        for (int i = 1; i + 1 < call.argc(); i += 2) {
            byte[] key = call.arg(i);
            byPartition.computeIfAbsent(call.store().partitionOf(key), p -> new ArrayList<>())
                    .add(new BatchOp(key, call.arg(i + 1), 0, precondition));
        }
        return byPartition;
    }

    private static CompletionStage<RespValue> getrange(Call call) {
        long start = call.integer(2);
        long end = call.integer(3);
        return value(call).thenApply(v -> {
            byte[] bytes = v == null ? new byte[0] : v.value();
            return RespValue.bulk(range(bytes, start, end));
        });
    }

    /** Redis's GETRANGE: negative offsets count from the end, both ends inclusive, clamped to the value. */
    static byte[] range(byte[] bytes, long start, long end) {
        long n = bytes.length;
        if (start < 0 && end < 0 && start > end) {
            return new byte[0];
        }
        if (start < 0) {
            start = Math.max(0, n + start);
        }
        if (end < 0) {
            end = Math.max(0, n + end);
        }
        end = Math.min(end, n - 1);
        if (n == 0 || start > end) {
            return new byte[0];
        }
        return Arrays.copyOfRange(bytes, (int) start, (int) end + 1);
    }

    static CompletionStage<RespValue> add(Call call, long delta) {
        return apply(call, new AddInteger(delta)).thenApply(applied -> RespValue.integer(applied.number()));
    }

    static CompletionStage<RespValue> addFloat(Call call, BigDecimal delta) {
        return apply(call, new AddFloat(delta.toString())).thenApply(applied -> RespValue.bulk(applied.value()));
    }

    /** The increment of INCRBYFLOAT, INCF and DECF, checked before it is sent. */
    static BigDecimal decimal(byte[] text) {
        try {
            return Numbers.parseDecimal(text);
        } catch (OperationException e) {
            throw CommandError.err("value is not a valid float");
        }
    }

    static long negate(long value) {
        if (value == Long.MIN_VALUE) {
            throw CommandError.err("decrement would overflow");
        }
        return -value;
    }

    static CompletionStage<RespValue> number(Call call, KeyOperation operation) {
        return apply(call, operation).thenApply(applied -> RespValue.integer(applied.number()));
    }

    private static CompletionStage<RespValue> done(Call call, KeyOperation operation) {
        return apply(call, operation).thenApply(applied -> RespValue.bool(applied.done()));
    }

    private static CompletionStage<RespValue> old(Call call, KeyOperation operation) {
        return apply(call, operation).thenApply(applied -> RespValue.bulk(applied.value()));
    }
}
