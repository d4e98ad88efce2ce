package io.corecache.api.http.seed;

import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * A seed route's refusal, carrying the exact response its dialect gives (a FastAPI validation list, a
 * kalavara text line). Thrown while a request is checked, before anything is written, so refusing it leaves
 * the data as it was; {@link SeedReplies#guard} answers with it as it is.
 */
final class SeedReject extends RuntimeException {

    private final transient HttpResponse response;

    SeedReject(HttpResponse response) {
        super(null, null, false, false);
        this.response = response;
    }

    HttpResponse response() {
        return response;
    }
}
