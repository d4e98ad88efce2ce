package io.corecache.api.resp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Inline splitting, case by case against what Redis's sdssplitargs gives for the same line. */
class InlineSplitterTest {

    @Test
    void blanksSeparateArguments() {
        assertEquals(List.of("SET", "k", "v"), split("SET k v"));
        assertEquals(List.of("SET", "k", "v"), split("  SET \t k\t\tv  "));
    }

    @Test
    void blankLineHasNoArguments() {
        assertEquals(List.of(), split(""));
        assertEquals(List.of(), split(" \t "));
    }

    @Test
    void doubleQuotesKeepBlanksAndUnderstandEscapes() {
        assertEquals(List.of("SET", "a key", "x\ny\r\t\b\u0007\\\"z"),
                split("SET \"a key\" \"x\\ny\\r\\t\\b\\a\\\\\\\"z\""));
    }

    @Test
    void hexEscapeGivesAnyByte() {
        List<byte[]> args = InlineSplitterTest.splitBytes("\"\\x00\\xfF\\x41\"");
        assertArrayEquals(new byte[] {0, (byte) 0xff, 'A'}, args.get(0));
    }

    @Test
    void unknownOrIncompleteEscapeStandsForTheCharacter() {
        assertEquals(List.of("xZZ", "q", "x4"), split("\"\\xZZ\" \"\\q\" \"\\x4\""));
    }

    @Test
    void singleQuotesUnderstandOnlyEscapedQuote() {
        assertEquals(List.of("it's", "a\\nb"), split("'it\\'s' 'a\\nb'"));
    }

    @Test
    void emptyQuotesAreAnEmptyArgument() {
        List<String> args = split("SET k \"\"");
        assertEquals(List.of("SET", "k", ""), args);
        assertEquals(List.of(""), split("''"));
    }

    @Test
    void quoteInsideABareWordStartsAQuotedPart() {
        assertEquals(List.of("foobar baz"), split("foo\"bar baz\""));
    }

    @Test
    void unbalancedQuotesAreRefused() {
        assertNull(InlineSplitter.split(bytes("\"abc"), 0, 4));
        assertNull(InlineSplitter.split(bytes("'abc"), 0, 4));
        assertNull(InlineSplitter.split(bytes("\"abc\\\""), 0, 6));
    }

    @Test
    void closingQuoteMustBeFollowedByABlankOrTheEnd() {
        assertNull(InlineSplitter.split(bytes("\"a\"b"), 0, 4));
        assertNull(InlineSplitter.split(bytes("'a'b"), 0, 4));
        assertEquals(List.of("a", "b"), split("\"a\"\tb"));
    }

    @Test
    void bytesAreKeptAsSentNotDecoded() {
        byte[] line = {'S', 'E', 'T', ' ', (byte) 0xc3, (byte) 0x28, 0, ' ', (byte) 0xff};
        List<byte[]> args = InlineSplitter.split(line, 0, line.length);
        assertEquals(3, args.size());
        assertArrayEquals(new byte[] {(byte) 0xc3, (byte) 0x28, 0}, args.get(1));
        assertArrayEquals(new byte[] {(byte) 0xff}, args.get(2));
    }

    @Test
    void splitsOnlyTheGivenRange() {
        byte[] line = bytes("xxGET k\r\nyy");
        assertEquals(List.of("GET", "k"), strings(InlineSplitter.split(line, 2, 7)));
    }

    private static List<String> split(String line) {
        return strings(splitBytes(line));
    }

    private static List<byte[]> splitBytes(String line) {
        byte[] b = bytes(line);
        return InlineSplitter.split(b, 0, b.length);
    }

    private static List<String> strings(List<byte[]> args) {
        List<String> out = new ArrayList<>();
        for (byte[] arg : args) {
            out.add(new String(arg, StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
