package io.corecache.api.resp;

/**
 * A command refused with a RESP error; {@code reply} is the whole error line after '-', prefix first
 * ("ERR syntax error", "NOAUTH Authentication required."). Thrown by handlers, or completing their stage.
 */
final class CommandError extends RuntimeException {

    private final String reply;

    CommandError(String reply) {
        super(reply, null, false, false);
        this.reply = reply;
    }

    static CommandError err(String message) {
        return new CommandError("ERR " + message);
    }

    static CommandError syntax() {
        return err("syntax error");
    }

    static CommandError notInteger() {
        return err("value is not an integer or out of range");
    }

    String reply() {
        return reply;
    }
}
