package io.corecache.api.http;

import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** POST /v1/batch: puts and deletes grouped by partition, atomic within each partition. */
final class BatchRoutes extends AllDirectives {

    private final ReplicaCalls calls;

    BatchRoutes(ReplicaCalls calls) {
        this.calls = calls;
    }

    Route route() {
        return reject();
    }
}
