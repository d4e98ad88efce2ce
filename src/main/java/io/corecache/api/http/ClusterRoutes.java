package io.corecache.api.http;

import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** GET /v1/cluster: the node (identity, address, status), its partitions, and per-partition keys and bytes. */
final class ClusterRoutes extends AllDirectives {

    private final ReplicaCalls calls;

    ClusterRoutes(ReplicaCalls calls) {
        this.calls = calls;
    }

    Route route() {
        return reject();
    }
}
