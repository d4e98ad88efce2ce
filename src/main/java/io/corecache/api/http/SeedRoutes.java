package io.corecache.api.http;

import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** The seed-compatible routes (the CoreCache seed's /add/ /get/ /delete/, the Bitcask store's /?key=, kalavara's /store/{key}), so the scripts of those systems' users work unchanged. */
final class SeedRoutes extends AllDirectives {

    private final ReplicaCalls calls;

    SeedRoutes(ReplicaCalls calls) {
        this.calls = calls;
    }

    Route route() {
        return reject();
    }
}
