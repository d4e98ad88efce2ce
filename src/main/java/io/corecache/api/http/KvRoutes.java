package io.corecache.api.http;

import io.corecache.cluster.ReplicaProtocol.Delete;
import io.corecache.cluster.ReplicaProtocol.Deleted;
import io.corecache.cluster.ReplicaProtocol.Found;
import io.corecache.cluster.ReplicaProtocol.NotFound;
import io.corecache.cluster.ReplicaProtocol.Precondition;
import io.corecache.cluster.ReplicaProtocol.PreconditionFailed;
import io.corecache.cluster.ReplicaProtocol.Put;
import io.corecache.cluster.ReplicaProtocol.Reply;
import io.corecache.cluster.ReplicaProtocol.StoredValue;
import io.corecache.cluster.ReplicaProtocol.Written;
import io.corecache.engine.InvalidArgumentException;
import io.corecache.engine.Limits;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.DateTime;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.ETag;
import org.apache.pekko.http.javadsl.model.headers.EntityTag;
import org.apache.pekko.http.javadsl.model.headers.LastModified;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * {@code /v1/kv/{key}}: GET (and HEAD), PUT and DELETE of one key, with revisions as ETags.
 *
 * <p>The key is everything after {@code /v1/kv/} in the raw request target, percent-decoded to bytes, so a
 * key may hold any byte, '/' included. Everything a client sends is checked before the replica is asked (the
 * key, the query parameters, the conditional headers), and the value's size while its body streams in, so a
 * bad request never reaches the data.
 */
final class KvRoutes extends AllDirectives {

    private static final long MAX_TTL_SECONDS = 100L * 366 * 24 * 3600;
    /** Parameters PUT understands; other methods take none. Anything else is refused, not ignored. */
    private static final Set<String> PUT_PARAMETERS = Set.of("ttl");
    /**
     * Answered, not thrown: a miss is an everyday outcome, and an exception raised in a future's stage costs
     * a stack trace (its CompletionException's) on every request: misses cost three times a hit's CPU.
     */
    private static final HttpResponse NO_VALUE = ApiError.notFound("no value for this key").toResponse();

    private final ReplicaCalls calls;
    private final Limits limits;
    private final Duration bodyTimeout;
    private final Materializer materializer;

    KvRoutes(ReplicaCalls calls, Limits limits, Duration bodyTimeout, Materializer materializer) {
        this.calls = calls;
        this.limits = limits;
        this.bodyTimeout = bodyTimeout;
        this.materializer = materializer;
    }

    /**
     * Matches requests whose path starts with {@code /v1/kv/}. HEAD is matched explicitly, so 405's Allow
     * lists it; with {@code transparent-head-requests} on (corecache-node.conf) the server turns HEAD into
     * GET before routing and sends the headers only.
     */
    Route route() {
        return extractRequest(request -> {
            byte[] key = keyOf(request);
            return concat(
                    get(() -> completeWithFuture(read(request, key))),
                    head(() -> completeWithFuture(read(request, key))),
                    put(() -> completeWithFuture(write(request, key))),
                    delete(() -> completeWithFuture(remove(request, key))));
        });
    }

    private CompletionStage<HttpResponse> read(HttpRequest request, byte[] key) {
        checkKey(key);
        checkParameters(request, Set.of());
        return calls.get(key).thenApply(reply -> {
            if (reply instanceof Found found) {
                StoredValue v = found.value();
                return HttpResponse.create()
                        .addHeaders(versionHeaders(v))
                        .withEntity(ContentTypes.APPLICATION_OCTET_STREAM, v.value());
            }
            return NO_VALUE;
        });
    }

    private CompletionStage<HttpResponse> write(HttpRequest request, byte[] key) {
        checkKey(key);
        checkParameters(request, PUT_PARAMETERS);
        long ttlMillis = ttlMillis(request);
        Precondition precondition = Preconditions.forPut(request);
        return ValueBody.read(request.entity(), limits.maxValueBytes(), bodyTimeout, materializer)
                .thenCompose(value -> calls.ask(key, replyTo -> new Put(key, value, ttlMillis, precondition, replyTo)))
                .thenApply(reply -> {
                    if (reply instanceof Written written) {
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("created", written.created());
                        body.put("revision", written.revision());
                        return Json.response(written.created() ? StatusCodes.CREATED : StatusCodes.OK, body)
                                .addHeader(etag(written.revision()));
                    }
                    return preconditionFailed(reply).toResponse();
                });
    }

