package io.corecache.cluster;

/**
 * A node refuses to start for a reason its operator can fix (a data directory made with another partition
 * count, a port in use, a bad setting). The message says what is wrong and what to do; nothing was changed.
 */
public final class NodeStartException extends RuntimeException {

    public NodeStartException(String message) {
        super(message);
    }

    public NodeStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
