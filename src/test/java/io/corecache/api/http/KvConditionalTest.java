package io.corecache.api.http;

import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Conditional writes: {@code If-None-Match: *} creates only, {@code If-Match: "<rev>"} replaces or deletes
 * only that revision, {@code If-Match: *} only an existing key. A condition that does not hold is 412 with
 * the key's current ETag and changes nothing; a condition the API cannot read is 400, never ignored.
 */
class KvConditionalTest extends KvRouteTest {

    private static String tag(long revision) {
        return "\"" + revision + "\"";
    }

    @Test
    void ifNoneMatchStarCreatesAnAbsentKey() {
        api.run(put("/v1/kv/inm-new", "first", header("If-None-Match", "*"))).assertStatusCode(201);
        assertEquals("first", seen("/v1/kv/inm-new").value());
    }

    @Test
    void ifNoneMatchStarOnAnExistingKeyIs412WithTheCurrentETagAndTheValueUnchanged() {
        long revision = write("/v1/kv/inm-old", "kept", true);
        TestRouteResult refused = api.run(put("/v1/kv/inm-old", "lost", header("If-None-Match", "*")));
        assertError(refused, 412, "precondition_failed");
        refused.assertHeaderExists("ETag", tag(revision));
        assertRefusedUnchanged(put("/v1/kv/inm-old", "lost", header("If-None-Match", "*")),
                412, "precondition_failed", "/v1/kv/inm-old");
        assertEquals("kept", seen("/v1/kv/inm-old").value());
    }

    @Test
    void ifMatchWithTheCurrentRevisionReplaces() {
        long revision = write("/v1/kv/im-right", "v1", true);
        TestRouteResult replaced = api.run(put("/v1/kv/im-right", "v2", header("If-Match", tag(revision))));
        replaced.assertStatusCode(200);
        assertTrue(revisionOf(replaced) > revision);
        assertEquals("v2", seen("/v1/kv/im-right").value());
    }

    @Test
    void ifMatchWithAStaleRevisionIs412WithTheCurrentETagAndChangesNothing() {
        long first = write("/v1/kv/im-stale", "v1", true);
        long second = write("/v1/kv/im-stale", "v2", false);
        TestRouteResult refused = api.run(put("/v1/kv/im-stale", "v3", header("If-Match", tag(first))));
        assertError(refused, 412, "precondition_failed");
        refused.assertHeaderExists("ETag", tag(second));
        for (String stale : List.of(tag(first), tag(second + 1000), "\"0\"")) {
            assertRefusedUnchanged(put("/v1/kv/im-stale", "v3", header("If-Match", stale)),
                    412, "precondition_failed", "/v1/kv/im-stale");
        }
        assertEquals("v2", seen("/v1/kv/im-stale").value());
    }

    @Test
    void ifMatchOnAnAbsentKeyIs412AndTheKeyStaysAbsent() {
        for (String condition : List.of("\"1\"", "*")) {
            TestRouteResult refused = api.run(put("/v1/kv/im-absent", "v", header("If-Match", condition)));
            assertError(refused, 412, "precondition_failed");
            assertTrue(refused.response().getHeader("ETag").isEmpty(), "an absent key has no ETag");
            assertRefusedUnchanged(put("/v1/kv/im-absent", "v", header("If-Match", condition)),
                    412, "precondition_failed", "/v1/kv/im-absent");
        }
        assertEquals(404, seen("/v1/kv/im-absent").status());
    }

    @Test
    void ifMatchStarReplacesAnyExistingVersion() {
        write("/v1/kv/im-star", "v1", true);
        write("/v1/kv/im-star", "v2", false);
        api.run(put("/v1/kv/im-star", "v3", header("If-Match", "*"))).assertStatusCode(200);
        assertEquals("v3", seen("/v1/kv/im-star").value());
    }

    @Test
    void aWeakETagNeverMatchesBecauseIfMatchComparesStrongly() {
        long revision = write("/v1/kv/im-weak", "v1", true);
        assertRefusedUnchanged(put("/v1/kv/im-weak", "v2", header("If-Match", "W/" + tag(revision))),
                412, "precondition_failed", "/v1/kv/im-weak");
        assertRefusedUnchanged(delete("/v1/kv/im-weak", header("If-Match", "W/" + tag(revision))),
                412, "precondition_failed", "/v1/kv/im-weak");
    }

    @Test
    void aMalformedIfMatchIs400BadHeaderAndChangesNothing() {
        write("/v1/kv/im-bad", "v1", true);
        for (String malformed : List.of("abc", "\"abc\"", "\"\"", "1", "\"1\", \"2\"", "\"-1\"",
                "\"99999999999999999999\"", "**", "W/abc")) {
            assertRefusedUnchanged(put("/v1/kv/im-bad", "v2", header("If-Match", malformed)),
                    400, "bad_header", "/v1/kv/im-bad");
            assertRefusedUnchanged(delete("/v1/kv/im-bad", header("If-Match", malformed)),
                    400, "bad_header", "/v1/kv/im-bad");
        }
    }

    @Test
    void conditionsThePutCannotHonourAre400() {
        long revision = write("/v1/kv/cond-bad", "v1", true);
        List<HttpRequest> refused = List.of(
                put("/v1/kv/cond-bad", "v2", header("If-None-Match", tag(revision))),
                put("/v1/kv/cond-bad", "v2", header("If-None-Match", "*"), header("If-Match", tag(revision))),
                put("/v1/kv/cond-bad", "v2", header("If-Match", tag(revision)), header("If-Match", tag(revision))),
                put("/v1/kv/cond-bad", "v2", header("If-None-Match", "*"), header("If-None-Match", "*")),
                delete("/v1/kv/cond-bad", header("If-None-Match", "*")));
        for (HttpRequest request : refused) {
            assertRefusedUnchanged(request, 400, "bad_header", "/v1/kv/cond-bad");
        }
    }

    @Test
    void deleteWithTheCurrentRevisionDeletes() {
        long revision = write("/v1/kv/del-right", "v", true);
        api.run(delete("/v1/kv/del-right", header("If-Match", tag(revision)))).assertStatusCode(204);
        assertEquals(404, seen("/v1/kv/del-right").status());
    }

    @Test
    void deleteWithAStaleRevisionIs412AndTheKeyStays() {
        long first = write("/v1/kv/del-stale", "v1", true);
        long second = write("/v1/kv/del-stale", "v2", false);
        TestRouteResult refused = api.run(delete("/v1/kv/del-stale", header("If-Match", tag(first))));
        assertError(refused, 412, "precondition_failed");
        refused.assertHeaderExists("ETag", tag(second));
        assertRefusedUnchanged(delete("/v1/kv/del-stale", header("If-Match", tag(first))),
                412, "precondition_failed", "/v1/kv/del-stale");
    }

    @Test
    void deleteWithIfMatchOfAnAbsentKeyIs412NotA404() {
        // The condition is checked first: "delete revision 5" of a key that has none did not hold.
        for (String condition : List.of("\"5\"", "*")) {
            assertRefusedUnchanged(delete("/v1/kv/del-absent", header("If-Match", condition)),
                    412, "precondition_failed", "/v1/kv/del-absent");
        }
    }

    @Test
    void deleteWithIfMatchStarDeletesAnExistingKey() {
        write("/v1/kv/del-star", "v", true);
        api.run(delete("/v1/kv/del-star", header("If-Match", "*"))).assertStatusCode(204);
        assertEquals(404, seen("/v1/kv/del-star").status());
    }
}
