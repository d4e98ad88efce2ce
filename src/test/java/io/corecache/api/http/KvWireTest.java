package io.corecache.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What only the real server shows, over a real loopback connection with the bytes written by hand: the
 * route testkit skips the HTTP layer, where HEAD loses its body, the raw request target is handed to the
 * route, {@code Expect: 100-continue} is answered, a chunked body arrives piece by piece, and malformed
 * targets are refused before any route runs. The server is bound exactly as the node binds it, with the
 * node's own configuration (corecache-node.conf), so a change there that breaks the API fails here.
 *
 * <p>The value limit is small here (1000 bytes) so an oversized body fits in the socket buffers: the test
 * can write all of it and still read the answer, whenever the server chooses to send it.
 */
class KvWireTest extends KvRouteTest {

    private static final int LIMIT = 1000;
    /** Every read waits at most this long: a server waiting for bytes that will never come fails the test. */
    private static final int READ_TIMEOUT_MILLIS = 15_000;

    private ServerBinding binding;

    @Override
    protected Map<String, Object> settings() {
        // A short body timeout for the slow-body test; durability none so that no other request here can come
        // near it waiting for a slow disk's fsync (nothing here is about durability).
        return Map.of("corecache.limits.max-value-bytes", LIMIT, "corecache.http.body-timeout", "2s",
                "corecache.durability", "none");
    }

