package io.corecache.api.http.metrics;

import io.corecache.api.http.ErrorHandling;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The HTTP request metrics: {@code corecache_http_requests_total} and
 * {@code corecache_http_request_duration_seconds}, both by route template, method and status.
 *
 * <p>Implementation notes: the Prometheus client finds a labelled series by building a list of the label
 * values and looking it up in a map, which allocates on every request. Every label here comes from a small
 * fixed set (7 routes, 10 methods, statuses 100..599), so the series are kept in arrays indexed by those
 * and resolved once, on the first request of each combination. Two threads that race on a new combination
 * both ask the client, which returns the same series to both; the arrays are atomic, so a series is seen
 * only fully built.
 */
final class RequestMetrics {

    /** The methods Pekko HTTP parses; any other (a custom method) is labelled {@code OTHER}. */
    private static final String[] METHODS = {"GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS",
            "TRACE", "CONNECT", "OTHER"};
    private static final int OTHER_METHOD = METHODS.length - 1;
    private static final int STATUSES = 600;
    /** Status label of a request whose route failed or rejected without a response (cannot happen inside
     *  {@link ErrorHandling}, which turns both into responses; kept so such a request is still counted). */
    private static final int NO_RESPONSE = 0;

    /**
     * Upper bounds in seconds. A GET served from memory takes well under a millisecond and a synced PUT a
     * few milliseconds, so the buckets are fine below 10 ms; above a second a request has timed out.
     */
    static final double[] LATENCY_BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
            0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final Counter requests;
    private final Histogram latency;
    private final AtomicReferenceArray<AtomicReferenceArray<Series>> series =
            new AtomicReferenceArray<>(RouteLabel.values().length * METHODS.length);

    private record Series(CounterDataPoint requests, DistributionDataPoint latency) {
    }

    RequestMetrics(PrometheusRegistry registry) {
        this.requests = Counter.builder()
                .name("corecache_http_requests_total")
                .help("HTTP requests answered, by route template, method and status code")
                .labelNames("route", "method", "status")
                .withoutExemplars()
                .register(registry);
        this.latency = Histogram.builder()
                .name("corecache_http_request_duration_seconds")
                .help("Time from routing a request to its response being produced, by route template, "
                        + "method and status code")
                .labelNames("route", "method", "status")
                .classicOnly()
                .classicUpperBounds(LATENCY_BUCKETS)
                .withoutExemplars()
                .register(registry);
    }

    /** Counts one request and records its latency; {@code status} 0 means it ended without a response. */
    void record(RouteLabel route, String method, int status, long nanos) {
        Series s = seriesOf(route, methodIndex(method), status >= 100 && status < STATUSES ? status : NO_RESPONSE);
        s.requests().inc();
        s.latency().observe(nanos / 1e9);
    }

    private Series seriesOf(RouteLabel route, int method, int status) {
        int row = route.ordinal() * METHODS.length + method;
        AtomicReferenceArray<Series> statuses = series.get(row);
        if (statuses == null) {
            series.compareAndSet(row, null, new AtomicReferenceArray<>(STATUSES));
            statuses = series.get(row);
        }
        Series s = statuses.get(status);
        if (s == null) {
            String[] labels = {route.label(), METHODS[method], status == NO_RESPONSE ? "none" : Integer.toString(status)};
            s = new Series(requests.labelValues(labels), latency.labelValues(labels));
            statuses.set(status, s);
        }
        return s;
    }

    private static int methodIndex(String method) {
        return switch (method) {
            case "GET" -> 0;
            case "HEAD" -> 1;
            case "PUT" -> 2;
            case "POST" -> 3;
            case "DELETE" -> 4;
            case "PATCH" -> 5;
            case "OPTIONS" -> 6;
            case "TRACE" -> 7;
            case "CONNECT" -> 8;
            default -> OTHER_METHOD;
        };
    }
}
