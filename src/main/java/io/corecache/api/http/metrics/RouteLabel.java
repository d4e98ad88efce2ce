package io.corecache.api.http.metrics;

import io.corecache.api.http.HttpApi;
import org.apache.pekko.http.scaladsl.model.Uri;

/**
 * The route a request was for, as the bounded set of templates the {@code route} label of the HTTP metrics
 * may take. Labelling by raw path would make one time series per key; a template keeps the series count
 * fixed whatever clients send.
 *
 * <p>The classification mirrors {@link HttpApi}'s path matchers (a path the API would answer 404 for is
 * {@link #OTHER}), except that every path under the seed-compatible routes' prefixes counts as
 * {@link #SEED}. It walks Pekko's parsed path (decoded segments), so it costs no allocation per request.
 */
enum RouteLabel {
    KV_KEY("/v1/kv/{key}"),
    KV_SCAN("/v1/kv"),
    BATCH("/v1/batch"),
    CLUSTER("/v1/cluster"),
    METRICS("/metrics"),
    SEED("seed"),
    OTHER("other");

    private final String label;

    RouteLabel(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    static RouteLabel of(Uri.Path path) {
        if (!path.startsWithSlash()) {
            return OTHER;
        }
        Uri.Path rest = path.tail();
        if (rest.isEmpty()) {
            return SEED; // "/" is the Bitcask store's route (/?key=, /?start_key=, POST /)
        }
        if (!rest.startsWithSegment()) {
            return OTHER;
        }
        String first = (String) rest.head();
        rest = rest.tail();
        return switch (first) {
            case "v1" -> underV1(rest);
            case "metrics" -> rest.isEmpty() ? METRICS : OTHER;
            case "add", "get", "delete", "store" -> SEED;
            default -> OTHER;
        };
    }

    private static RouteLabel underV1(Uri.Path path) {
        if (!path.startsWithSlash() || !path.tail().startsWithSegment()) {
            return OTHER;
        }
        String name = (String) path.tail().head();
        Uri.Path rest = path.tail().tail();
        return switch (name) {
            // The key is whatever follows "/v1/kv/", even nothing (an empty key, which the route refuses).
            case "kv" -> rest.isEmpty() ? KV_SCAN : rest.startsWithSlash() ? KV_KEY : OTHER;
            case "batch" -> rest.isEmpty() ? BATCH : OTHER;
            case "cluster" -> rest.isEmpty() ? CLUSTER : OTHER;
            default -> OTHER;
        };
    }
}
