package io.corecache.api.resp;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** What the decoder produces: a command to execute, or a protocol error after which the connection closes. */
public sealed interface Request permits Request.Command, Request.ProtocolError {

    /**
     * One command: its arguments (args.get(0) is the command name, as sent). An argument longer than the
     * decoder's maxArgumentBytes is not kept: its slot holds null, and tooLargeIndex/tooLargeLength name the
     * first such argument (tooLargeIndex -1 when none), so the server can answer "-ERR ... too large" and keep
     * the connection.
     */
    record Command(List<byte[]> args, int tooLargeIndex, long tooLargeLength) implements Request {

        public Command {
            Objects.requireNonNull(args, "args");
            if (args.isEmpty()) {
                throw new IllegalArgumentException("a command has at least its name");
            }
            if (tooLargeIndex < -1 || tooLargeIndex >= args.size()) {
                throw new IllegalArgumentException("tooLargeIndex " + tooLargeIndex + " outside " + args.size()
                        + " arguments");
            }
            // A view, not a copy: slots may be null (List.copyOf refuses those) and the decoder never
            // touches a list again once it has handed it over.
            args = Collections.unmodifiableList(args);
        }

        /** A command whose arguments were all kept. */
        public static Command of(List<byte[]> args) {
            return new Command(args, -1, 0);
        }

        /** True when some argument exceeded the limit; the server refuses the command but keeps the connection. */
        public boolean hasTooLargeArgument() {
            return tooLargeIndex >= 0;
        }
    }

    /** A framing error; message is what follows "-ERR " in the reply, e.g. "Protocol error: invalid bulk length". */
    record ProtocolError(String message) implements Request {

        public ProtocolError {
            Objects.requireNonNull(message, "message");
        }
    }
}
