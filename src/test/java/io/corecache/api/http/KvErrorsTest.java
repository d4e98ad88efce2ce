package io.corecache.api.http;

import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every client mistake on {@code /v1/kv/{key}} answers its JSON error with the right status, never a 500, and
 * changes nothing: each is sent against a key that exists (and, where it matters, one that does not), and
 * {@link #assertRefusedUnchanged} checks the key reads back as before and no partition wrote anything.
 */
class KvErrorsTest extends KvRouteTest {

    private static final String EXISTING = "/v1/kv/existing";

    @BeforeAll
    void writeTheKeyEveryErrorMustLeaveAlone() {
        write(EXISTING, "original", true);
    }

    @Test
    void anEmptyKeyIs400KeyEmptyForEveryMethod() {
        for (HttpMethod method : List.of(HttpMethods.GET, HttpMethods.HEAD, HttpMethods.DELETE)) {
            assertRefusedUnchanged(request(method, "/v1/kv/"), 400, "key_empty", EXISTING);
        }
        assertRefusedUnchanged(put("/v1/kv/", "v"), 400, "key_empty", EXISTING);
    }

    @Test
    void aKeyOneByteOverTheLimitIs400KeyTooLargeRawOrEncoded() {
        int max = node.settings().limits().maxKeyBytes();
        String raw = "/v1/kv/" + "k".repeat(max + 1);
        String encoded = "/v1/kv/" + "%AB".repeat(max + 1);
        for (String target : List.of(raw, encoded)) {
            assertRefusedUnchanged(put(target, "v"), 400, "key_too_large", EXISTING);
            assertRefusedUnchanged(get(target), 400, "key_too_large", EXISTING);
            assertRefusedUnchanged(delete(target), 400, "key_too_large", EXISTING);
        }
    }

    @Test
    void aValueOneByteOverTheLimitWithContentLengthIs413() {
        byte[] value = new byte[node.settings().limits().maxValueBytes() + 1];
        HttpRequest tooLarge = request(HttpMethods.PUT, EXISTING).withEntity(ContentTypes.APPLICATION_OCTET_STREAM, value);
        assertEquals(value.length, tooLarge.entity().getContentLengthOption().getAsLong());
        assertRefusedUnchanged(tooLarge, 413, "value_too_large", EXISTING);
        assertRefusedUnchanged(request(HttpMethods.PUT, "/v1/kv/absent-large")
                .withEntity(ContentTypes.APPLICATION_OCTET_STREAM, value), 413, "value_too_large", "/v1/kv/absent-large");
    }

    /**
     * The chunked body sends one byte over the limit and then never ends: if the route waited for the end of
     * the body before checking its size, the request would hang and the testkit fail it after its timeout.
     * So a prompt 413 shows the limit is applied while the body streams.
     */
    @Test
    void aChunkedValueOverTheLimitIs413WhileItIsStillStreaming() {
        int limit = node.settings().limits().maxValueBytes();
        Source<ByteString, ?> neverEnding = Source.from(List.of(ByteString.fromArray(new byte[limit / 2]),
                        ByteString.fromArray(new byte[limit / 2]), ByteString.fromArray(new byte[limit - 2 * (limit / 2) + 1])))
                .concat(Source.maybe());
        HttpRequest chunked = request(HttpMethods.PUT, EXISTING)
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, neverEnding));
        assertTrue(chunked.entity().isChunked());
        assertRefusedUnchanged(chunked, 413, "value_too_large", EXISTING);
    }

    @Test
    void aBadTtlIs400BadParameterOnExistingAndAbsentKeys() {
        for (String ttl : List.of("0", "-1", "abc", "99999999999999999999", "9223372036854775807", "", "1.5", "+5",
                "1e3", " 5", "3162240001", "0x10")) {
            String query = "?ttl=" + ttl.replace(" ", "%20").replace("+", "%2B");
            assertRefusedUnchanged(put(EXISTING + query, "changed"), 400, "bad_parameter", EXISTING);
            assertRefusedUnchanged(put("/v1/kv/ttl-absent" + query, "new"), 400, "bad_parameter", "/v1/kv/ttl-absent");
        }
    }

    @Test
    void unknownOrRepeatedQueryParametersAre400AndNeverIgnored() {
        assertRefusedUnchanged(put(EXISTING + "?tll=60", "typo"), 400, "bad_parameter", EXISTING);
        assertRefusedUnchanged(put(EXISTING + "?ttl=60&ttl=120", "twice"), 400, "bad_parameter", EXISTING);
        assertRefusedUnchanged(get(EXISTING + "?ttl=60"), 400, "bad_parameter", EXISTING);
        assertRefusedUnchanged(delete(EXISTING + "?force=true"), 400, "bad_parameter", EXISTING);
    }

    @Test
    void dotSegmentsBeforeTheKeyAre400RatherThanAGuessedKey() {
        // The testkit (like the server) resolves /v1/x/../kv/k to /v1/kv/k; the raw target names no key.
        assertRefusedUnchanged(put("/v1/x/../kv/existing", "sneaky"), 400, "bad_key", EXISTING);
        assertRefusedUnchanged(delete("/v1/x/../kv/existing"), 400, "bad_key", EXISTING);
    }

    @Test
    void otherMethodsAre405WithAllowListingTheSupportedOnes() {
        for (HttpMethod method : List.of(HttpMethods.POST, HttpMethods.PATCH, HttpMethods.OPTIONS)) {
            TestRouteResult result = api.run(request(method, EXISTING).withEntity("changed"));
            assertError(result, 405, "method_not_allowed");
            assertEquals("GET, HEAD, PUT, DELETE", result.response().getHeader("Allow").orElseThrow().value());
            assertRefusedUnchanged(request(method, EXISTING).withEntity("changed"), 405, "method_not_allowed", EXISTING);
        }
    }

    @Test
    void unknownRoutesAre404RouteNotFoundInJson() {
        for (String target : List.of("/v1/nope", "/v2/kv/existing", "/v1/kvx/existing", "/v1/kv-existing")) {
            assertRefusedUnchanged(put(target, "changed"), 404, "route_not_found", EXISTING);
        }
    }

    @Test
    void noErrorAnswersA500() {
        // A sweep of odd requests; each must be a 4xx JSON error. (The specific codes are checked above.)
        List<HttpRequest> odd = List.of(
                put(EXISTING, "x", header("If-Match", "\"1\", \"2\"")),
                put(EXISTING, "x", header("If-Match", "")),
                put(EXISTING, "x", header("If-None-Match", "")),
                put(EXISTING + "?ttl=", "x"),
                put(EXISTING + "?=", "x"),
                request(HttpMethods.PUT, EXISTING).withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM,
                        Source.<ByteString>failed(new IllegalStateException("the client went away")))),
                request(HttpMethods.PUT, EXISTING).withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM,
                        Source.<ByteString>failed(EntityStreamException.apply("Entity stream truncation", "")))),
                delete(EXISTING, header("If-Match", "W/")));
        for (HttpRequest request : odd) {
            Seen before = seen(EXISTING);
            TestRouteResult result = api.run(request);
            int status = result.response().status().intValue();
            assertTrue(status >= 400 && status < 500, request + " answered " + status + " " + result.entityString());
            assertEquals(ContentTypes.APPLICATION_JSON, result.response().entity().getContentType());
            assertEquals(before, seen(EXISTING));
        }
    }
}
