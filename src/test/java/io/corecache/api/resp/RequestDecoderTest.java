package io.corecache.api.resp;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the server sees for a given byte stream. Requests are shown as text ("SET k v", "ERR message", a dropped
 * argument as "<too large>") so that whole streams compare in one assertion.
 */
class RequestDecoderTest {

    private static final int MAX_ARGUMENT = 1024;
    private static final long MAX_BULK = 1 << 20;
    private static final int MAX_INLINE = 1024;
    private static final int MAX_MULTIBULK = 1024;

    // ---- commands

    @Test
    void setAndGetMultibulk() {
        assertEquals(List.of("SET key value", "GET key"),
                decodeWhole("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n"));
    }

    @Test
    void bulkArgumentsAreBinarySafe() {
        List<Request> requests = decoder().feed(bytes("*2\r\n$3\r\nSET\r\n$6\r\na\0\r\nb\n\r\n"));
        Request.Command command = assertInstanceOf(Request.Command.class, requests.get(0));
        assertArrayEquals(new byte[] {'a', 0, '\r', '\n', 'b', '\n'}, command.args().get(1));
        assertFalse(command.hasTooLargeArgument());
        assertEquals(-1, command.tooLargeIndex());
    }

    @Test
    void emptyBulkIsAnEmptyArgument() {
        List<Request> requests = decoder().feed(bytes("*3\r\n$3\r\nSET\r\n$0\r\n\r\n$0\r\n\r\n"));
        Request.Command command = assertInstanceOf(Request.Command.class, requests.get(0));
        assertEquals(3, command.args().size());
        assertArrayEquals(new byte[0], command.args().get(1));
        assertArrayEquals(new byte[0], command.args().get(2));
    }

    @Test
    void emptyAndNegativeMultibulkProduceNothing() {
        assertEquals(List.of(), decodeWhole("*0\r\n"));
        assertEquals(List.of(), decodeWhole("*-1\r\n"));
        assertEquals(List.of("PING"), decodeWhole("*0\r\n*-1\r\n*-10\r\n*1\r\n$4\r\nPING\r\n"));
    }

    @Test
    void everySplitOfAPipelineGivesTheSameCommands() {
        String pipeline = "*3\r\n$3\r\nSET\r\n$3\r\nk\0y\r\n$0\r\n\r\n"
                + "get \"k\\x00y\"\r\n"
                + "*2\r\n$3\r\nDEL\r\n$11\r\nk\r\n\"y'\t\\ 12\r\n";
        List<String> expected = List.of("SET k\\0y ", "get k\\0y", "DEL k\\r\\n\"y'\\t\\ 12");
        assertSameForEverySplit(pipeline, expected);
    }

    @Test
    void everySplitOfAnErroneousStreamGivesTheSameError() {
        assertSameForEverySplit("PING\r\n*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPINGxx",
                List.of("PING", "PING", "ERR Protocol error: expected CRLF after bulk string"));
        assertSameForEverySplit("*1\r\n$4\r\nPING\r\nSET \"a\"b c\r\n",
                List.of("PING", "ERR Protocol error: unbalanced quotes in request"));
    }