    private CompletionStage<HttpResponse> remove(HttpRequest request, byte[] key) {
        checkKey(key);
        checkParameters(request, Set.of());
        Precondition precondition = Preconditions.forDelete(request);
        return calls.ask(key, replyTo -> new Delete(key, precondition, replyTo)).thenApply(reply -> {
            if (reply instanceof Deleted) {
                return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
            }
            if (reply instanceof NotFound) {
                return NO_VALUE;
            }
            return preconditionFailed(reply).toResponse();
        });
    }

    /** ETag, Last-Modified and the X- headers of a stored version. */
    static List<HttpHeader> versionHeaders(StoredValue v) {
        List<HttpHeader> headers = new ArrayList<>(4);
        headers.add(etag(v.revision()));
        headers.add(LastModified.create(DateTime.create(v.writeTime())));
        headers.add(RawHeader.create("X-Created-At", Instant.ofEpochMilli(v.createTime()).toString()));
        if (v.expiresAt() != 0) {
            headers.add(RawHeader.create("X-Expires-At", Instant.ofEpochMilli(v.expiresAt()).toString()));
        }
        return headers;
    }

    static HttpHeader etag(long revision) {
        return ETag.create(EntityTag.create(Long.toString(revision), false));
    }

    private void checkKey(byte[] key) {
        try {
            limits.checkKey(key);
        } catch (InvalidArgumentException e) {
            throw ApiError.badRequest(e.code(), e.getMessage());
        }
    }

    /** 412, with the key's current ETag when it exists, so the client can re-read or retry against it. */
    private static ApiError preconditionFailed(Reply reply) {
        if (reply instanceof PreconditionFailed failed) {
            if (failed.currentRevision() == 0) {
                return new ApiError(StatusCodes.PRECONDITION_FAILED, "precondition_failed", "the key does not exist");
            }
            return new ApiError(StatusCodes.PRECONDITION_FAILED, "precondition_failed",
                    "the key's current revision is " + failed.currentRevision()).withHeader(etag(failed.currentRevision()));
        }
        throw new IllegalStateException("unexpected reply " + reply);
    }

    /**
     * The key in the raw request target (Pekko's decoded path would lose bytes that are not UTF-8). The server
     * adds {@code Raw-Request-URI} (raw-request-uri-header = on); without it the re-rendered URI is used,
     * which holds the same key whenever the key is valid UTF-8.
     */
    static byte[] keyOf(HttpRequest request) {
        String target = request.getHeader("Raw-Request-URI").map(HttpHeader::value)
                .orElseGet(() -> request.getUri().toRelative().toString());
        return KeyCodec.keyInTarget(target, "v1", "kv");
    }

    /**
     * Refuses parameters the route does not know: a mistyped {@code ?tll=60} must not store a value that never
     * expires, and a repeated one is ambiguous.
     */
    private static void checkParameters(HttpRequest request, Set<String> known) {
        List<String> seen = new ArrayList<>();
        for (Pair<String, String> parameter : request.getUri().query().toList()) {
            String name = parameter.first();
            if (!known.contains(name)) {
                throw ApiError.badRequest("bad_parameter", known.isEmpty()
                        ? "this request takes no query parameters, got '" + name + "'"
                        : "unknown query parameter '" + name + "'; this request takes " + String.join(", ", known));
            }
            if (seen.contains(name)) {
                throw ApiError.badRequest("bad_parameter", "parameter '" + name + "' is given more than once");
            }
            seen.add(name);
        }
    }

    private static long ttlMillis(HttpRequest request) {
        String ttl = request.getUri().query().get("ttl").orElse(null);
        if (ttl == null) {
            return 0;
        }
        if (!ttl.isEmpty() && ttl.length() <= 18 && ttl.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long seconds = Long.parseLong(ttl);
            if (seconds >= 1 && seconds <= MAX_TTL_SECONDS) {
                return seconds * 1000;
            }
        }
        throw ApiError.badRequest("bad_parameter", "ttl must be a whole number of seconds from 1 to "
                + MAX_TTL_SECONDS + ", got '" + ttl + "'");
    }
}
