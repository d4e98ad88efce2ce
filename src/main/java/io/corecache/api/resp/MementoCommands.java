package io.corecache.api.resp;

import io.corecache.cluster.op.Append;
import io.corecache.engine.Versioned;

import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The commands of memento, the Redis-like server CoreCache replaces, beside Redis's own SET, GET, DEL and
 * APPEND: INC and DEC (by an integer, default 1), INCF and DECF (by a decimal number, default 1.0),
 * PREPEND, GETP (the key with its metadata), FLUSH (every key). QUIT and EXIT are in {@link ServerCommands}.
 */
final class MementoCommands {

    private MementoCommands() {
    }

    static void register(CommandTable table) {
        table.write("inc", -2, 1, 1, 1, call -> StringCommands.add(call, integerDelta(call)));
        table.write("dec", -2, 1, 1, 1, call -> StringCommands.add(call, StringCommands.negate(integerDelta(call))));
        table.write("incf", -2, 1, 1, 1, call -> StringCommands.addFloat(call, decimalDelta(call)));
        table.write("decf", -2, 1, 1, 1, call -> StringCommands.addFloat(call, decimalDelta(call).negate()));
        table.write("prepend", 3, 1, 1, 1, call -> StringCommands.number(call, new Append(call.arg(2), true)));
        table.read("getp", 2, 1, 1, 1, MementoCommands::getp);
        table.sequential("flush", 1, true, 0, 0, 0, KeyspaceCommands::flush);
    }

    private static long integerDelta(Call call) {
        checkAtMost(call, 3);
        return call.argc() == 3 ? call.integer(2) : 1;
    }

    private static BigDecimal decimalDelta(Call call) {
        checkAtMost(call, 3);
        return call.argc() == 3 ? StringCommands.decimal(call.arg(2)) : BigDecimal.ONE;
    }

    private static void checkAtMost(Call call, int argc) {
        if (call.argc() > argc) {
            throw CommandError.err("wrong number of arguments for '" + call.name() + "' command");
        }
    }

    /**
     * GETP key: the key, its value, when it was created and when it expires (epoch millis; -1 for never),
     * as an array of four; nil when the key is absent.
     */
    private static CompletionStage<RespValue> getp(Call call) {
        return StringCommands.value(call).thenApply(v -> {
            if (v == null) {
                return RespValue.NIL_ARRAY;
            }
            return RespValue.array(List.of(RespValue.bulk(call.arg(1)), RespValue.bulk(v.value()),
                    RespValue.integer(v.createTime()),
                    RespValue.integer(v.expiresAt() == Versioned.NO_EXPIRY ? -1 : v.expiresAt())));
        });
    }
}
