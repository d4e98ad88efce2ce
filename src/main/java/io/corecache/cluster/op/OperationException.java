package io.corecache.cluster.op;

/**
 * An operation that cannot apply to the key as it is (not an integer, an overflow, a bad expiry); the key
 * is left unchanged. {@code code} is stable: fronts turn it into their own wording (RESP's
 * "value is not an integer or out of range").
 */
public final class OperationException extends RuntimeException {

    public static final String NOT_INTEGER = "not_integer";
    public static final String NOT_FLOAT = "not_float";
    public static final String OVERFLOW = "overflow";
    public static final String BAD_EXPIRY = "bad_expiry";
    public static final String OUT_OF_RANGE = "out_of_range";
    public static final String TOO_LARGE = "value_too_large";

    private final String code;

    public OperationException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
