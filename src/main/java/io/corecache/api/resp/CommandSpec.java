package io.corecache.api.resp;

import java.util.List;

/**
 * A command as the table knows it: Redis's arity (n: exactly n arguments with the name; -n: at least n),
 * its flags, where its keys are (first, last (-1: the last argument), step; 0 when it has none), and its
 * handler.
 *
 * <p>{@code sequential} marks commands that take several steps one after another (RENAME reads, then writes,
 * then deletes): the connection starts nothing after one until it is done, so a pipelined command never
 * overtakes its steps. Others send everything they need at once, and later commands may start meanwhile:
 * messages to one partition keep their order.
 */
record CommandSpec(String name, int arity, List<String> flags, boolean write, boolean sequential,
                   int firstKey, int lastKey, int step, CommandHandler handler) {

    boolean acceptsArgc(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    /** The positions of the command's keys in {@code argc} arguments. */
    int[] keyPositions(int argc) {
        if (firstKey == 0) {
            return new int[0];
        }
        int last = lastKey < 0 ? argc + lastKey : Math.min(lastKey, argc - 1);
        if (last < firstKey) {
            return new int[0];
        }
        int[] positions = new int[(last - firstKey) / step + 1];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = firstKey + i * step;
        }
        return positions;
    }
}
