package io.corecache.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A page of {@code GET /v1/kv} holds {@code limit} entries whenever the range has that many, also when
 * {@code limit} is larger than {@code scan.page-size} (what a partition sends at a time), and its
 * {@code next} is null only at the end of the range: a client that stops at {@code "next": null} has seen
 * every key.
 *
 * <p>With the defaults (page-size 256) the same happens to {@code ?limit=300} over 300 keys of one
 * partition; a page size of 4 and 10 keys make it quick. The keys share a partition (hash tag {@code {p}}).
 */
class ScanPageLimitTest extends NodeRouteTest {

    @Override
    protected Map<String, Object> settings() {
        return Map.of("corecache.scan.page-size", 4);
    }

    @BeforeAll
    void fill() {
        for (int i = 0; i < 10; i++) {
            api.run(HttpRequest.PUT("/v1/kv/%7Bp%7D" + i).withEntity("v")).assertStatusCode(StatusCodes.CREATED);
        }
    }

    @Test
    void aPageLargerThanThePartitionPagesIsFullAndEndsTheRangeOnlyAtItsEnd() {
        JsonNode all = page("/v1/kv?prefix=%7Bp%7D&limit=10");
        assertEquals(10, all.get("items").size(), all.toString());
        assertTrue(all.get("next").isNull());

        JsonNode first = page("/v1/kv?prefix=%7Bp%7D&limit=7");
        assertEquals(7, first.get("items").size(), first.toString());
        JsonNode rest = page("/v1/kv?prefix=%7Bp%7D&limit=7&cursor=" + first.get("next").asText());
        List<String> keys = new ArrayList<>();
        first.get("items").forEach(item -> keys.add(item.get("key").asText()));
        rest.get("items").forEach(item -> keys.add(item.get("key").asText()));
        assertEquals(List.of("{p}0", "{p}1", "{p}2", "{p}3", "{p}4", "{p}5", "{p}6", "{p}7", "{p}8", "{p}9"), keys);
        assertTrue(rest.get("next").isNull());
    }

    private JsonNode page(String uri) {
        return KvRouteTest.json(api.run(HttpRequest.GET(uri)).assertStatusCode(StatusCodes.OK).entityString());
    }
}
