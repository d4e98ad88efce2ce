package io.corecache.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A {@code PUT /v1/kv/{key}} held open in the middle, to prove a request in flight when SIGTERM arrives
 * still completes. It sends its headers with {@code Expect: 100-continue} and waits for the server's
 * {@code 100 Continue}, which Pekko HTTP sends only once the route has started reading the body: from then
 * on the request is being handled, not merely queued in a socket. The body follows when the test says so.
 *
 * <p>A raw socket, because the JDK's HTTP client hides the interim response this depends on.
 */
final class SlowPut implements AutoCloseable {

    private static final int PIECE = 4096;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] body;

    private SlowPut(Socket socket, byte[] body) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
        this.body = body;
    }

    /** Connects, sends the headers and returns once the server has answered {@code 100 Continue}. */
    static SlowPut begin(int port, String key, byte[] body) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(20_000);
        SlowPut put = new SlowPut(socket, body);
        String head = "PUT /v1/kv/" + key + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Content-Type: application/octet-stream\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Expect: 100-continue\r\n"
                + "\r\n";
        put.out.write(head.getBytes(StandardCharsets.US_ASCII));
        put.out.flush();
        String interim = put.readHead();
        if (!interim.startsWith("HTTP/1.1 100")) {
            socket.close();
            throw new IOException("expected 100 Continue, got: " + interim);
        }
        return put;
    }

    /**
     * Sends the body and returns the final response's status line and headers. The body goes in pieces, and a response
     * that arrives before it is all sent (a refusal) is read then: writing on would make the server's close
     * reset the connection and lose that response.
     */
    String finish() throws IOException {
        for (int at = 0; at < body.length && in.available() == 0; at += PIECE) {
            out.write(body, at, Math.min(PIECE, body.length - at));
            out.flush();
        }
        return readHead();
    }

    /** The status line and headers up to the blank line; the body of the answer is not needed. */
    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + head.toString(StandardCharsets.US_ASCII));
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
