package io.corecache.api.http.seed;

import io.corecache.api.http.ReplicaCalls;
import io.corecache.cluster.NodeSettings;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The seed-compatible routes, so the scripts of the systems CoreCache replaces work unchanged: the CoreCache
 * seed's {@code /add/ /get/ /delete/} ({@link SeedCoreCacheRoutes}), the Bitcask store's {@code /?key=}
 * ({@link SeedBitcaskRoutes}) and kalavara's {@code /store/{key}} ({@link SeedKalavaraRoutes}). Each answers
 * in its system's format, errors included; all three read and write the same keys as {@code /v1/kv}.
 * {@code docs/api.md} ("Seed-compatible routes") describes every route and each deliberate difference.
 */
public final class SeedRoutes extends AllDirectives {

    private final SeedCoreCacheRoutes coreCache;
    private final SeedBitcaskRoutes bitcask;
    private final SeedKalavaraRoutes kalavara;

    public SeedRoutes(ReplicaCalls calls, NodeSettings settings) {
        SeedStore store = new SeedStore(calls, settings.limits());
        this.coreCache = new SeedCoreCacheRoutes(store, settings.httpBodyTimeout());
        this.bitcask = new SeedBitcaskRoutes(store, settings.httpBodyTimeout(), settings.scanPageSize(),
                settings.scanMaxLimit());
        this.kalavara = new SeedKalavaraRoutes(store, settings.httpBodyTimeout());
    }

    public Route route() {
        return concat(coreCache.route(), bitcask.route(), kalavara.route());
    }
}
