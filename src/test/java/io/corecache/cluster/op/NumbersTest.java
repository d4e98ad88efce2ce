package io.corecache.cluster.op;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Numbers read as Redis reads them: integers as util.c's string2ll (optional '-', digits, no '+', spaces or
 * leading zeros, within 64 bits), floats as string2ld (a finite number, no surrounding spaces), results
 * printed as INCRBYFLOAT prints them.
 */
class NumbersTest {

    @Test
    void canonicalIntegersParse() {
        assertEquals(0L, Numbers.tryParseLong(ascii("0")));
        assertEquals(7L, Numbers.tryParseLong(ascii("7")));
        assertEquals(-7L, Numbers.tryParseLong(ascii("-7")));
        assertEquals(1234567890L, Numbers.tryParseLong(ascii("1234567890")));
        assertEquals(Long.MAX_VALUE, Numbers.tryParseLong(ascii("9223372036854775807")));
        assertEquals(Long.MIN_VALUE, Numbers.tryParseLong(ascii("-9223372036854775808")));
        assertEquals(Long.MAX_VALUE - 1, Numbers.parseLong(ascii("9223372036854775806")));
    }

    @Test
    void nonCanonicalIntegersAreRefused() {
        for (String bad : new String[] {"", "-", " 1", "1 ", " ", "+1", "+0", "01", "00", "-01", "-0", "1.0",
                "1e3", "0x1F", "1_000", "１", "1\0", "\t1", "abc", "--1", "1-"}) {
            assertNull(Numbers.tryParseLong(utf8(bad)), "'" + bad + "'");
        }
    }

    @Test
    void integersOutsideSixtyFourBitsAreRefused() {
        for (String bad : new String[] {"9223372036854775808", "9223372036854775809", "-9223372036854775809",
                "10000000000000000000", "18446744073709551616", "99999999999999999999", "-99999999999999999999",
                "123456789012345678901"}) {
            assertNull(Numbers.tryParseLong(ascii(bad)), bad);
        }
    }

