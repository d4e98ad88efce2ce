package io.corecache.api.resp;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Every command the endpoint knows, by lower-case name. Built once; read by every connection. */
final class CommandTable {

    private final Map<String, CommandSpec> commands = new TreeMap<>();

    CommandSpec find(String lowerCaseName) {
        return commands.get(lowerCaseName);
    }

    Collection<CommandSpec> all() {
        return commands.values();
    }

    /** A command that reads or does no harm; {@code firstKey} 0 when it has no keys. */
    void read(String name, int arity, int firstKey, int lastKey, int step, CommandHandler handler) {
        add(new CommandSpec(name, arity, List.of("readonly", "fast"), false, false, firstKey, lastKey, step, handler));
    }

    void write(String name, int arity, int firstKey, int lastKey, int step, CommandHandler handler) {
        add(new CommandSpec(name, arity, List.of("write"), true, false, firstKey, lastKey, step, handler));
    }

    /** A command of several steps one after another (see {@link CommandSpec}). */
    void sequential(String name, int arity, boolean write, int firstKey, int lastKey, int step,
                    CommandHandler handler) {
        add(new CommandSpec(name, arity, List.of(write ? "write" : "readonly"), write, true, firstKey, lastKey, step,
                handler));
    }

    /** A command about the connection or the server, no keys. */
    void server(String name, int arity, CommandHandler handler) {
        add(new CommandSpec(name, arity, List.of("fast"), false, false, 0, 0, 0, handler));
    }

    private void add(CommandSpec spec) {
        String key = spec.name().toLowerCase(Locale.ROOT);
        if (commands.putIfAbsent(key, spec) != null) {
            throw new IllegalStateException("command registered twice: " + key);
        }
    }
}
