package io.corecache.api.http;

import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ?ttl=SECONDS}: the expiry shows as {@code X-Expires-At}, and once the clock passes it the key is
 * gone to every request.
 *
 * <p>Determinism: the node uses the system clock, and so does this test (same JVM). Each test reads the
 * expiry instant the node reports, waits until the clock is past it (a bounded wait, not an assertion about
 * how long anything takes), and only then asserts, once, that the key has expired. Nothing depends on how
 * fast the node answers.
 */
class KvExpiryTest extends KvRouteTest {

    @Test
    void ttlSetsXExpiresAtThatManySecondsAfterTheWrite() {
        long before = System.currentTimeMillis();
        api.run(put("/v1/kv/ttl-header?ttl=60", "v")).assertStatusCode(201);
        long after = System.currentTimeMillis();
        long expiresAt = instant(seen("/v1/kv/ttl-header").expiresAt());
        assertTrue(expiresAt >= before + 60_000 && expiresAt <= after + 60_000,
                "X-Expires-At " + expiresAt + " is 60 s after the PUT (" + before + ".." + after + ")");
    }

    @Test
    void anExpiredKeyIsGoneForGetHeadDeleteAndConditions() {
        api.run(put("/v1/kv/ttl-short?ttl=1", "brief")).assertStatusCode(201);
        Seen live = seen("/v1/kv/ttl-short");
        assertEquals("brief", live.value(), "readable before its expiry");
        long expiresAt = instant(live.expiresAt());

        awaitClockPast(expiresAt);

        assertError(api.run(get("/v1/kv/ttl-short")), 404, "not_found");
        assertError(api.run(request(HttpMethods.HEAD, "/v1/kv/ttl-short")), 404, "not_found");
        assertRefusedUnchanged(put("/v1/kv/ttl-short", "x", header("If-Match", "*")), 412, "precondition_failed",
                "/v1/kv/ttl-short");
        assertRefusedUnchanged(delete("/v1/kv/ttl-short"), 404, "not_found", "/v1/kv/ttl-short");
    }

    @Test
    void aKeyWrittenOverItsExpiredVersionIsCreatedAnew() {
        api.run(put("/v1/kv/ttl-reborn?ttl=1", "old")).assertStatusCode(201);
        Seen old = seen("/v1/kv/ttl-reborn");
        awaitClockPast(instant(old.expiresAt()));

        TestRouteResult created = api.run(put("/v1/kv/ttl-reborn", "new", header("If-None-Match", "*")));
        created.assertStatusCode(201);
        Seen reborn = seen("/v1/kv/ttl-reborn");
        assertEquals("new", reborn.value());
        assertNull(reborn.expiresAt(), "written without a ttl");
        assertTrue(instant(reborn.createdAt()) >= instant(old.expiresAt()),
                "created anew: " + reborn.createdAt() + " is not the expired version's " + old.createdAt());
    }

    @Test
    void aReplaceWithoutTtlRemovesTheExpiryAndOneWithTtlMovesIt() {
        api.run(put("/v1/kv/ttl-replaced?ttl=60", "a")).assertStatusCode(201);
        long first = instant(seen("/v1/kv/ttl-replaced").expiresAt());

        awaitClockPast(first - 60_000);
        api.run(put("/v1/kv/ttl-replaced?ttl=120", "b")).assertStatusCode(200);
        long moved = instant(seen("/v1/kv/ttl-replaced").expiresAt());
        assertTrue(moved > first, "the new ttl counts from the new write");

        api.run(put("/v1/kv/ttl-replaced", "c")).assertStatusCode(200);
        Seen plain = seen("/v1/kv/ttl-replaced");
        assertEquals("c", plain.value());
        assertNull(plain.expiresAt(), "a PUT without ttl stores a value that does not expire");
    }

    @Test
    void theLongestTtlIsAccepted() {
        long seconds = 100L * 366 * 24 * 3600;
        long before = System.currentTimeMillis();
        api.run(put("/v1/kv/ttl-century?ttl=" + seconds, "v")).assertStatusCode(201);
        assertTrue(instant(seen("/v1/kv/ttl-century").expiresAt()) >= before + seconds * 1000);
    }
}
