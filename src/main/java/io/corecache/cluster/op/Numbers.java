package io.corecache.cluster.op;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * Values read as numbers the way Redis reads them: an integer is an optional '-' and at most 19 digits,
 * with no spaces, '+' or leading zeros; a float is a finite decimal number, no spaces, no "inf" or "nan".
 */
public final class Numbers {

    /** Redis's MAX_LONG_DOUBLE_CHARS: longer text is not a float. */
    private static final int MAX_DECIMAL_CHARS = 5 * 1024;

    private Numbers() {
    }

    /** The value as a 64-bit integer; throws {@link OperationException} {@code not_integer} otherwise. */
    public static long parseLong(byte[] value) {
        Long parsed = tryParseLong(value);
        if (parsed == null) {
            throw new OperationException(OperationException.NOT_INTEGER, "value is not an integer or out of range");
        }
        return parsed;
    }

    /** The bytes as a canonical decimal 64-bit integer, or null if they are not one. */
    public static Long tryParseLong(byte[] value) {
        int n = value.length;
        if (n == 0 || n > 20) {
            return null;
        }
        boolean negative = value[0] == '-';
        int start = negative ? 1 : 0;
        if (start == n || (value[start] == '0' && n > start + 1) || (negative && value[start] == '0')) {
            return null; // "-", leading zeros, "-0"
        }
        long result = 0;
        for (int i = start; i < n; i++) {
            int digit = value[i] - '0';
            if (digit < 0 || digit > 9) {
                return null;
            }
            // Accumulate negatively: Long.MIN_VALUE has no positive counterpart.
            if (result < (Long.MIN_VALUE + digit) / 10) {
                return null;
            }
            result = result * 10 - digit;
        }
        if (!negative) {
            if (result == Long.MIN_VALUE) {
                return null;
            }
            result = -result;
        }
        return result;
    }

    /** The value as a finite decimal number; throws {@link OperationException} {@code not_float} otherwise. */
    public static BigDecimal parseDecimal(byte[] value) {
        String text = new String(value, StandardCharsets.US_ASCII);
        try {
            if (value.length >= MAX_DECIMAL_CHARS) {
                throw new NumberFormatException("too long");
            }
            // Double first: it rejects what is not a number and tells a finite one from one out of range,
            // before BigDecimal would happily build a number with a billion-digit exponent.
            double d = Double.parseDouble(text);
            if (value.length == 0 || Double.isInfinite(d) || Double.isNaN(d) || !isPlainNumber(text)) {
                throw new NumberFormatException(text);
            }
            BigDecimal parsed = new BigDecimal(text);
            if (parsed.signum() == 0) {
                return BigDecimal.ZERO; // "0e-999999999": drop a scale that would make every sum huge
            }
            if (d == 0.0) {
                throw new NumberFormatException(text); // underflow: strtold's ERANGE, refused by Redis
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new OperationException(OperationException.NOT_FLOAT, "value is not a valid float");
        }
    }

    /** A number as Redis prints an INCRBYFLOAT result: plain digits, no exponent, no trailing zeros. */
    public static String formatDecimal(BigDecimal value) {
        if (Double.isInfinite(value.doubleValue())) {
            throw new OperationException(OperationException.OVERFLOW, "increment would produce NaN or Infinity");
        }
        BigDecimal stripped = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
        return stripped.toPlainString();
    }

    static void checkLength(long length, int maxValueBytes) {
        if (length > maxValueBytes) {
            throw new OperationException(OperationException.TOO_LARGE,
                    "string exceeds maximum allowed size: " + length + " bytes; the limit is " + maxValueBytes);
        }
    }

    /** Java's parser takes "1d", "0x1p3" and surrounding spaces; a stored value must be a plain number. */
    private static boolean isPlainNumber(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
                return false;
            }
        }
        return true;
    }
}
