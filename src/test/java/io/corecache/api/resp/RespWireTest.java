package io.corecache.api.resp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Redis-protocol endpoint byte by byte, over raw sockets: memento's inline commands as typed into telnet,
 * pipelines however they are cut into packets, binary-safe arguments, and every kind of bad input, which
 * must be answered in Redis's words and leave the node, its data and other connections untouched.
 *
 * <p>Replies are read by {@link RawClient}: a simple string comes back as "+OK", an error as "-ERR ...", an
 * integer as ":5", a bulk string as its bytes in ISO-8859-1 (so any byte compares exactly), nil as null, an
 * array as a List.
 */
class RespWireTest {

    /** Small, so that an oversized value is cheap to send; the key limit (4096) stays the default. */
    private static final int MAX_VALUE = 1024;

    @TempDir
    static Path dataDir;
    private static RespNode node;

    @BeforeAll
    static void startNode() {
        node = RespNode.start(dataDir, Map.of("corecache.limits.max-value-bytes", MAX_VALUE));
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    // ---- memento's inline commands

    @Test
    void mementoInlineCommandsTypedIntoASocket() throws IOException {
        try (RawClient c = RawClient.connect(node.port())) {
            c.send("SET memento:k v\r\n");
            assertEquals("+OK", c.read());
            c.send("GET memento:k\r\n");
            assertEquals("v", c.read());
            c.send("get memento:k\n"); // telnet/nc may send a bare \n; names are case-insensitive
            assertEquals("v", c.read());
            c.send("INC memento:n 5\r\n");
            assertEquals(":5", c.read());
            c.send("INC memento:n\r\n");
            assertEquals(":6", c.read());
            c.send("DEC memento:n 10\r\n");
            assertEquals(":-4", c.read());
            c.send("APPEND memento:k w\r\nPREPEND memento:k u\r\nGET memento:k\r\n");
            assertEquals(":2", c.read());
            assertEquals(":3", c.read());
            assertEquals("uvw", c.read());

            long before = System.currentTimeMillis();
            c.send("SET memento:p \"hello world\"\r\n");
            assertEquals("+OK", c.read());
            c.send("GETP memento:p\r\n");
            List<?> getp = assertInstanceOf(List.class, c.read());
            assertEquals(4, getp.size(), "GETP answers key, value, creation time, expiry: " + getp);
            assertEquals("memento:p", getp.get(0));
            assertEquals("hello world", getp.get(1));
            long created = Long.parseLong(((String) getp.get(2)).substring(1));
            assertTrue(created >= before - 1000 && created <= System.currentTimeMillis() + 1000,
                    "creation time " + created + " is not about now (" + before + ")");
            assertEquals(":-1", getp.get(3), "a key without expiry");
            c.send("GETP memento:absent\r\n");
            assertNull(c.read());

            c.send("QUIT\r\n");
            assertEquals("+OK", c.read());
            c.assertClosed();
        }
    }

    @Test
    void exitClosesAfterOkAndCommandsAfterItAreNotRun() throws IOException {
        try (RawClient c = RawClient.connect(node.port())) {
            c.send("SET exit:k before\r\nEXIT\r\nSET exit:k after\r\n");
            assertEquals("+OK", c.read());
            assertEquals("+OK", c.read());
            c.assertClosed();
        }
        try (RawClient c = RawClient.connect(node.port())) {
            assertEquals("before", c.call("GET", "exit:k"));
        }
    }

    // ---- pipelining

    @Test
    void fiveThousandPipelinedCommandsInOneWriteAreAnsweredInOrder() throws Exception {
        int n = 5000;
        ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            switch (i % 4) {
                case 0 -> pipeline.write(RawClient.multibulk("SET", "pipe:" + i, "value-" + i));
                case 1 -> pipeline.write(RawClient.multibulk("GET", "pipe:" + (i - 1)));
                case 2 -> pipeline.write(RawClient.multibulk("INCR", "pipe:counter"));
                default -> pipeline.write(("ECHO e" + i + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        try (RawClient c = RawClient.connect(node.port())) {
            c.call("DEL", "pipe:counter");
            // Written by another thread so that replies are read while the pipeline is still going out.
            CompletableFuture<Void> written = c.sendInBackground(pipeline.toByteArray());
            long counter = 0;
            for (int i = 0; i < n; i++) {
                Object reply = c.read();
                Object expected = switch (i % 4) {
                    case 0 -> "+OK";
                    case 1 -> "value-" + (i - 1);
                    case 2 -> ":" + (++counter);
                    default -> "e" + i;
                };
                if (!expected.equals(reply)) {
                    fail("reply " + i + " of the pipeline: expected " + expected + ", got " + reply);
                }
            }
            written.get(10, TimeUnit.SECONDS);
            assertEquals(":" + (counter + 1), c.call("INCR", "pipe:counter"));
        }
    }

    @Test
    void aPipelineWrittenOneByteAtATimeIsAnsweredAsWhenWrittenAtOnce() throws Exception {
        byte[] pipeline = concat(
                RawClient.multibulk("SET", "split:c", "0"),
                RawClient.multibulk("INCR", "split:c"),
                RawClient.multibulk("SET".getBytes(StandardCharsets.US_ASCII), bytes("split:\0\r\nk"),
                        bytes("v\r\n\0$3\r\n*1\r\n")),
                RawClient.multibulk("GET".getBytes(StandardCharsets.US_ASCII), bytes("split:\0\r\nk")),
                bytes("*0\r\n"), // an empty request: ignored, no reply
                bytes("PING\r\n"),
                bytes("\r\n"), // a blank inline line: ignored too
                bytes("ECHO \"two words\\r\\n\"\r\n"),
                RawClient.multibulk("SET", "split:e", ""),
                RawClient.multibulk("APPEND", "split:e", "abc"),
                RawClient.multibulk("MGET", "split:e", "split:absent", "split:c"),
                RawClient.multibulk("GETDEL", "split:e"),
                RawClient.multibulk("EXISTS", "split:e"),
                bytes("GET split:c\n"));
        byte[] whole;
        try (RawClient c = RawClient.connect(node.port())) {
            c.send(pipeline);
            whole = c.readRawReplies(12);
        }
        assertEquals("+OK\r\n:1\r\n+OK\r\n$12\r\nv\r\n\0$3\r\n*1\r\n\r\n+PONG\r\n$11\r\ntwo words\r\n\r\n+OK\r\n:3\r\n"
                        + "*3\r\n$3\r\nabc\r\n$-1\r\n$1\r\n1\r\n$3\r\nabc\r\n:0\r\n$1\r\n1\r\n",
                new String(whole, StandardCharsets.ISO_8859_1));
        try (RawClient c = RawClient.connect(node.port())) {
            c.socket.setTcpNoDelay(true);
            for (byte b : pipeline) {
                c.out.write(b);
                c.out.flush();
            }
            byte[] split = c.readRawReplies(12);
            assertEquals(new String(whole, StandardCharsets.ISO_8859_1), new String(split, StandardCharsets.ISO_8859_1));
            c.send("PING\r\n");
            assertEquals("+PONG", c.read(), "nothing more was answered than the 12 replies");
        }
    }

    @Test
    void aPipelineCutInTwoAtEveryByteIsAnsweredTheSame() throws Exception {
        byte[] pipeline = concat(
                RawClient.multibulk("SET", "cut:k", "v1"),
                bytes("GET cut:k\r\n"),
                RawClient.multibulk("ECHO", "x\r\ny"));
        String expected = "+OK\r\n$2\r\nv1\r\n$4\r\nx\r\ny\r\n";
        try (RawClient c = RawClient.connect(node.port())) {
            c.socket.setTcpNoDelay(true);
            for (int cut = 1; cut < pipeline.length; cut++) {
                c.out.write(pipeline, 0, cut);
                c.out.flush();
                c.out.write(pipeline, cut, pipeline.length - cut);
                c.out.flush();
                assertEquals(expected, new String(c.readRawReplies(3), StandardCharsets.ISO_8859_1), "cut at " + cut);
            }
        }
    }

    // ---- binary safety

    @Test
    void keysAndValuesAreBinarySafe() throws IOException {
        byte[] key = bytes("bin:\0\r\n$5\r\n*2\r\n\u00ff");
        byte[] value = new byte[256 * 2];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        try (RawClient c = RawClient.connect(node.port())) {
            c.send(RawClient.multibulk("SET".getBytes(StandardCharsets.US_ASCII), key, value));
            assertEquals("+OK", c.read());
            c.send(RawClient.multibulk("GET".getBytes(StandardCharsets.US_ASCII), key));
            assertEquals(new String(value, StandardCharsets.ISO_8859_1), c.read());
            c.send(RawClient.multibulk("STRLEN".getBytes(StandardCharsets.US_ASCII), key));
            assertEquals(":" + value.length, c.read());
            // Another key that differs only after the NUL byte is another key.
            c.send(RawClient.multibulk("GET".getBytes(StandardCharsets.US_ASCII), bytes("bin:\0\r\n$5\r\n*2\r\n")));
            assertNull(c.read());

            // Inline, the same bytes are written with escapes inside double quotes.
            c.send("SET \"bin:\\x00inline\\r\\n\" \"a\\x00b\\r\\nc\"\r\n");
            assertEquals("+OK", c.read());
            c.send(RawClient.multibulk("GET".getBytes(StandardCharsets.US_ASCII), bytes("bin:\0inline\r\n")));
            assertEquals("a\0b\r\nc", c.read());
            c.send(RawClient.multibulk("GETP".getBytes(StandardCharsets.US_ASCII), bytes("bin:\0inline\r\n")));
            List<?> getp = assertInstanceOf(List.class, c.read());
            assertEquals("bin:\0inline\r\n", getp.get(0));
            assertEquals("a\0b\r\nc", getp.get(1));
        }
    }

    // ---- errors that keep the connection

    @Test
    void badCommandsAreAnsweredInRedisWordsAndTheConnectionStaysUsable() throws IOException {
        try (RawClient c = RawClient.connect(node.port())) {
            assertEquals("+OK", c.call("SET", "bad:k", "original"));
            assertEquals("+OK", c.call("SET", "bad:n", "10"));

            String unknown = (String) c.call("FROBNICATE", "bad:k", "x");
            assertTrue(unknown.startsWith("-ERR unknown command 'FROBNICATE', with args beginning with: 'bad:k' 'x'"),
                    unknown);
            c.send("frobnicate\r\n");
            assertTrue(((String) c.read()).startsWith("-ERR unknown command 'frobnicate'"));

            assertEquals("-ERR wrong number of arguments for 'get' command", c.call("GET"));
            assertEquals("-ERR wrong number of arguments for 'get' command", c.call("GET", "bad:k", "bad:n"));
            assertEquals("-ERR wrong number of arguments for 'set' command", c.call("SET", "bad:k"));
            c.send("set bad:k\r\n");
            assertEquals("-ERR wrong number of arguments for 'set' command", c.read());
            assertEquals("-ERR wrong number of arguments for 'inc' command", c.call("INC", "bad:n", "1", "2"));

            assertEquals("-ERR value is not an integer or out of range", c.call("INCR", "bad:k"));
            assertEquals("-ERR value is not an integer or out of range", c.call("INCRBY", "bad:n", "ten"));
            assertEquals("-ERR value is not an integer or out of range", c.call("INC", "bad:n", "1.5"));
            assertEquals("-ERR value is not an integer or out of range", c.call("SET", "bad:k", "v", "EX", "soon"));
            assertEquals("-ERR value is not an integer or out of range",
                    c.call("INCRBY", "bad:n", "99999999999999999999"));
            assertEquals("-ERR value is not a valid float", c.call("INCF", "bad:n", "abc"));

            assertEquals("-ERR syntax error", c.call("SET", "bad:k", "v", "NX", "XX"));
            assertEquals("-ERR syntax error", c.call("SET", "bad:k", "v", "SOMETIMES"));
            assertEquals("-ERR syntax error", c.call("SET", "bad:k", "v", "EX"));

            // None of it changed anything, and the connection still works.
            assertEquals("+PONG", c.call("PING"));
            assertEquals("original", c.call("GET", "bad:k"));
            assertEquals("10", c.call("GET", "bad:n"));
            assertEquals(":11", c.call("INCR", "bad:n"));
        }
    }

    @Test
    void aValueOverTheLimitIsRefusedNamingTheSettingAndTheNextCommandWorks() throws IOException {
        // Three sizes: just over max-value-bytes (refused by the store), over the longest argument the
        // decoder keeps (max(max-key-bytes, max-value-bytes) = 4096: read and dropped), and far over it.
        for (int size : new int[] {MAX_VALUE + 1, 5000, 300_000}) {
            try (RawClient c = RawClient.connect(node.port())) {
                assertEquals("+OK", c.call("SET", "big:k", "small"));
                String refused = (String) c.call("SET", "big:k", "x".repeat(size));
                assertTrue(refused.startsWith("-ERR "), size + " bytes: " + refused);
                assertTrue(refused.contains("corecache.limits.max-value-bytes"), size + " bytes: " + refused);
                assertTrue(refused.contains(Integer.toString(MAX_VALUE)),
                        size + " bytes: the error should give the value limit, " + MAX_VALUE + ": " + refused);
                assertEquals("small", c.call("GET", "big:k"), size + " bytes");
                assertEquals("+OK", c.call("SET", "big:k", "x".repeat(MAX_VALUE)), "a value at the limit");
                assertEquals(":" + MAX_VALUE, c.call("STRLEN", "big:k"));

                // Inline too (within the 64 KiB inline limit).
                if (size < 60_000) {
                    c.send("SET big:k " + "y".repeat(size) + "\r\n");
                    String inline = (String) c.read();
                    assertTrue(inline.startsWith("-ERR ") && inline.contains("max-value-bytes"), inline);
                    assertEquals("x".repeat(MAX_VALUE), c.call("GET", "big:k"));
                }
            }
        }
    }

    // ---- protocol errors: answered, then that connection (only) is closed

    @Test
    void protocolErrorsAreAnsweredAndCloseOnlyThatConnection() throws IOException {
        String[][] cases = {
                {"*abc\r\n", "-ERR Protocol error: invalid multibulk length"},
                {"*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length"},
                {"*2\r\n$3\r\nGET\r\n$abc\r\n", "-ERR Protocol error: invalid bulk length"},
                {"*2\r\n$3\r\nGET\r\n$99999999999\r\n", "-ERR Protocol error: invalid bulk length"},
                {"*2\r\n$3\r\nGET\r\n$99999999999999999999999\r\n", "-ERR Protocol error: invalid bulk length"},
                {"*1\r\nPING\r\n", "-ERR Protocol error: expected '$', got 'P'"},
                {"*1\r\n$4\r\nPINGxx", "-ERR Protocol error: expected CRLF after bulk string"},
                {"*99999999\r\n", "-ERR Protocol error: invalid multibulk length"},
                {"SET proto:k \"unbalanced\r\n", "-ERR Protocol error: unbalanced quotes in request"},
                {"SET proto:k 'single\r\n", "-ERR Protocol error: unbalanced quotes in request"},
                {"SET proto:k \"closed\"trailing\r\n", "-ERR Protocol error: unbalanced quotes in request"},
        };
        try (RawClient witness = RawClient.connect(node.port())) {
            assertEquals("+OK", witness.call("SET", "proto:k", "original"));
            for (String[] bad : cases) {
                try (RawClient c = RawClient.connect(node.port())) {
                    // A good command before the bad bytes is answered; commands after them never run.
                    c.send("PING\r\n" + bad[0] + "SET proto:k changed\r\n*3\r\n$3\r\nSET\r\n$7\r\nproto:k\r\n$1\r\nX\r\n");
                    assertEquals("+PONG", c.read(), bad[0]);
                    assertEquals(bad[1], c.read(), bad[0]);
                    c.assertClosed();
                }
                assertEquals("+PONG", witness.call("PING"), "the other connection after " + bad[0]);
                assertEquals("original", witness.call("GET", "proto:k"), "the data after " + bad[0]);
            }
        }
    }

    @Test
    void anInlineLineOver64KiBIsAProtocolError() throws IOException {
        try (RawClient c = RawClient.connect(node.port())) {
            CompletableFuture<Void> written = c.sendInBackground(("SET proto:long " + "z".repeat(70_000) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals("-ERR Protocol error: too big inline request", c.read());
            c.assertClosed();
            written.handle((unused, failure) -> null).join(); // the rest of the line may meet a closed socket
        }
        try (RawClient c = RawClient.connect(node.port())) {
            assertNull(c.call("GET", "proto:long"));
        }
    }

    // ---- helpers

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * A client that writes raw bytes and reads RESP2 replies, every read bounded by SO_TIMEOUT. Shared by the
     * RESP socket tests of this package.
     */
    static final class RawClient implements AutoCloseable {

        static final int READ_TIMEOUT_MILLIS = 10_000;

        final Socket socket;
        final OutputStream out;
        final InputStream in;

        private RawClient(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        }

        static RawClient connect(int port) throws IOException {
            return connect(port, READ_TIMEOUT_MILLIS);
        }

        static RawClient connect(int port, int readTimeoutMillis) throws IOException {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(readTimeoutMillis);
            return new RawClient(socket);
        }

        static byte[] multibulk(String... args) {
            byte[][] raw = new byte[args.length][];
            for (int i = 0; i < args.length; i++) {
                raw[i] = args[i].getBytes(StandardCharsets.UTF_8);
            }
            return multibulk(raw);
        }

        static byte[] multibulk(byte[]... args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (byte[] arg : args) {
                out.writeBytes(("$" + arg.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(arg);
                out.writeBytes(new byte[] {'\r', '\n'});
            }
            return out.toByteArray();
        }

        void send(String text) throws IOException {
            send(text.getBytes(StandardCharsets.UTF_8));
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Writes from another thread, for a pipeline too big to write before reading its replies. */
        CompletableFuture<Void> sendInBackground(byte[] bytes) {
            return CompletableFuture.runAsync(() -> {
                try {
                    send(bytes);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, runnable -> {
                Thread writer = new Thread(runnable, "resp-test-writer");
                writer.setDaemon(true);
                writer.start();
            });
        }

        /** Sends a command as a multibulk and reads its reply. */
        Object call(String... args) throws IOException {
            send(multibulk(args));
            return read();
        }

        /** The next reply (see the class comment of {@link RespWireTest} for how each type is shown). */
        Object read() throws IOException {
            int type = in.read();
            if (type < 0) {
                throw new EOFException("the connection was closed before a reply");
            }
            String line = line();
            switch (type) {
                case '+', '-', ':' -> {
                    return (char) type + line;
                }
                case '$' -> {
                    int length = Integer.parseInt(line);
                    if (length < 0) {
                        return null;
                    }
                    byte[] data = in.readNBytes(length);
                    if (data.length < length || in.read() != '\r' || in.read() != '\n') {
                        throw new IOException("bad bulk string framing: " + line);
                    }
                    return new String(data, StandardCharsets.ISO_8859_1);
                }
                case '*' -> {
                    int count = Integer.parseInt(line);
                    if (count < 0) {
                        return null;
                    }
                    List<Object> elements = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        elements.add(read());
                    }
                    return elements;
                }
                default -> throw new IOException("not a RESP2 reply: type byte " + type + ", line " + line);
            }
        }

        /** The raw bytes of the next {@code count} replies, exactly as the server sent them. */
        byte[] readRawReplies(int count) throws IOException {
            RecordingStream recording = new RecordingStream(in);
            RawClient reader = new RawClient(socket, recording);
            for (int i = 0; i < count; i++) {
                reader.read();
            }
            return recording.recorded.toByteArray();
        }

        private RawClient(Socket socket, InputStream in) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.in = in;
        }

        private String line() throws IOException {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("the connection was closed within a reply");
                }
                if (b == '\r') {
                    if (in.read() != '\n') {
                        throw new IOException("CR without LF in a reply line: " + text);
                    }
                    return text.toString(StandardCharsets.UTF_8);
                }
                text.write(b);
            }
        }

        /** Fails unless the server closes the connection (EOF or reset) before the read timeout. */
        void assertClosed() throws IOException {
            try {
                int b = in.read();
                if (b >= 0) {
                    byte[] rest = in.readNBytes(Math.min(in.available(), 200));
                    fail("the connection is still open and sent more: " + (char) b
                            + new String(rest, StandardCharsets.ISO_8859_1));
                }
            } catch (SocketTimeoutException e) {
                fail("the connection was not closed within " + socket.getSoTimeout() + " ms");
            } catch (SocketException e) {
                // reset by the server: closed
            }
        }

        /** True once the server has closed the connection; false if it is still open after {@code millis}. */
        boolean closedWithin(int millis) throws IOException {
            int timeout = socket.getSoTimeout();
            socket.setSoTimeout(millis);
            try {
                return in.read() < 0;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                return true;
            } finally {
                if (!socket.isClosed()) {
                    socket.setSoTimeout(timeout);
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        private static final class RecordingStream extends InputStream {
            private final InputStream in;
            final ByteArrayOutputStream recorded = new ByteArrayOutputStream();

            RecordingStream(InputStream in) {
                this.in = in;
            }

            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b >= 0) {
                    recorded.write(b);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = in.read(buffer, offset, length);
                if (n > 0) {
                    recorded.write(buffer, offset, n);
                }
                return n;
            }
        }
    }
}