    @BeforeAll
    void bind() throws Exception {
        binding = Http.get(node.system()).newServerAt("127.0.0.1", 0).bind(new HttpApi(node).route())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    void unbind() throws Exception {
        binding.unbind().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private RawHttp connect() throws IOException {
        return new RawHttp(binding.localAddress(), READ_TIMEOUT_MILLIS);
    }

    /** One request on its own connection; the server closes after answering. */
    private RawHttp.Response exchange(String method, String target, String headers, byte[] body) throws IOException {
        try (RawHttp http = connect()) {
            String head = method + " " + target + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n" + headers
                    + (body == null ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n";
            http.send(head);
            if (body != null) {
                http.send(body);
            }
            return http.read(method.equals("HEAD"));
        }
    }

    private RawHttp.Response exchange(String method, String target) throws IOException {
        return exchange(method, target, "", null);
    }

    private static RawHttp.Response assertJsonError(RawHttp.Response response, int status, String code) {
        assertEquals(status, response.status(), response.statusLine() + " " + response.bodyText());
        assertEquals("application/json", response.header("Content-Type"), response.bodyText());
        JsonNode body = json(response.bodyText());
        assertEquals(code, body.path("error").asText(), response.bodyText());
        assertTrue(!body.path("message").asText().isBlank());
        return response;
    }

    @Test
    void headSendsGetsHeadersAndNoBody() throws IOException {
        exchange("PUT", "/v1/kv/wire-head", "", "hello".getBytes(StandardCharsets.UTF_8));
        RawHttp.Response get = exchange("GET", "/v1/kv/wire-head");
        try (RawHttp http = connect()) {
            http.send("HEAD /v1/kv/wire-head HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
            RawHttp.Response head = http.read(true);
            assertEquals(200, head.status());
            assertEquals("5", head.header("Content-Length"), "HEAD declares the value's length");
            for (String name : List.of("ETag", "Last-Modified", "X-Created-At")) {
                assertEquals(get.header(name), head.header(name), name);
            }
            assertEquals(0, http.restUntilClosed().length, "HEAD sends no body");
        }
        try (RawHttp http = connect()) {
            http.send("HEAD /v1/kv/wire-absent HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
            assertEquals(404, http.read(true).status());
            assertEquals(0, http.restUntilClosed().length, "a HEAD's error has no body either");
        }
    }

    @Test
    void binaryKeysAndRawSlashesReachTheRouteAsSent() throws IOException {
        assertEquals(201, exchange("PUT", "/v1/kv/%00%FF%2F", "", bytes("binary")).status());
        assertStored(new byte[] {0, (byte) 0xFF, '/'}, "binary");
        assertEquals("binary", exchange("GET", "/v1/kv/%00%ff/").bodyText(), "%2F and a raw '/' are one key");

        assertEquals(201, exchange("PUT", "/v1/kv/dir/sub/file", "", bytes("deep")).status());
        assertEquals("deep", exchange("GET", "/v1/kv/dir%2Fsub%2Ffile").bodyText());
        assertStored(bytes("dir/sub/file"), "deep");
    }

    @Test
    void aRawRequestUriHeaderSentByTheClientDoesNotChooseTheKey() throws IOException {
        RawHttp.Response put = exchange("PUT", "/v1/kv/wire-real", "Raw-Request-URI: /v1/kv/wire-spoofed\r\n",
                bytes("v"));
        assertEquals(201, put.status(), put.bodyText());
        assertStored(bytes("wire-real"), "v");
        assertTrue(stored(bytes("wire-spoofed")).isEmpty(), "the client's header was not taken for the target");
    }

    @Test
    void malformedTargetsAreJson400sThatChangeNothing() throws IOException {
        long revisions = revisionsOfAllPartitions();
        for (String target : List.of("/v1/kv/%zz", "/v1/kv/%4", "/v1/kv/%G1", "/v1/kv/a|b", "/v1/kv/x#y")) {
            assertJsonError(exchange("PUT", target, "", bytes("v")), 400, "bad_request");
        }
        try (RawHttp http = connect()) {
            // A raw UTF-8 key is not a valid request target: keys outside ASCII must be percent-encoded.
            http.send(("PUT /v1/kv/\u00e9t\u00e9 HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: 1\r\n\r\nv")
                    .getBytes(StandardCharsets.UTF_8));
            assertJsonError(http.read(false), 400, "bad_request");
        }
        assertEquals(revisions, revisionsOfAllPartitions());
    }

    @Test
    void keysOverTheLimitAre400AndTargetsOverTheUriLimitAre414() throws IOException {
        int max = node.settings().limits().maxKeyBytes();
        // Every byte percent-encoded: three characters a byte, well inside the 64k URI limit.
        assertEquals(201, exchange("PUT", "/v1/kv/" + "%41".repeat(max), "", bytes("v")).status());
        assertJsonError(exchange("PUT", "/v1/kv/" + "%41".repeat(max + 1), "", bytes("v")), 400, "key_too_large");
        assertJsonError(exchange("GET", "/v1/kv/" + "%41".repeat(22_000)), 414, "uri_too_long");
    }

    @Test
    void expectContinueIsAnsweredWith100BeforeTheBodyIsSent() throws IOException {
        try (RawHttp http = connect()) {
            http.send("PUT /v1/kv/wire-expect HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(100, http.read(false).status(), "the server asks for the body");
            http.send("abc");
            assertEquals(201, http.read(false).status());
        }
        assertStored(bytes("wire-expect"), "abc");
    }

    @Test
    void anOversizedDeclaredBodyIs413BeforeTheClientSendsIt() throws IOException {
        exchange("PUT", "/v1/kv/wire-expect-big", "", bytes("kept"));
        long revisions = revisionsOfAllPartitions();
        try (RawHttp http = connect()) {
            // Only the headers: had the server asked for the body (100 Continue) or waited for it, this read
            // would see a 100 or time out.
            http.send("PUT /v1/kv/wire-expect-big HTTP/1.1\r\nHost: test\r\nContent-Length: " + (LIMIT + 1)
                    + "\r\nExpect: 100-continue\r\n\r\n");
            assertJsonError(http.read(false), 413, "value_too_large");
        }
        assertEquals("kept", exchange("GET", "/v1/kv/wire-expect-big").bodyText());
        assertEquals(revisions, revisionsOfAllPartitions());
    }

    @Test
    void aChunkedBodyOverTheLimitIs413WhileTheClientIsStillSending() throws IOException {
        exchange("PUT", "/v1/kv/wire-chunked", "", bytes("kept"));
        long revisions = revisionsOfAllPartitions();
        try (RawHttp http = connect()) {
            http.send("PUT /v1/kv/wire-chunked HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = new byte[LIMIT / 2 + 1];
            for (int i = 0; i < 2; i++) {
                http.send(Integer.toHexString(chunk.length) + "\r\n");
                http.send(chunk);
                http.send("\r\n");
            }
            // No last chunk: the body never ends, so only a limit applied while streaming can answer.
            assertJsonError(http.read(false), 413, "value_too_large");
        }
        assertEquals("kept", exchange("GET", "/v1/kv/wire-chunked").bodyText());
        assertEquals(revisions, revisionsOfAllPartitions());
    }

    @Test
    void aBodyThatStopsArrivingIs408AndWritesNothing() throws IOException {
        long revisions = revisionsOfAllPartitions();
        try (RawHttp http = connect()) {
            http.send("PUT /v1/kv/wire-slow HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\nabc");
            assertJsonError(http.read(false), 408, "body_timeout");
        }
        assertEquals(404, exchange("GET", "/v1/kv/wire-slow").status());
        assertEquals(revisions, revisionsOfAllPartitions());
    }

    @Test
    void unknownRoutesAndWrongMethodsAreJsonOnTheWireToo() throws IOException {
        assertJsonError(exchange("GET", "/v1/nowhere"), 404, "route_not_found");
        RawHttp.Response post = assertJsonError(exchange("POST", "/v1/kv/wire-post", "", bytes("v")), 405,
                "method_not_allowed");
        assertEquals("GET, HEAD, PUT, DELETE", post.header("Allow"));
        assertTrue(stored(bytes("wire-post")).isEmpty());
    }

    @Test
    void anUnparsableContentTypeOrABodyOnGetIsHarmless() throws IOException {
        assertEquals(201, exchange("PUT", "/v1/kv/wire-odd", "Content-Type: garbage//x;;\r\n", bytes("odd")).status());
        assertStored(bytes("wire-odd"), "odd");
        long revisions = revisionsOfAllPartitions();
        RawHttp.Response get = exchange("GET", "/v1/kv/wire-odd", "", bytes("a body nobody reads"));
        assertEquals(200, get.status());
        assertEquals("odd", get.bodyText());
        assertEquals(revisions, revisionsOfAllPartitions());
    }

    @Test
    void aValueOfExactlyTheLimitIsStoredOverTheWire() throws IOException {
        byte[] value = new byte[LIMIT];
        value[LIMIT - 1] = 42;
        assertEquals(201, exchange("PUT", "/v1/kv/wire-full", "", value).status());
        assertArrayEquals(value, exchange("GET", "/v1/kv/wire-full").body());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
