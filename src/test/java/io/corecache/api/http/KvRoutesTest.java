package io.corecache.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.ETag;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /v1/kv/{key}} as a client uses it: PUT answers created or replaced with the revision as ETag, GET and
 * HEAD answer the value with its version headers, DELETE removes; keys are any bytes, percent-encoded in the
 * path. Errors: {@link KvErrorsTest}; conditions: {@link KvConditionalTest}; ttl: {@link KvExpiryTest}; what
 * only a real server shows (HEAD without a body, raw targets, 100-continue): {@link KvWireTest}.
 */
class KvRoutesTest extends KvRouteTest {

    @Test
    void putCreatesThenReplacesAndTheETagGrowsWithEachWrite() {
        TestRouteResult created = api.run(put("/v1/kv/first", "one"));
        created.assertStatusCode(201);
        JsonNode body = json(created.entityString());
        long first = revisionOf(created);
        assertTrue(body.get("created").asBoolean());
        assertEquals(first, body.get("revision").asLong(), "the body's revision is the ETag's");

        TestRouteResult replaced = api.run(put("/v1/kv/first", "two"));
        replaced.assertStatusCode(200);
        long second = revisionOf(replaced);
        assertFalse(json(replaced.entityString()).get("created").asBoolean());
        assertTrue(second > first, "revision " + second + " after " + first);

        long third = write("/v1/kv/first", "three", false);
        assertTrue(third > second);

        TestRouteResult read = api.run(get("/v1/kv/first"));
        read.assertStatusCode(200).assertEntity("three").assertHeaderExists("ETag", "\"" + third + "\"");
        assertEquals(ContentTypes.APPLICATION_OCTET_STREAM, read.response().entity().getContentType());
    }

