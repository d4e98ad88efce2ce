package io.corecache.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A range's bounds are not keys: a {@code start} or {@code end} longer than the key limit (4096 bytes)
 * compares like any other, and a range walks past a key of the maximum length, page by page (the cursor
 * after it is one byte longer than a key may be) and line by line.
 *
 * <p>The long key shares a partition with the keys around it (hash tag {@code {l}}), and
 * {@code scan.page-size = 1}, so the partition's next page really starts at the bound just after the long
 * key. Pages are walked one entry at a time, following {@code next}.
 */
class ScanBoundsTest extends NodeRouteTest {

    /** A key of exactly the maximum length, 4096 bytes. */
    private static final String LONGEST = "{l}" + "z".repeat(4093);
    private static final String AFTER = "{l}~after";

    @Override
    protected Map<String, Object> settings() {
        return Map.of("corecache.scan.page-size", 1);
    }

    @BeforeAll
    void fill() {
        for (String key : List.of("{l}a", LONGEST, AFTER)) {
            api.run(HttpRequest.PUT("/v1/kv/" + encoded(key)).withEntity("v")).assertStatusCode(StatusCodes.CREATED);
        }
    }

    @Test
    void theCursorAfterAKeyOfMaximumLengthLeadsToTheNextPage() {
        JsonNode first = page("/v1/kv?start=" + encoded(LONGEST) + "&limit=1");
        assertEquals(List.of(LONGEST), keysOf(first));
        JsonNode second = page("/v1/kv?limit=1&cursor=" + first.get("next").asText());
        assertEquals(List.of(AFTER), keysOf(second));
        assertTrue(second.get("next").isNull(), second.toString());
    }

    @Test
    void boundsLongerThanTheKeyLimitAreOrdinaryBounds() {
        String beyondLongest = encoded(LONGEST + "z"); // 4097 bytes: sorts right after the longest key
        assertEquals(List.of(AFTER), walk("start=" + beyondLongest));
        assertEquals(List.of("{l}a", LONGEST), walk("end=" + beyondLongest));
        String longA = encoded("{l}" + "a".repeat(5000)); // after {l}a, before the longest key
        assertEquals(List.of(LONGEST, AFTER), walk("start=" + longA));
        assertEquals(List.of("{l}a"), walk("end=" + longA));
    }

    @Test
    void aStreamedRangeWalksPastAKeyOfMaximumLength() {
        String body = api.run(HttpRequest.GET("/v1/kv?prefix=%7Bl%7D")
                        .addHeader(RawHeader.create("Accept", "application/x-ndjson")))
                .assertStatusCode(StatusCodes.OK).entityString();
        List<String> keys = new ArrayList<>();
        for (String line : body.split("\n")) {
            JsonNode item = KvRouteTest.json(line);
            assertFalse(item.has("error"), "the stream ended with an error: " + line);
            keys.add(item.get("key").asText());
        }
        assertEquals(List.of("{l}a", LONGEST, AFTER), keys);
    }

    /** Every key of the range {@code query} gives, one page of one entry at a time (bounded). */
    private List<String> walk(String query) {
        List<String> keys = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 10; pages++) {
            JsonNode page = page("/v1/kv?limit=1&" + query + (cursor == null ? "" : "&cursor=" + cursor));
            keys.addAll(keysOf(page));
            if (page.get("next").isNull()) {
                return keys;
            }
            cursor = page.get("next").asText();
        }
        throw new AssertionError("more pages than keys: " + keys);
    }

    private JsonNode page(String uri) {
        return KvRouteTest.json(api.run(HttpRequest.GET(uri)).assertStatusCode(StatusCodes.OK).entityString());
    }

    private static List<String> keysOf(JsonNode page) {
        List<String> keys = new ArrayList<>();
        page.get("items").forEach(item -> keys.add(item.get("key").asText()));
        return keys;
    }

    private static String encoded(String key) {
        return key.replace("{", "%7B").replace("}", "%7D").replace("~", "%7E");
    }
}
