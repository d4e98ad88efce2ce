package io.corecache.engine;

/**
 * A caller's mistake (empty or oversized key, oversized value, bad option). Nothing was changed.
 * The code is stable, so the HTTP and Redis fronts can map it to their own error replies.
 */
public class InvalidArgumentException extends IllegalArgumentException {

    private final String code;

    public InvalidArgumentException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