    @Test
    void everyLongRoundTripsThroughItsDecimalText() {
        long[] samples = {0, 1, -1, 9, 10, 99, 100, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE,
                Long.MIN_VALUE, Long.MAX_VALUE / 10, Long.MIN_VALUE / 10, Long.MAX_VALUE - 7, Long.MIN_VALUE + 8};
        for (long n : samples) {
            assertEquals(n, Numbers.tryParseLong(ascii(Long.toString(n))), Long.toString(n));
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(10);
        for (int i = 0; i < 10_000; i++) {
            long n = random.nextLong();
            assertEquals(n, Numbers.tryParseLong(ascii(Long.toString(n))));
        }
    }

    @Test
    void parseLongThrowsNotInteger() {
        OperationException e = assertThrows(OperationException.class, () -> Numbers.parseLong(ascii("1 ")));
        assertEquals(OperationException.NOT_INTEGER, e.code());
    }

    @Test
    void decimalsParseAsRedisAcceptsThem() {
        assertEquals(0, new BigDecimal("10.5").compareTo(Numbers.parseDecimal(ascii("10.50"))));
        assertEquals(0, new BigDecimal("5000").compareTo(Numbers.parseDecimal(ascii("5.0e3"))));
        assertEquals(0, new BigDecimal("200").compareTo(Numbers.parseDecimal(ascii("2.0E2"))));
        assertEquals(0, new BigDecimal("-0.25").compareTo(Numbers.parseDecimal(ascii("-.25"))));
        assertEquals(0, new BigDecimal("1.5").compareTo(Numbers.parseDecimal(ascii("+1.5"))));
        assertEquals(0, new BigDecimal("3").compareTo(Numbers.parseDecimal(ascii("3"))));
        assertEquals(0, new BigDecimal("0.001").compareTo(Numbers.parseDecimal(ascii("1e-3"))));
    }

    @Test
    void nonFiniteOrNonNumericDecimalsAreRefused() {
        for (String bad : new String[] {"", " ", " 1", "1 ", "\t1", "inf", "-inf", "+inf", "Infinity",
                "-Infinity", "nan", "NaN", "1e999", "-1e999", "1d", "1f", "0x1p3", "abc", "1,5", "1..2", "e3",
                "1e"}) {
            OperationException e = assertThrows(OperationException.class, () -> Numbers.parseDecimal(ascii(bad)),
                    "'" + bad + "'");
            assertEquals(OperationException.NOT_FLOAT, e.code(), bad);
        }
    }

    @Test
    void decimalsThatUnderflowAreRefusedAsRedisDoes() {
        // string2ld refuses strtold's ERANGE: a non-zero number too small for a long double is not a float.
        OperationException e = assertThrows(OperationException.class, () -> Numbers.parseDecimal(ascii("1e-99999")));
        assertEquals(OperationException.NOT_FLOAT, e.code());
    }

    @Test
    void zeroWithAHugeExponentIsPlainZero() {
        // Redis reads "0e-999999999" as 0; the parsed number must not carry a billion-digit scale into sums.
        assertEquals(0, BigDecimal.ZERO.compareTo(Numbers.parseDecimal(ascii("0e-999999999"))));
        assertEquals(0, Numbers.parseDecimal(ascii("0e-999999999")).scale());
    }

    @Test
    void decimalTextOfFiveKibibytesOrMoreIsRefusedAsRedisDoes() {
        // util.c string2ld: a float longer than MAX_LONG_DOUBLE_CHARS (5 * 1024) is not a float.
        String longOne = "1." + "0".repeat(5 * 1024);
        OperationException e = assertThrows(OperationException.class, () -> Numbers.parseDecimal(ascii(longOne)));
        assertEquals(OperationException.NOT_FLOAT, e.code());
        assertEquals(0, BigDecimal.ONE.compareTo(Numbers.parseDecimal(ascii("1." + "0".repeat(5000)))));
    }

    @Test
    void resultsPrintPlainWithoutExponentOrTrailingZeros() {
        assertEquals("10.6", Numbers.formatDecimal(new BigDecimal("10.60")));
        assertEquals("5200", Numbers.formatDecimal(new BigDecimal("5.2E+3")));
        assertEquals("5200", Numbers.formatDecimal(new BigDecimal("5200.000")));
        assertEquals("0", Numbers.formatDecimal(new BigDecimal("0.000")));
        assertEquals("0", Numbers.formatDecimal(new BigDecimal("-0.0")));
        assertEquals("0", Numbers.formatDecimal(new BigDecimal("0E+5")));
        assertEquals("-3.25", Numbers.formatDecimal(new BigDecimal("-3.2500")));
        assertEquals("0.0001", Numbers.formatDecimal(new BigDecimal("1E-4")));
        assertEquals("100000000000000000000", Numbers.formatDecimal(new BigDecimal("1E+20")));
    }

    @Test
    void anInfiniteResultIsRefused() {
        OperationException e = assertThrows(OperationException.class,
                () -> Numbers.formatDecimal(new BigDecimal("1.7e308").add(new BigDecimal("1.7e308"))));
        assertEquals(OperationException.OVERFLOW, e.code(), "Redis: increment would produce NaN or Infinity");
        assertEquals("increment would produce NaN or Infinity", e.getMessage());
    }

    @Test
    void checkLengthAllowsTheLimitAndRefusesOnePast() {
        Numbers.checkLength(10, 10);
        Numbers.checkLength(0, 0);
        OperationException e = assertThrows(OperationException.class, () -> Numbers.checkLength(11, 10));
        assertEquals(OperationException.TOO_LARGE, e.code());
        assertThrows(OperationException.class, () -> Numbers.checkLength(Long.MAX_VALUE, Integer.MAX_VALUE));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
