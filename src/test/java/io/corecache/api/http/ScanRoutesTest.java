package io.corecache.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /v1/kv against a node of 8 partitions holding 300 keys spread over all of them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScanRoutesTest extends NodeRouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final TreeSet<String> keys = new TreeSet<>();

    @BeforeAll
    void fill() {
        for (int i = 0; i < 300; i++) {
            String key = String.format("scan/%04d", i);
            keys.add(key);
            api.run(HttpRequest.PUT("/v1/kv/" + key.replace("/", "%2F")).withEntity("v" + i))
                    .assertStatusCode(StatusCodes.CREATED);
        }
        api.run(HttpRequest.PUT("/v1/kv/other").withEntity("x")).assertStatusCode(StatusCodes.CREATED);
        api.run(HttpRequest.PUT("/v1/kv/bin%FF").addHeader(RawHeader.create("Raw-Request-URI", "/v1/kv/bin%FF"))
                .withEntity("y")).assertStatusCode(StatusCodes.CREATED);
    }

    private JsonNode get(String uri) {
        try {
            return JSON.readTree(api.run(HttpRequest.GET(uri)).assertStatusCode(StatusCodes.OK).entityString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> keysOf(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("items").forEach(item -> out.add(item.get("key").asText()));
        return out;
    }

    @Test
    void pagesWalkTheWholePrefixInOrderExactlyOnce() {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 100; pages++) {
            JsonNode page = get("/v1/kv?prefix=scan/&limit=37" + (cursor == null ? "" : "&cursor=" + cursor));
            seen.addAll(keysOf(page));
            if (page.get("next").isNull()) {
                break;
            }
            cursor = page.get("next").asText();
        }
        assertEquals(new ArrayList<>(keys), seen);
    }

    @Test
    void startAndEndBoundTheRangeAndValuesComeWithRevisions() {
        JsonNode page = get("/v1/kv?start=scan/0010&end=scan/0013");
        assertEquals(List.of("scan/0010", "scan/0011", "scan/0012"), keysOf(page));
        assertEquals("v10", page.get("items").get(0).get("value").asText());
        assertTrue(page.get("items").get(0).get("revision").asLong() > 0);
        assertTrue(page.get("next").isNull());
    }

    @Test
    void aPageThatEndsExactlyAtTheRangesEndHasNoNext() {
        JsonNode page = get("/v1/kv?start=scan/0010&end=scan/0013&limit=3");
        assertEquals(List.of("scan/0010", "scan/0011", "scan/0012"), keysOf(page));
        assertTrue(page.get("next").isNull(), "nothing is left in the range");
        JsonNode cut = get("/v1/kv?start=scan/0010&end=scan/0013&limit=2");
        assertEquals("scan/0012", keysOf(get("/v1/kv?end=scan/0013&limit=2&cursor=" + cut.get("next").asText())).get(0));
    }

    @Test
    void keysOnlyLeavesValuesOut() {
        JsonNode page = get("/v1/kv?prefix=scan/&limit=2&keys_only=true");
        assertEquals(2, page.get("items").size());
        assertFalse(page.get("items").get(0).has("value"));
        assertFalse(page.get("next").isNull());
    }

    @Test
    void binaryKeysComeBackInBase64AndFlagged() {
        JsonNode page = get("/v1/kv?prefix=bin");
        JsonNode item = page.get("items").get(0);
        assertEquals("base64", item.get("encoding").asText());
        assertEquals("bin\u00ff", new String(Base64.getDecoder().decode(item.get("key").asText()),
                java.nio.charset.StandardCharsets.ISO_8859_1));
        JsonNode all64 = get("/v1/kv?encoding=base64&start=" + Base64.getEncoder().encodeToString("other".getBytes())
                + "&limit=1");
        assertEquals("b3RoZXI=", all64.get("items").get(0).get("key").asText());
    }

    @Test
    void ndjsonStreamsTheWholeRange() {
        String body = api.run(HttpRequest.GET("/v1/kv?prefix=scan/")
                        .addHeader(RawHeader.create("Accept", "application/x-ndjson")))
                .assertStatusCode(StatusCodes.OK).entityString();
        String[] lines = body.split("\n");
        assertEquals(300, lines.length);
        assertTrue(lines[0].startsWith("{\"key\":\"scan/0000\""), lines[0]);
        assertTrue(lines[299].startsWith("{\"key\":\"scan/0299\""), lines[299]);
    }

    @Test
    void ndjsonHonoursALimit() {
        String body = api.run(HttpRequest.GET("/v1/kv?prefix=scan/&limit=5")
                        .addHeader(RawHeader.create("Accept", "application/x-ndjson")))
                .assertStatusCode(StatusCodes.OK).entityString();
        assertEquals(5, body.split("\n").length);
    }

    @Test
    void anEmptyRangeIsAnEmptyPage() {
        assertEquals(List.of(), keysOf(get("/v1/kv?start=b&end=a")));
        assertEquals(List.of(), keysOf(get("/v1/kv?prefix=nothing-here")));
    }

    @Test
    void badParametersAre400sNamingThem() {
        for (String uri : List.of("/v1/kv?cursor=garbage", "/v1/kv?cursor=1.!!!", "/v1/kv?limit=0",
                "/v1/kv?limit=abc", "/v1/kv?limit=10001", "/v1/kv?encoding=rot13", "/v1/kv?keys_only=maybe",
                "/v1/kv?encoding=base64&start=***")) {
            String body = api.run(HttpRequest.GET(uri)).assertStatusCode(StatusCodes.BAD_REQUEST).entityString();
            assertTrue(body.contains("\"error\":\"bad_"), uri + " -> " + body);
        }
    }

    @Test
    void otherMethodsAre405WithAllow() {
        api.run(HttpRequest.POST("/v1/kv")).assertStatusCode(StatusCodes.METHOD_NOT_ALLOWED)
                .assertHeaderExists("Allow", "GET");
    }
}