    @Test
    void getShowsTheVersionHeadersAndNoExpiryWithoutTtl() {
        long before = System.currentTimeMillis();
        long revision = write("/v1/kv/headers", "v", true);
        long after = System.currentTimeMillis();

        TestRouteResult read = api.run(get("/v1/kv/headers"));
        read.assertStatusCode(200).assertHeaderExists("ETag", "\"" + revision + "\"");
        long createdAt = instant(read.response().getHeader("X-Created-At").orElseThrow().value());
        assertTrue(createdAt >= before && createdAt <= after, "X-Created-At " + createdAt + " within the PUT");
        long lastModified = ZonedDateTime.parse(read.response().getHeader("Last-Modified").orElseThrow().value(),
                DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        assertTrue(lastModified >= before / 1000 * 1000 && lastModified <= after,
                "Last-Modified " + lastModified + " is the PUT's second");
        assertTrue(read.response().getHeader("X-Expires-At").isEmpty(), "no X-Expires-At without a ttl");
    }

    @Test
    void xCreatedAtStaysTheFirstCreationAcrossReplacesAndRestartsAfterADelete() {
        write("/v1/kv/born", "1", true);
        Seen first = seen("/v1/kv/born");
        awaitClockPast(instant(first.createdAt()));

        write("/v1/kv/born", "2", false);
        Seen replaced = seen("/v1/kv/born");
        assertEquals("2", replaced.value());
        assertEquals(first.createdAt(), replaced.createdAt(), "a replace keeps the creation time");
        assertNotEquals(first.etag(), replaced.etag());

        api.run(delete("/v1/kv/born")).assertStatusCode(204);
        write("/v1/kv/born", "3", true);
        Seen reborn = seen("/v1/kv/born");
        assertTrue(instant(reborn.createdAt()) > instant(first.createdAt()),
                "after a delete the key is created anew: " + reborn.createdAt() + " after " + first.createdAt());
    }

    @Test
    void headAnswersWhatGetAnswersAndAbsentKeysAre404() {
        write("/v1/kv/headed", "hello", true);
        TestRouteResult get = api.run(get("/v1/kv/headed"));
        TestRouteResult head = api.run(request(HttpMethods.HEAD, "/v1/kv/headed"));
        head.assertStatusCode(200);
        for (String name : List.of("ETag", "Last-Modified", "X-Created-At")) {
            assertEquals(get.response().getHeader(name), head.response().getHeader(name), name);
        }
        assertEquals(5L, head.response().entity().getContentLengthOption().getAsLong(), "HEAD declares GET's length");
        assertError(api.run(request(HttpMethods.HEAD, "/v1/kv/never-written")), 404, "not_found");
    }

    @Test
    void getOfAKeyNeverWrittenIs404() {
        assertError(api.run(get("/v1/kv/nothing-here")), 404, "not_found");
    }

    @Test
    void deleteAnswers204ThenTheKeyIsGoneAndASecondDeleteIs404WithoutWriting() {
        write("/v1/kv/doomed", "x", true);
        TestRouteResult deleted = api.run(delete("/v1/kv/doomed"));
        deleted.assertStatusCode(204);
        assertEquals(0, deleted.entityBytes().length());
        assertError(api.run(get("/v1/kv/doomed")), 404, "not_found");
        assertRefusedUnchanged(delete("/v1/kv/doomed"), 404, "not_found", "/v1/kv/doomed");
        assertTrue(stored("doomed".getBytes(StandardCharsets.UTF_8)).isEmpty());
    }

    @Test
    void binaryKeysArePercentDecodedToExactlyTheirBytes() {
        String[] targets = {"/v1/kv/%00", "/v1/kv/%FF", "/v1/kv/%00%FF%7B%7D", "/v1/kv/%ff%fe", "/v1/kv/%80"};
        byte[][] keys = {{0}, {(byte) 0xFF}, {0, (byte) 0xFF, '{', '}'}, {(byte) 0xFF, (byte) 0xFE}, {(byte) 0x80}};
        for (int i = 0; i < targets.length; i++) {
            write(targets[i], "value-" + i, true);
        }
        for (int i = 0; i < targets.length; i++) {
            api.run(get(targets[i])).assertStatusCode(200).assertEntity("value-" + i);
            assertStored(keys[i], "value-" + i);
        }
        // Hex digits are case-insensitive: %ff and %FF are the same byte, so the same key.
        api.run(get("/v1/kv/%fF")).assertEntity("value-1");
    }

    @Test
    void aSlashInAKeyMayBeSentRawOrEncodedAndIsTheSameKey() {
        long revision = write("/v1/kv/dir/file", "nested", true);
        api.run(get("/v1/kv/dir%2Ffile")).assertStatusCode(200).assertEntity("nested")
                .assertHeaderExists("ETag", "\"" + revision + "\"");
        api.run(get("/v1/kv/dir%2ffile")).assertEntity("nested");
        assertStored("dir/file".getBytes(StandardCharsets.UTF_8), "nested");

        write("/v1/kv/a%2Fb/c", "mixed", true);
        api.run(get("/v1/kv/a/b%2Fc")).assertEntity("mixed");
        write("/v1/kv//leading", "slash", true);
        assertStored("/leading".getBytes(StandardCharsets.UTF_8), "slash");
        write("/v1/kv/trailing/", "slash", true);
        assertStored("trailing/".getBytes(StandardCharsets.UTF_8), "slash");
    }

    @Test
    void utf8KeysAreStoredAsTheirUtf8Bytes() {
        write("/v1/kv/%C3%A9t%C3%A9", "summer", true);
        write("/v1/kv/%F0%9F%98%80", "smile", true);
        assertStored("\u00e9t\u00e9".getBytes(StandardCharsets.UTF_8), "summer");
        assertStored("\uD83D\uDE00".getBytes(StandardCharsets.UTF_8), "smile");
        api.run(get("/v1/kv/%c3%a9t%c3%a9")).assertEntity("summer");
    }

    @Test
    void charactersWithAMeaningInUrlsAreKeyBytesWhenEncoded() {
        String[][] cases = {{"/v1/kv/a%3Fb", "a?b"}, {"/v1/kv/%23", "#"}, {"/v1/kv/100%25", "100%"},
                {"/v1/kv/two%20words", "two words"}, {"/v1/kv/a+b", "a+b"}, {"/v1/kv/x%2Bs", "x+s"},
                {"/v1/kv/%2E", "."}, {"/v1/kv/a;b=c", "a;b=c"}};
        for (String[] c : cases) {
            write(c[0], "for " + c[1], true);
            assertStored(c[1].getBytes(StandardCharsets.UTF_8), "for " + c[1]);
        }
        // '+' in a path is a plus, not a space (that is only so in form-encoded queries).
        assertTrue(stored("a b".getBytes(StandardCharsets.UTF_8)).isEmpty());
    }

    @Test
    void aQueryDoesNotBecomePartOfTheKey() {
        write("/v1/kv/q?ttl=60", "v", true);
        assertStored("q".getBytes(StandardCharsets.UTF_8), "v");
    }

    @Test
    void aPercentEncodedRoutePrefixStillAddressesTheKey() {
        write("/v1/%6Bv/prefixed", "p", true);
        api.run(get("/v1/kv/prefixed")).assertEntity("p");
    }

    @Test
    void aKeyOfExactlyTheLimitIsAcceptedRawOrEncoded() {
        int max = node.settings().limits().maxKeyBytes();
        write("/v1/kv/" + "k".repeat(max), "longest", true);
        assertStored("k".repeat(max).getBytes(StandardCharsets.UTF_8), "longest");
        byte[] binary = new byte[max];
        Arrays.fill(binary, (byte) 0xAB);
        write("/v1/kv/" + "%AB".repeat(max), "longest binary", true);
        assertArrayEquals("longest binary".getBytes(StandardCharsets.UTF_8), stored(binary).orElseThrow().value());
    }

    @Test
    void anEmptyValueAndAValueOfExactlyTheLimitAreStored() {
        write("/v1/kv/empty", "", true);
        TestRouteResult read = api.run(get("/v1/kv/empty"));
        read.assertStatusCode(200);
        assertEquals(0, read.entityBytes().length());

        byte[] value = new byte[node.settings().limits().maxValueBytes()];
        Arrays.fill(value, (byte) 7);
        api.run(request(HttpMethods.PUT, "/v1/kv/full")
                        .withEntity(ContentTypes.APPLICATION_OCTET_STREAM, value))
                .assertStatusCode(201);
        assertArrayEquals(value, stored("full".getBytes(StandardCharsets.UTF_8)).orElseThrow().value());
    }

    @Test
    void aChunkedValueUpToTheLimitIsStoredWhole() {
        int limit = node.settings().limits().maxValueBytes();
        List<ByteString> chunks = new ArrayList<>();
        byte[] expected = new byte[limit];
        for (int offset = 0, i = 0; offset < limit; i++) {
            int size = Math.min(limit - offset, 1000 + i * 37);
            byte[] chunk = new byte[size];
            Arrays.fill(chunk, (byte) i);
            System.arraycopy(chunk, 0, expected, offset, size);
            chunks.add(ByteString.fromArray(chunk));
            offset += size;
        }
        HttpRequest chunked = request(HttpMethods.PUT, "/v1/kv/chunked")
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, Source.from(chunks)));
        assertTrue(chunked.entity().isChunked(), "the test sends a chunked body");
        api.run(chunked).assertStatusCode(201);
        assertArrayEquals(expected, stored("chunked".getBytes(StandardCharsets.UTF_8)).orElseThrow().value());
    }

    @Test
    void theValueIsStoredAsSentWhateverItsContentTypeAndReadAsOctetStream() {
        byte[] json = "{\"not\":\"parsed\"}".getBytes(StandardCharsets.UTF_8);
        api.run(request(HttpMethods.PUT, "/v1/kv/typed").withEntity(ContentTypes.APPLICATION_JSON, json))
                .assertStatusCode(201);
        TestRouteResult read = api.run(get("/v1/kv/typed"));
        assertArrayEquals(json, read.entityBytes().toArray());
        assertEquals(ContentTypes.APPLICATION_OCTET_STREAM, read.response().entity().getContentType());

        api.run(request(HttpMethods.PUT, "/v1/kv/untyped")
                        .withEntity(HttpEntities.create(ContentTypes.NO_CONTENT_TYPE, "raw".getBytes(StandardCharsets.UTF_8))))
                .assertStatusCode(201);
        assertStored("untyped".getBytes(StandardCharsets.UTF_8), "raw");
    }

    @Test
    void aBodyOnGetOrDeleteIsIgnoredAndChangesNothing() {
        write("/v1/kv/bodied", "kept", true);
        long revisions = revisionsOfAllPartitions();
        api.run(get("/v1/kv/bodied").withEntity("ignored")).assertStatusCode(200).assertEntity("kept");
        assertEquals(revisions, revisionsOfAllPartitions());
        api.run(delete("/v1/kv/bodied").withEntity("ignored")).assertStatusCode(204);
        assertTrue(stored("bodied".getBytes(StandardCharsets.UTF_8)).isEmpty());
    }

    @Test
    void theETagOfAPutIsTheOneAGetShows() {
        TestRouteResult put = api.run(put("/v1/kv/tagged", "t"));
        String etag = put.header(ETag.class).value();
        assertEquals(etag, api.run(get("/v1/kv/tagged")).header(ETag.class).value());
    }
}
