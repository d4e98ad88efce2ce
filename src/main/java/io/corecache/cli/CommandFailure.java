package io.corecache.cli;

/** A command could not do its job for a reason the user can read and act on; printed without a stack trace. */
final class CommandFailure extends RuntimeException {

    CommandFailure(String message) {
        super(message);
    }

    CommandFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
