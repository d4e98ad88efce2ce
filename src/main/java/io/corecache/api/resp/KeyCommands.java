package io.corecache.api.resp;

import io.corecache.cluster.ReplicaProtocol.BatchOp;
import io.corecache.cluster.ReplicaProtocol.Precondition;
import io.corecache.cluster.ReplicaProtocol.StoredValue;
import io.corecache.cluster.op.Expiry;
import io.corecache.cluster.op.Persist;
import io.corecache.cluster.op.SetExpiry;
import io.corecache.cluster.op.SetValue;
import io.corecache.engine.Versioned;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Commands on keys whatever their value: DEL, EXISTS, TYPE, the expiry family, RENAME, COPY. */
final class KeyCommands {

    /** How many times RENAME reads its source again when the source changed under it. */
    private static final int RENAME_ATTEMPTS = 10;

    private final InstantSource clock;

    private KeyCommands(InstantSource clock) {
        this.clock = clock;
    }

    static void register(CommandTable table, InstantSource clock) {
        KeyCommands keys = new KeyCommands(clock);
        table.write("del", -2, 1, -1, 1, KeyCommands::delete);
        table.write("unlink", -2, 1, -1, 1, KeyCommands::delete);
        table.read("exists", -2, 1, -1, 1, KeyCommands::exists);
        table.read("type", 2, 1, 1, 1, call -> StringCommands.value(call)
                .thenApply(v -> new RespValue.Simple(v == null ? "none" : "string")));
        table.write("expire", -3, 1, 1, 1, call -> expire(call, "EX"));
        table.write("pexpire", -3, 1, 1, 1, call -> expire(call, "PX"));
        table.write("expireat", -3, 1, 1, 1, call -> expire(call, "EXAT"));
        table.write("pexpireat", -3, 1, 1, 1, call -> expire(call, "PXAT"));
        table.write("persist", 2, 1, 1, 1, call -> StringCommands.apply(call, new Persist())
                .thenApply(applied -> RespValue.bool(applied.done())));
        table.read("ttl", 2, 1, 1, 1, call -> keys.ttl(call, 1000));
        table.read("pttl", 2, 1, 1, 1, call -> keys.ttl(call, 1));
        table.read("expiretime", 2, 1, 1, 1, call -> expireTime(call, 1000));
        table.read("pexpiretime", 2, 1, 1, 1, call -> expireTime(call, 1));
        table.sequential("rename", 3, true, 1, 2, 1, call -> keys.rename(call, false, RENAME_ATTEMPTS));
        table.sequential("renamenx", 3, true, 1, 2, 1, call -> keys.rename(call, true, RENAME_ATTEMPTS));
        table.sequential("copy", -3, true, 1, 2, 1, keys::copy);
    }

