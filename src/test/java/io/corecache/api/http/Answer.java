package io.corecache.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Materializer;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A response to a request sent without waiting for it (through {@code route().handler(system)}), read in
 * full: what tests that hold a request in flight assert on once it is answered. The route testkit's
 * {@code run} waits for each answer, so it cannot send a request meant to stay in flight.
 */
record Answer(int status, String body, String retryAfter) {

    /** Waits (bounded) for the response and reads its body. */
    static Answer of(CompletionStage<HttpResponse> response, ActorSystem<?> system) throws Exception {
        HttpResponse r = response.toCompletableFuture().get(30, TimeUnit.SECONDS);
        String body = r.entity().toStrict(10_000, Materializer.matFromSystem(system)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS).getData().utf8String();
        return new Answer(r.status().intValue(), body, r.getHeader("Retry-After").map(HttpHeader::value).orElse(null));
    }

    /** The error code of a JSON error body, or null. */
    String error() {
        if (status < 400) {
            return null;
        }
        JsonNode json = KvRouteTest.json(body);
        return json.path("error").asText(null);
    }
}
