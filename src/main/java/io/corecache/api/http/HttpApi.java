package io.corecache.api.http;

import io.corecache.api.http.metrics.HttpMetrics;
import io.corecache.api.http.seed.SeedRoutes;
import io.corecache.cluster.CoreCacheNode;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;

/**
 * Every HTTP route of a node, inside the error handling that makes each failure a JSON error and the
 * instrumentation that counts and times every request.
 */
public final class HttpApi extends AllDirectives {

    private final KvRoutes kv;
    private final ScanRoutes scan;
    private final BatchRoutes batch;
    private final ClusterRoutes cluster;
    private final SeedRoutes seed;
    private final HttpMetrics metrics;
    private final ErrorHandling errors = new ErrorHandling();

    public HttpApi(CoreCacheNode node) {
        Materializer materializer = Materializer.matFromSystem(node.system());
        ReplicaCalls calls = new ReplicaCalls(node.router(), node.settings().retryAfter());
        this.kv = new KvRoutes(calls, node.settings().limits(), node.settings().httpBodyTimeout(), materializer);
        this.scan = new ScanRoutes(calls, node.settings());
        this.batch = new BatchRoutes(calls, node.settings().limits(), node.settings().httpBodyTimeout(),
                node.settings().retryAfter(), materializer);
        this.cluster = new ClusterRoutes(calls, node);
        this.seed = new SeedRoutes(calls, node.settings());
        this.metrics = new HttpMetrics(node, calls::unavailableByReason);
    }

    public Route route() {
        return metrics.instrument(errors.wrap(concat(
                pathPrefix(PathMatchers.segment("v1"), () -> concat(
                        pathPrefix("kv", () -> concat(
                                pathEnd(scan::route),
                                rawPathPrefix(PathMatchers.slash(), kv::route))),
                        path("batch", batch::route),
                        path("cluster", cluster::route))),
                path("metrics", metrics::route),
                seed.route())));
    }
}
