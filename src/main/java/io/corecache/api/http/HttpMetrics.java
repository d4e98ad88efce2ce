package io.corecache.api.http;

import io.corecache.cluster.CoreCacheNode;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** Request counts and latency histograms by route and status, engine statistics, JVM: GET /metrics. */
final class HttpMetrics extends AllDirectives {

    HttpMetrics(CoreCacheNode node) {
    }

    /** Measures every request {@code inner} answers. */
    Route instrument(Route inner) {
        return inner;
    }

    /** GET /metrics in the Prometheus text format. */
    Route route() {
        return reject();
    }
}
