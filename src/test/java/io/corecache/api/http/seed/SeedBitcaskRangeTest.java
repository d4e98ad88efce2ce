package io.corecache.api.http.seed;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pure parts of the Bitcask dialect's range: which bounds are numeric, how a numeric window jumps over
 * a run of longer keys without skipping a wanted one, and Rust's debug format of the answer. The routes
 * themselves are tested against a real node in {@link SeedRoutesTest}.
 */
class SeedBitcaskRangeTest {

    @Test
    void onlyPlainDecimalIntegersMakeANumericRange() {
        assertTrue(SeedBitcaskRange.numeric("0", "18446744073709551615"));
        assertFalse(SeedBitcaskRange.numeric("01", "10"));
        assertFalse(SeedBitcaskRange.numeric("-1", "10"));
        assertFalse(SeedBitcaskRange.numeric("1", "1e3"));
        assertFalse(SeedBitcaskRange.numeric("1", "123456789012345678901"));
        assertFalse(SeedBitcaskRange.numeric("", "1"));
    }

    @Test
    void aDigitsWindowWantsExactlyTheIntegersOfItsLength() {
        SeedBitcaskRange.Digits two = new SeedBitcaskRange.Digits(2);
        assertTrue(two.wanted(bytes("15")));
        assertFalse(two.wanted(bytes("150")));
        assertFalse(two.wanted(bytes("5")));
        assertFalse(two.wanted(bytes("05")));
        assertFalse(two.wanted(bytes("1a")));
    }

    @Test
    void aDigitsWindowJumpsPastTheRunOfItsLastKeysPrefix() {
        SeedBitcaskRange.Digits two = new SeedBitcaskRange.Digits(2);
        assertArrayEquals(bytes("16"), two.resumeAfter(bytes("150")));
        assertArrayEquals(bytes("1:"), two.resumeAfter(bytes("1999")), "past \"19\" is \"1:\" in byte order");
        assertArrayEquals(bytes("1\0"), two.resumeAfter(bytes("1")), "a shorter key: its successor");
        assertArrayEquals(bytes("15\0"), two.resumeAfter(bytes("15")), "a wanted key: its successor");
        assertArrayEquals(bytes("1a\0"), two.resumeAfter(bytes("1a")), "not digits: its successor");
    }

    @Test
    void entriesPrintAsRustsDebugOfAVecOfKv() {
        String out = SeedBitcaskRange.format(List.of(
                new SeedStore.Entry(bytes("42"), bytes("a \"b\"\\\n\t\r\0\u0001'é")),
                new SeedStore.Entry(bytes("k"), bytes(""))));
        assertEquals("Value: [KV { key: 42, value: \"a \\\"b\\\"\\\\\\n\\t\\r\\0\\u{1}'é\" }, "
                + "KV { key: \"k\", value: \"\" }]", out);
        assertEquals("Value: []", SeedBitcaskRange.format(List.of()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
