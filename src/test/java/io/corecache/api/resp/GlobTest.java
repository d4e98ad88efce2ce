package io.corecache.api.resp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Glob patterns case by case against Redis's stringmatchlen (util.c) and the examples of the KEYS page, and
 * the literal prefix a scan may restrict itself to.
 */
class GlobTest {

    @Test
    void keysPageExamples() {
        // https://redis.io/commands/keys/
        matches("h?llo", "hello", "hallo", "hxllo");
        doesNotMatch("h?llo", "hllo", "heello");
        matches("h*llo", "hllo", "heeeello", "hello");
        matches("h[ae]llo", "hello", "hallo");
        doesNotMatch("h[ae]llo", "hillo");
        matches("h[^e]llo", "hallo", "hbllo");
        doesNotMatch("h[^e]llo", "hello");
        matches("h[a-b]llo", "hallo", "hbllo");
        doesNotMatch("h[a-b]llo", "hcllo");
    }

    @Test
    void starMatchesAnyRunOfBytesIncludingNone() {
        matches("*", "", "a", "anything at all", "\u0000\n");
        matches("a*", "a", "abc");
        doesNotMatch("a*", "", "ba");
        matches("*a", "a", "bca");
        doesNotMatch("*a", "ab");
        matches("a*b*c", "abc", "aXbYc", "abbbc", "acbc");
        doesNotMatch("a*b*c", "acb", "ab");
        matches("**", "", "xyz");
        matches("a**b", "ab", "axxb");
        matches("*.*", "user.1", ".");
        doesNotMatch("*.*", "user1");
    }

    @Test
    void questionMarkIsExactlyOneByte() {
        matches("?", "a", "?", "*");
        doesNotMatch("?", "", "ab");
        matches("??", "ab");
        doesNotMatch("??", "a", "abc");
        matches("a?c", "abc", "a c");
    }