    private static CompletionStage<RespValue> delete(Call call) {
        List<CompletableFuture<Boolean>> deletes = new ArrayList<>(call.argc() - 1);
        for (int i = 1; i < call.argc(); i++) {
            deletes.add(call.store().delete(call.arg(i), Precondition.NONE, call.name()).toCompletableFuture());
        }
        return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new))
                .thenApply(unused -> RespValue.integer(deletes.stream().filter(CompletableFuture::join).count()));
    }

    private static CompletionStage<RespValue> exists(Call call) {
        List<CompletableFuture<StoredValue>> reads = new ArrayList<>(call.argc() - 1);
        for (int i = 1; i < call.argc(); i++) {
            byte[] key = call.arg(i);
            reads.add(call.store().get(key, call.direct(key), call.name()).toCompletableFuture());
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
                .thenApply(unused -> RespValue.integer(reads.stream().filter(r -> r.join() != null).count()));
    }

    /** EXPIRE key amount [NX | XX | GT | LT]: a time not in the future deletes the key, as in Redis. */
    private static CompletionStage<RespValue> expire(Call call, String unit) {
        long amount = call.integer(2);
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        for (int i = 3; i < call.argc(); i++) {
            switch (call.option(i)) {
                case "NX" -> nx = true;
                case "XX" -> xx = true;
                case "GT" -> gt = true;
                case "LT" -> lt = true;
                default -> throw CommandError.err("Unsupported option " + call.text(i));
            }
        }
        // Redis 7's rules: NX goes with nothing else; GT and LT exclude each other; XX may join GT or LT.
        if (nx && (xx || gt || lt)) {
            throw CommandError.err("NX and XX, GT or LT options at the same time are not compatible");
        }
        if (gt && lt) {
            throw CommandError.err("GT and LT options at the same time are not compatible");
        }
        // GT and LT already treat a key without expiry as expiring never: with XX, GT adds nothing (it never
        // applies to such a key), and XX LT must not apply to one, which IF_EARLIER alone would.
        SetExpiry.Condition condition = nx ? SetExpiry.Condition.IF_NONE
                : gt ? SetExpiry.Condition.IF_LATER
                : lt ? (xx ? SetExpiry.Condition.IF_SET_AND_EARLIER : SetExpiry.Condition.IF_EARLIER)
                : xx ? SetExpiry.Condition.IF_SET
                : SetExpiry.Condition.ALWAYS;
        boolean seconds = unit.equals("EX") || unit.equals("EXAT");
        if (seconds && (amount > Long.MAX_VALUE / 1000 || amount < Long.MIN_VALUE / 1000)) {
            throw CommandError.err("invalid expire time in '" + call.name() + "' command");
        }
        long millis = seconds ? amount * 1000 : amount;
        // A time at or before now deletes the key; keep such a time in range rather than let it wrap.
        Expiry expiry = unit.endsWith("AT") ? Expiry.at(Math.max(millis, 1))
                : millis <= 0 ? Expiry.at(1) : Expiry.after(millis);
        return StringCommands.apply(call, new SetExpiry(expiry, condition))
                .thenApply(applied -> RespValue.bool(applied.done()));
    }

    /** TTL and PTTL: -2 when the key is absent, -1 when it never expires, else the time left. */
    private CompletionStage<RespValue> ttl(Call call, long unitMillis) {
        return StringCommands.value(call).thenApply(v -> {
            if (v == null) {
                return RespValue.integer(-2);
            }
            if (v.expiresAt() == Versioned.NO_EXPIRY) {
                return RespValue.integer(-1);
            }
            long left = Math.max(0, v.expiresAt() - clock.millis());
            return RespValue.integer(unitMillis == 1 ? left : (left + 500) / 1000);
        });
    }

    private static CompletionStage<RespValue> expireTime(Call call, long unitMillis) {
        return StringCommands.value(call).thenApply(v -> {
            if (v == null) {
                return RespValue.integer(-2);
            }
            if (v.expiresAt() == Versioned.NO_EXPIRY) {
                return RespValue.integer(-1);
            }
            return RespValue.integer(v.expiresAt() / unitMillis);
        });
    }

    /**
     * RENAME and RENAMENX. Within one partition the write of the new key and the delete of the old one are
     * one batch, atomic, and conditional on the source being unchanged since it was read. Across partitions
     * they are two writes: the new key is written, then the old one deleted if unchanged; a reader between
     * them sees both keys, and a crash between them leaves both (docs/resp.md).
     */
    private CompletionStage<RespValue> rename(Call call, boolean onlyIfAbsent, int attempts) {
        byte[] source = call.arg(1);
        byte[] target = call.arg(2);
        return call.store().get(source, call.direct(source), call.name()).thenCompose(v -> {
            if (v == null) {
                throw CommandError.err("no such key");
            }
            if (Arrays.equals(source, target)) {
                return CompletableFuture.completedFuture(onlyIfAbsent ? RespValue.ZERO : RespValue.OK);
            }
            long ttl = ttlMillis(v);
            if (ttl < 0) {
                throw CommandError.err("no such key"); // expired while we looked
            }
            Precondition unchanged = Precondition.revision(v.revision());
            Precondition targetCondition = onlyIfAbsent ? Precondition.ABSENT : Precondition.NONE;
            int partition = call.store().partitionOf(source);
            if (partition == call.store().partitionOf(target)) {
                List<BatchOp> ops = List.of(new BatchOp(target, v.value(), ttl, targetCondition),
                        new BatchOp(source, null, 0, unchanged));
                return call.store().batch(partition, ops, call.name()).thenCompose(done ->
                        done ? CompletableFuture.completedFuture(renamed(onlyIfAbsent))
                                : retryOrRefuse(call, onlyIfAbsent, attempts - 1));
            }
            SetValue write = new SetValue(v.value(), ttl == 0 ? Expiry.NONE : Expiry.after(ttl),
                    onlyIfAbsent ? SetValue.Condition.IF_ABSENT : SetValue.Condition.ALWAYS, false);
            return call.store().apply(target, write, call.name()).thenCompose(applied -> {
                if (!applied.done()) {
                    return CompletableFuture.completedFuture(RespValue.ZERO);
                }
                return call.store().delete(source, unchanged, call.name()).thenApply(deleted -> renamed(onlyIfAbsent));
            });
        });
    }

    private static RespValue renamed(boolean onlyIfAbsent) {
        return onlyIfAbsent ? RespValue.ONE : RespValue.OK;
    }

    /**
     * The batch failed: the target exists (RENAMENX: 0), or the source changed since it was read; then the
     * rename starts over, a bounded number of times, so writers that never pause cannot keep it spinning.
     */
    private CompletionStage<RespValue> retryOrRefuse(Call call, boolean onlyIfAbsent, int attempts) {
        if (onlyIfAbsent) {
            return call.store().get(call.arg(2), false, call.name()).thenCompose(target -> target != null
                    ? CompletableFuture.completedFuture(RespValue.ZERO) : again(call, true, attempts));
        }
        return again(call, false, attempts);
    }

    private CompletionStage<RespValue> again(Call call, boolean onlyIfAbsent, int attempts) {
        if (attempts == 0) {
            throw new CommandError("TRYAGAIN the source key kept changing while it was renamed");
        }
        return rename(call, onlyIfAbsent, attempts);
    }

    /** COPY source destination [DB 0] [REPLACE]: 1 if copied, 0 if the source is absent or the target exists. */
    private CompletionStage<RespValue> copy(Call call) {
        boolean replace = false;
        for (int i = 3; i < call.argc(); i++) {
            String option = call.option(i);
            if (option.equals("REPLACE")) {
                replace = true;
            } else if (option.equals("DB") && i + 1 < call.argc()) {
                if (call.integer(++i) != 0) {
                    throw CommandError.err("DB index is out of range");
                }
            } else {
                throw CommandError.syntax();
            }
        }
        boolean overwrite = replace;
        byte[] source = call.arg(1);
        if (Arrays.equals(source, call.arg(2))) {
            throw CommandError.err("source and destination objects are the same");
        }
        return call.store().get(source, call.direct(source), call.name()).thenCompose(v -> {
            long ttl = v == null ? -1 : ttlMillis(v);
            if (ttl < 0) {
                return CompletableFuture.completedFuture(RespValue.ZERO);
            }
            SetValue write = new SetValue(v.value(), ttl == 0 ? Expiry.NONE : Expiry.after(ttl),
                    overwrite ? SetValue.Condition.ALWAYS : SetValue.Condition.IF_ABSENT, false);
            return call.store().apply(call.arg(2), write, call.name())
                    .thenApply(applied -> RespValue.bool(applied.done()));
        });
    }

    /** The time the version has left: 0 for no expiry, -1 if it has just expired. */
    private long ttlMillis(StoredValue v) {
        if (v.expiresAt() == Versioned.NO_EXPIRY) {
            return 0;
        }
        long left = v.expiresAt() - clock.millis();
        return left > 0 ? left : -1;
    }
}