    @Test
    void tenThousandPipelinedCommandsInOneChunk() {
        StringBuilder pipeline = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String key = "key:" + i;
            pipeline.append("*3\r\n$3\r\nSET\r\n$").append(key.length()).append("\r\n").append(key)
                    .append("\r\n$3\r\nxxx\r\n");
            expected.add("SET " + key + " xxx");
        }
        assertEquals(expected, decodeWhole(pipeline.toString()));
    }

    @Test
    void oversizedBulkIsDroppedAndTheCommandStillComesOut() {
        RequestDecoder decoder = new RequestDecoder(16, MAX_BULK, MAX_INLINE, MAX_MULTIBULK);
        int size = 1 << 20;
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(raw("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$" + size + "\r\n"));
        stream.writeBytes(new byte[size]);
        stream.writeBytes(raw("\r\n*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n"));
        byte[] all = stream.toByteArray();

        List<Request> requests = new ArrayList<>();
        for (int from = 0; from < all.length; from += 4096) {
            requests.addAll(decoder.feed(ByteString.fromArray(all, from, Math.min(4096, all.length - from))));
        }

        assertEquals(2, requests.size());
        Request.Command set = assertInstanceOf(Request.Command.class, requests.get(0));
        assertTrue(set.hasTooLargeArgument());
        assertEquals(2, set.tooLargeIndex());
        assertEquals(size, set.tooLargeLength());
        assertNull(set.args().get(2));
        assertEquals("SET key <too large>", describe(set));
        assertEquals("GET key", describe(requests.get(1)));
    }

    @Test
    void oversizedBulkIsStreamedNotBuffered() {
        // 256 MiB declared and sent (the same 1 MiB array again and again): only counted, never kept.
        long size = 256L << 20;
        RequestDecoder decoder = new RequestDecoder(16, 512L << 20, MAX_INLINE, MAX_MULTIBULK);
        assertEquals(List.of(), decoder.feed(bytes("*2\r\n$4\r\nECHO\r\n$" + size + "\r\n")));
        ByteString megabyte = ByteString.fromArrayUnsafe(new byte[1 << 20]);
        for (long sent = 0; sent < size; sent += megabyte.size()) {
            assertEquals(List.of(), decoder.feed(megabyte));
        }
        assertEquals(List.of("ECHO <too large>"), describeAll(decoder.feed(bytes("\r\n"))));
    }

    @Test
    void firstOversizedArgumentIsTheOneNamed() {
        RequestDecoder decoder = new RequestDecoder(4, MAX_BULK, MAX_INLINE, MAX_MULTIBULK);
        Request.Command command = assertInstanceOf(Request.Command.class,
                decoder.feed(bytes("*4\r\n$3\r\nSET\r\n$5\r\nkey:1\r\n$6\r\nvalue!\r\n$1\r\nx\r\n")).get(0));
        assertEquals(1, command.tooLargeIndex());
        assertEquals(5, command.tooLargeLength());
        assertNull(command.args().get(1));
        assertNull(command.args().get(2));
        assertArrayEquals(raw("x"), command.args().get(3));
    }

    @Test
    void argumentOfExactlyTheLimitIsKept() {
        RequestDecoder decoder = new RequestDecoder(5, MAX_BULK, MAX_INLINE, MAX_MULTIBULK);
        assertEquals(List.of("ECHO hello"), describeAll(decoder.feed(bytes("*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n"))));
    }

    // ---- inline

    @Test
    void inlineCommands() {
        assertEquals(List.of("SET k v"), decodeWhole("SET k v\r\n"));
        assertEquals(List.of("get k"), decodeWhole("get k\n"));
        assertEquals(List.of("SET k v", "get k", "PING"), decodeWhole("SET k v\r\nget k\nPING\r\n"));
    }

    @Test
    void inlineQuotesAndEscapes() {
        assertEquals(List.of("SET a\\ key two\\nlines", "SET k it's"),
                decodeWhole("SET \"a\\\\ key\" \"two\\nlines\"\r\nSET k 'it\\'s'\n"));
    }

    @Test
    void inlineArgumentsAreBytes() {
        List<Request> requests = decoder().feed(ByteString.fromArray(new byte[] {'S', 'E', 'T', ' ', 'k', ' ',
                (byte) 0xff, (byte) 0xfe, '\r', '\n'}));
        Request.Command command = assertInstanceOf(Request.Command.class, requests.get(0));
        assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xfe}, command.args().get(2));
    }

    @Test
    void blankInlineLinesProduceNothing() {
        assertEquals(List.of(), decodeWhole("\r\n"));
        assertEquals(List.of(), decodeWhole("\n  \t \r\n"));
        assertEquals(List.of("PING"), decodeWhole("\r\n\nPING\r\n"));
    }

    @Test
    void oversizedInlineArgumentIsDropped() {
        RequestDecoder decoder = new RequestDecoder(4, MAX_BULK, MAX_INLINE, MAX_MULTIBULK);
        Request.Command command = assertInstanceOf(Request.Command.class,
                decoder.feed(bytes("SET k abcdefgh\r\n")).get(0));
        assertEquals(2, command.tooLargeIndex());
        assertEquals(8, command.tooLargeLength());
        assertEquals("SET k <too large>", describe(command));
    }

    // ---- protocol errors

    @Test
    void invalidMultibulkLength() {
        String error = "ERR Protocol error: invalid multibulk length";
        assertEquals(List.of(error), decodeWhole("*abc\r\n"));
        assertEquals(List.of(error), decodeWhole("*" + (MAX_MULTIBULK + 1) + "\r\n"));
        assertEquals(List.of(error), decodeWhole("*\r\n"));
        assertEquals(List.of(error), decodeWhole("*+1\r\n"));
        assertEquals(List.of(error), decodeWhole("*01\r\n"));
        assertEquals(List.of(error), decodeWhole("*99999999999999999999999\r\n"));
    }

    @Test
    void tooBigMultibulkCountString() {
        String count = "*" + "1".repeat(70_000);
        assertSameForEveryChunkSize(count, List.of("ERR Protocol error: too big mbulk count string"));
    }

    @Test
    void tooBigBulkCountString() {
        String header = "*1\r\n$" + "1".repeat(70_000);
        assertSameForEveryChunkSize(header, List.of("ERR Protocol error: too big bulk count string"));
    }

    @Test
    void expectedDollar() {
        // The case from Redis's own tests (unit/protocol.tcl, "Wrong multibulk payload header").
        assertEquals(List.of("ERR Protocol error: expected '$', got 'f'"),
                decodeWhole("*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n"));
        assertEquals(List.of("ERR Protocol error: expected '$', got '\\x01'"),
                decodeWhole("*1\r\n\u0001\r\n"));
    }

    @Test
    void invalidBulkLength() {
        String error = "ERR Protocol error: invalid bulk length";
        assertEquals(List.of(error), decodeWhole("*1\r\n$-1\r\n"));
        assertEquals(List.of(error), decodeWhole("*1\r\n$abc\r\n"));
        assertEquals(List.of(error), decodeWhole("*1\r\n$\r\n"));
        assertEquals(List.of(error), decodeWhole("*1\r\n$" + (MAX_BULK + 1) + "\r\n"));
    }

    @Test
    void expectedCrlfAfterBulk() {
        assertEquals(List.of("ERR Protocol error: expected CRLF after bulk string"),
                decodeWhole("*1\r\n$4\r\nPINGG\r\n"));
        assertEquals(List.of("ERR Protocol error: expected CRLF after bulk string"),
                decodeWhole("*1\r\n$4\r\nPING\rX"));
    }

    @Test
    void tooBigInlineRequest() {
        String error = "ERR Protocol error: too big inline request";
        assertSameForEveryChunkSize("a".repeat(MAX_INLINE + 1), List.of(error));
        assertEquals(List.of(error), decodeWhole("a".repeat(MAX_INLINE + 1) + "\r\n"));
        assertEquals(List.of("a".repeat(MAX_INLINE - 1)), decodeWhole("a".repeat(MAX_INLINE - 1) + "\r\n"));
    }

    @Test
    void unbalancedQuotes() {
        assertEquals(List.of("ERR Protocol error: unbalanced quotes in request"), decodeWhole("SET \"k v\r\n"));
        assertEquals(List.of("ERR Protocol error: unbalanced quotes in request"), decodeWhole("SET 'k'v x\r\n"));
    }

    @Test
    void requestsBeforeAnErrorComeOutThenNothingMore() {
        RequestDecoder decoder = decoder();
        List<Request> requests = decoder.feed(bytes("PING\r\n*1\r\n$4\r\nPING\r\n*x\r\n*1\r\n$4\r\nPING\r\n"));
        assertEquals(List.of("PING", "PING", "ERR Protocol error: invalid multibulk length"), describeAll(requests));
        assertInstanceOf(Request.ProtocolError.class, requests.get(2));
        assertEquals(List.of(), decoder.feed(bytes("*1\r\n$4\r\nPING\r\n")));
        assertEquals(List.of(), decoder.feed(bytes("PING\r\n")));
    }

    @Test
    void everyErrorFinishesTheDecoder() {
        for (String bad : List.of("*abc\r\n", "*1\r\nx\r\n", "*1\r\n$-2\r\n", "*1\r\n$1\r\nab", "\"x\r\n",
                "*" + "9".repeat(70_000), "*1\r\n$" + "9".repeat(70_000), "a".repeat(MAX_INLINE + 1))) {
            RequestDecoder decoder = decoder();
            List<Request> requests = decoder.feed(bytes(bad));
            assertEquals(1, requests.size(), bad);
            assertInstanceOf(Request.ProtocolError.class, requests.get(0));
            assertEquals(List.of(), decoder.feed(bytes("PING\r\n")), bad);
        }
    }

    @Test
    void aBigBulkArrivingInPiecesIsAssembledWhole() {
        byte[] value = new byte[100_000];
        new java.util.Random(7).nextBytes(value);
        byte[] header = raw("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n");
        RequestDecoder decoder = new RequestDecoder(200_000, MAX_BULK, MAX_INLINE, MAX_MULTIBULK);
        List<Request> requests = new ArrayList<>(decoder.feed(ByteString.fromArray(header)));
        for (int at = 0; at < value.length; at += 999) {
            requests.addAll(decoder.feed(ByteString.fromArray(value, at, Math.min(999, value.length - at))));
        }
        requests.addAll(decoder.feed(bytes("\r\n")));
        Request.Command command = assertInstanceOf(Request.Command.class, requests.get(0));
        assertEquals(1, requests.size());
        org.junit.jupiter.api.Assertions.assertArrayEquals(value, command.args().get(2));
    }

    @Test
    void aRequestWhoseKeptArgumentsExceedTheBulkLimitIsAProtocolError() {
        // Each argument is within the limits; together they would make one request hold more than max-bulk-length.
        RequestDecoder decoder = new RequestDecoder(600, 1000, MAX_INLINE, MAX_MULTIBULK);
        String arg = "x".repeat(400);
        List<Request> requests = decoder.feed(bytes("*3\r\n$400\r\n" + arg + "\r\n$400\r\n" + arg
                + "\r\n$400\r\n" + arg + "\r\n"));
        Request.ProtocolError error = assertInstanceOf(Request.ProtocolError.class, requests.get(0));
        assertEquals("Protocol error: request larger than 1000 bytes", error.message());
    }

    // ---- helpers

    private static RequestDecoder decoder() {
        return new RequestDecoder(MAX_ARGUMENT, MAX_BULK, MAX_INLINE, MAX_MULTIBULK);
    }

    private static List<String> decodeWhole(String stream) {
        return describeAll(decoder().feed(bytes(stream)));
    }

    /** Cut in two at every point, and one byte at a time: the server must see the same requests. */
    private static void assertSameForEverySplit(String stream, List<String> expected) {
        byte[] all = raw(stream);
        assertEquals(expected, describeAll(decoder().feed(ByteString.fromArray(all))));
        for (int cut = 0; cut <= all.length; cut++) {
            RequestDecoder decoder = decoder();
            List<Request> requests = new ArrayList<>(decoder.feed(ByteString.fromArray(all, 0, cut)));
            requests.addAll(decoder.feed(ByteString.fromArray(all, cut, all.length - cut)));
            assertEquals(expected, describeAll(requests), "cut at " + cut);
        }
        assertEquals(expected, feedInChunks(all, 1));
    }

    private static void assertSameForEveryChunkSize(String stream, List<String> expected) {
        byte[] all = raw(stream);
        for (int chunk : new int[] {1, 7, 1000, 4096, 65_536, all.length}) {
            assertEquals(expected, feedInChunks(all, chunk), "chunks of " + chunk);
        }
    }

    private static List<String> feedInChunks(byte[] all, int chunk) {
        RequestDecoder decoder = decoder();
        List<Request> requests = new ArrayList<>();
        for (int from = 0; from < all.length; from += chunk) {
            requests.addAll(decoder.feed(ByteString.fromArray(all, from, Math.min(chunk, all.length - from))));
        }
        return describeAll(requests);
    }

    private static List<String> describeAll(List<Request> requests) {
        return requests.stream().map(RequestDecoderTest::describe).toList();
    }

    /** A command as its arguments joined by spaces, control bytes escaped; an error as "ERR message". */
    private static String describe(Request request) {
        if (request instanceof Request.ProtocolError error) {
            return "ERR " + error.message();
        }
        Request.Command command = (Request.Command) request;
        List<String> shown = new ArrayList<>();
        for (byte[] arg : command.args()) {
            shown.add(arg == null ? "<too large>" : escape(arg));
        }
        return String.join(" ", shown);
    }

    private static String escape(byte[] arg) {
        return new String(arg, StandardCharsets.ISO_8859_1)
                .replace("\0", "\\0").replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    }

    private static ByteString bytes(String s) {
        return ByteString.fromArray(raw(s));
    }

    private static byte[] raw(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