    @Test
    void questionMarkMatchesOneByteNotOneCharacter() {
        // Redis matches bytes: a two-byte UTF-8 character is two '?'.
        assertTrue(glob("??").matches("é".getBytes(StandardCharsets.UTF_8)));
        assertFalse(glob("?").matches("é".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void classesMatchOneByteOfTheSet() {
        matches("[abc]", "a", "b", "c");
        doesNotMatch("[abc]", "d", "", "ab");
        matches("x[abc]y", "xay", "xcy");
        doesNotMatch("x[abc]y", "xdy", "xy");
    }

    @Test
    void negatedClassesMatchOneByteOutsideTheSet() {
        matches("[^a]", "b", "^", "]");
        doesNotMatch("[^a]", "a", "", "bb");
        matches("[^abc]x", "dx");
        doesNotMatch("[^abc]x", "ax", "cx");
    }

    @Test
    void rangesIncludeBothEndsInEitherOrder() {
        matches("[a-z]", "a", "m", "z");
        doesNotMatch("[a-z]", "A", "0", "{");
        // stringmatchlen swaps the ends of a reversed range.
        matches("[z-a]", "a", "m", "z");
        doesNotMatch("[z-a]", "A");
        matches("[0-9a-f]", "7", "c");
        doesNotMatch("[0-9a-f]", "g");
        matches("[^0-9]", "x");
        doesNotMatch("[^0-9]", "5");
    }

    @Test
    void emptyClassMatchesNothingAndNegatedEmptyClassAnything() {
        doesNotMatch("[]", "", "a", "]");
        matches("[^]", "a", "]");
        doesNotMatch("[^]", "");
    }

    @Test
    void unterminatedClassEndsAtThePatternsEnd() {
        // stringmatchlen stops a class at the end of the pattern as if it were closed.
        matches("[abc", "a", "c");
        doesNotMatch("[abc", "d");
        matches("x[ab", "xa");
    }

    @Test
    void backslashEscapesTheNextByte() {
        matches("\\*", "*");
        doesNotMatch("\\*", "a", "");
        matches("\\?", "?");
        doesNotMatch("\\?", "a");
        matches("\\[a]", "[a]");
        doesNotMatch("\\[a]", "a");
        matches("a\\\\b", "a\\b");
        matches("\\a", "a");
        matches("user\\*\\?*", "user*?", "user*?42");
        doesNotMatch("user\\*\\?*", "userx?42");
    }

    @Test
    void escapesInsideAClass() {
        matches("[\\]]", "]");
        doesNotMatch("[\\]]", "\\");
        matches("[\\^a]", "^", "a");
        matches("[a\\-z]", "a", "-", "z");
        doesNotMatch("[a\\-z]", "m");
    }

    @Test
    void trailingBackslashIsALiteralBackslash() {
        matches("a\\", "a\\");
        doesNotMatch("a\\", "a", "ab");
        matches("\\", "\\");
    }

    @Test
    void emptyPatternMatchesOnlyTheEmptyKey() {
        matches("", "");
        doesNotMatch("", "a", " ");
    }

    @Test
    void matchesBinaryBytes() {
        Glob glob = new Glob(new byte[] {0, '*', (byte) 0xFF});
        assertTrue(glob.matches(new byte[] {0, (byte) 0xFF}));
        assertTrue(glob.matches(new byte[] {0, 1, 2, (byte) 0xFF}));
        assertFalse(glob.matches(new byte[] {1, (byte) 0xFF}));
        Glob range = new Glob(new byte[] {'[', (byte) 0x80, '-', (byte) 0xFF, ']'});
        assertTrue(range.matches(new byte[] {(byte) 0x90}));
        assertFalse(range.matches(new byte[] {0x10}));
    }

    @Test
    void manyStarsAgainstALongNonMatchingKeyFinishQuickly() {
        // Redis 7.0.9 fixed this (CVE-2022-36021): a pattern like "*a*a*...*b" against "aaaa...a" makes naive
        // backtracking take exponential time, and KEYS/SCAN MATCH from any client would stall the node.
        // Redis gives up as soon as the rest of the pattern matched nowhere.
        // Sized so that naive backtracking costs seconds (not hours): the test fails in bounded time.
        String pattern = "*a".repeat(8) + "b";
        byte[] key = "a".repeat(46).getBytes(StandardCharsets.US_ASCII);
        assertTimeout(Duration.ofSeconds(1), () -> assertFalse(glob(pattern).matches(key)));
    }

    @Test
    void aLongPatternAgainstALongKeyDoesNotOverflowTheStack() {
        // Keys may be up to 65535 bytes (max-key-bytes); matching must not recurse once per byte of the key.
        String pattern = "*a".repeat(20_000);
        byte[] key = "a".repeat(20_000).getBytes(StandardCharsets.US_ASCII);
        assertTimeout(Duration.ofSeconds(5), () -> assertTrue(glob(pattern).matches(key)));
        assertTimeout(Duration.ofSeconds(5), () -> assertFalse(glob(pattern + "b").matches(key)));
    }

    @Test
    void literalPrefixIsThePatternUpToItsFirstSpecialByte() {
        prefix("user:*", "user:");
        prefix("user:1?", "user:1");
        prefix("user:[ab]", "user:");
        prefix("exact", "exact");
        prefix("*", "");
        prefix("?x", "");
        prefix("[a]x", "");
        prefix("", "");
    }

    @Test
    void literalPrefixReadsEscapesAsTheBytesTheyStandFor() {
        prefix("a\\*b*", "a*b");
        prefix("\\[x\\]?", "[x]");
        prefix("a\\\\*", "a\\");
    }

    @Test
    void literalPrefixOfATrailingBackslashIsAPrefixOfEveryMatch() {
        Glob glob = glob("ab\\");
        byte[] prefix = glob.literalPrefix();
        byte[] key = ascii("ab\\");
        assertTrue(glob.matches(key));
        assertTrue(startsWith(key, prefix), new String(prefix, StandardCharsets.ISO_8859_1));
    }

    @Test
    void everyMatchStartsWithTheLiteralPrefix() {
        String[] patterns = {"user:*", "u\\*x?", "a[bc]d", "ab\\", "k\\?", "plain", "x*y*z"};
        String[] keys = {"user:", "user:1", "u*xy", "abd", "acd", "ab\\", "k?", "plain", "xyz", "xAyBz", "other"};
        for (String pattern : patterns) {
            Glob glob = glob(pattern);
            byte[] prefix = glob.literalPrefix();
            for (String key : keys) {
                if (glob.matches(ascii(key))) {
                    assertTrue(startsWith(ascii(key), prefix), pattern + " matched " + key);
                }
            }
        }
    }

    private static void matches(String pattern, String... texts) {
        for (String text : texts) {
            assertTrue(glob(pattern).matches(ascii(text)), "'" + pattern + "' should match '" + text + "'");
        }
    }

    private static void doesNotMatch(String pattern, String... texts) {
        for (String text : texts) {
            assertFalse(glob(pattern).matches(ascii(text)), "'" + pattern + "' should not match '" + text + "'");
        }
    }

    private static void prefix(String pattern, String expected) {
        assertArrayEquals(ascii(expected), glob(pattern).literalPrefix(), "prefix of '" + pattern + "'");
    }

    private static Glob glob(String pattern) {
        return new Glob(ascii(pattern));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (prefix.length > bytes.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
