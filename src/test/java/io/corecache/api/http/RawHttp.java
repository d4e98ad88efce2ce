package io.corecache.api.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over a plain socket, for the few tests that must control the exact bytes on the
 * wire (raw request targets with bytes no URI class would let through, Expect: 100-continue, a chunked body
 * that never ends) and see exactly what the server sends back. Every read has a timeout, so a server that
 * waits for more than it should fails the test instead of hanging it.
 */
final class RawHttp implements AutoCloseable {

    /** A response as it came off the wire: status line, headers (names lower-cased), body bytes. */
    record Response(int status, String statusLine, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(InetSocketAddress address, int readTimeoutMillis) throws IOException {
        socket = new Socket();
        socket.connect(address, readTimeoutMillis);
        socket.setSoTimeout(readTimeoutMillis);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void send(String latin1) throws IOException {
        send(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads one response; {@code head} says the request was HEAD (no body follows, whatever the headers say). */
    Response read(boolean head) throws IOException {
        String statusLine = line();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        byte[] body;
        if (head || status == 204 || status == 304 || status / 100 == 1) {
            body = new byte[0];
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                all.write(in.readNBytes(size));
                line();
            }
            line();
            body = all.toByteArray();
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, statusLine, headers, body);
    }

    /** Bytes the server sends after the last response until it closes (must be none after a HEAD). */
    byte[] restUntilClosed() throws IOException {
        return in.readAllBytes();
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed mid-line after '" + line.toString(StandardCharsets.ISO_8859_1) + "'");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
