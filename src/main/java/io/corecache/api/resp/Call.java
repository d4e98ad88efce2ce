package io.corecache.api.resp;

import io.corecache.cluster.op.Numbers;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * One command being executed: its arguments, the connection it came on, and the store. The argument
 * readers throw {@link CommandError} in Redis's words, so handlers read like the command's documentation.
 */
final class Call {

    private final List<byte[]> args;
    private final String name;
    private final RespSession session;
    private final RespStore store;

    Call(List<byte[]> args, String name, RespSession session, RespStore store) {
        this.args = args;
        this.name = name;
        this.session = session;
        this.store = store;
    }

    /** The command's name in lower case, as Redis's errors quote it. */
    String name() {
        return name;
    }

    /** How many arguments, the command's name included. */
    int argc() {
        return args.size();
    }

    List<byte[]> args() {
        return args;
    }

    byte[] arg(int i) {
        return args.get(i);
    }

    String text(int i) {
        return new String(args.get(i), StandardCharsets.UTF_8);
    }

    /** The argument in upper case, for options like NX or EX. */
    String option(int i) {
        return text(i).toUpperCase(Locale.ROOT);
    }

    long integer(int i) {
        Long value = Numbers.tryParseLong(args.get(i));
        if (value == null) {
            throw CommandError.notInteger();
        }
        return value;
    }

    RespSession session() {
        return session;
    }

    RespStore store() {
        return store;
    }

    /** May this command read {@code key} straight from a local engine (no write of ours to it in flight)? */
    boolean direct(byte[] key) {
        return session.mayReadDirectly(store.partitionOf(key));
    }
}
