package io.corecache.api.http;

import io.corecache.cluster.ReplicaProtocol.Delete;
import io.corecache.cluster.ReplicaProtocol.Deleted;
import io.corecache.cluster.ReplicaProtocol.Found;
import io.corecache.cluster.ReplicaProtocol.Get;
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
import org.apache.pekko.stream.Materializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code /v1/kv/{key}}: GET (and HEAD), PUT and DELETE of one key, with revisions as ETags.
 *
 * <p>The key is everything after {@code /v1/kv/} in the raw request target, percent-decoded to bytes, so a
 * key may hold any byte, '/' included. Arguments are checked before the replica is asked, and the value's
 * size while its body streams in, so no bad request reaches the data.
 */
final class KvRoutes extends AllDirectives {

    static final String PREFIX = "/v1/kv/";
    private static final long MAX_TTL_SECONDS = 100L * 366 * 24 * 3600;

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

    /** Matches requests whose path starts with {@code /v1/kv/}. */
    Route route() {
        return extractRequest(request -> {
            byte[] key = keyOf(request);
            return concat(
                    get(() -> completeWithFuture(read(key))),
                    put(() -> completeWithFuture(write(request, key))),
                    delete(() -> completeWithFuture(remove(request, key))));
        });
    }

    private CompletionStage<HttpResponse> read(byte[] key) {
        checkKey(key);
        return calls.ask(key, replyTo -> new Get(key, replyTo)).thenApply(reply -> {
            if (reply instanceof Found found) {
                StoredValue v = found.value();
                return HttpResponse.create()
                        .addHeaders(versionHeaders(v))
                        .withEntity(ContentTypes.APPLICATION_OCTET_STREAM, v.value());
            }
            throw ApiError.notFound("no value for this key");
        });
    }

    private CompletionStage<HttpResponse> write(HttpRequest request, byte[] key) {
        checkKey(key);
        long ttlMillis = ttlMillis(request.getUri().query().get("ttl"));
        Precondition precondition = writePrecondition(request);
        long declared = request.entity().getContentLengthOption().orElse(-1);
        if (declared > limits.maxValueBytes()) {
            return CompletableFuture.failedFuture(valueTooLarge(declared));
        }
        return request.entity()
                .toStrict(bodyTimeout.toMillis(), limits.maxValueBytes(), materializer)
                .thenCompose(body -> {
                    byte[] value = body.getData().toArray();
                    return calls.ask(key, replyTo -> new Put(key, value, ttlMillis, precondition, replyTo));
                })
                .thenApply(reply -> {
                    if (reply instanceof Written written) {
                        return Json.response(written.created() ? StatusCodes.CREATED : StatusCodes.OK,
                                        Map.of("created", written.created(), "revision", written.revision()))
                                .addHeader(etag(written.revision()));
                    }
                    throw preconditionFailed(reply);
                });
    }

    private CompletionStage<HttpResponse> remove(HttpRequest request, byte[] key) {
        checkKey(key);
        Precondition precondition = ifMatch(request).orElse(Precondition.NONE);
        return calls.ask(key, replyTo -> new Delete(key, precondition, replyTo)).thenApply(reply -> {
            if (reply instanceof Deleted) {
                return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
            }
            if (reply instanceof NotFound) {
                throw ApiError.notFound("no value for this key");
            }
            throw preconditionFailed(reply);
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

    private ApiError valueTooLarge(long bytes) {
        return new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "value_too_large",
                "the value is " + bytes + " bytes; the limit is " + limits.maxValueBytes());
    }

    private static ApiError preconditionFailed(Reply reply) {
        if (reply instanceof PreconditionFailed failed) {
            return new ApiError(StatusCodes.PRECONDITION_FAILED, "precondition_failed", failed.currentRevision() == 0
                    ? "the key does not exist" : "the key's current revision is " + failed.currentRevision());
        }
        throw new IllegalStateException("unexpected reply " + reply);
    }

    /** The key in the raw request target (Pekko's decoded path would lose bytes that are not UTF-8). */
    static byte[] keyOf(HttpRequest request) {
        String target = request.getHeader("Raw-Request-URI").map(HttpHeader::value)
                .orElseGet(() -> request.getUri().toRelative().toString());
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        int start = path.indexOf(PREFIX);
        return KeyCodec.percentDecode(start < 0 ? "" : path.substring(start + PREFIX.length()));
    }

    private static long ttlMillis(Optional<String> ttl) {
        if (ttl.isEmpty()) {
            return 0;
        }
        try {
            long seconds = Long.parseLong(ttl.get());
            if (seconds >= 1 && seconds <= MAX_TTL_SECONDS) {
                return seconds * 1000;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiError.badRequest("bad_parameter", "ttl must be a whole number of seconds from 1 to "
                + MAX_TTL_SECONDS + ", got '" + ttl.get() + "'");
    }

    private static Precondition writePrecondition(HttpRequest request) {
        Optional<String> noneMatch = request.getHeader("If-None-Match").map(HttpHeader::value);
        Optional<Precondition> match = ifMatch(request);
        if (noneMatch.isPresent()) {
            if (!noneMatch.get().trim().equals("*")) {
                throw ApiError.badRequest("bad_header", "If-None-Match supports only *, got '" + noneMatch.get() + "'");
            }
            if (match.isPresent()) {
                throw ApiError.badRequest("bad_header", "If-Match and If-None-Match cannot be combined");
            }
            return Precondition.ABSENT;
        }
        return match.orElse(Precondition.NONE);
    }

    /** {@code If-Match: "<revision>"} or {@code *}. */
    private static Optional<Precondition> ifMatch(HttpRequest request) {
        return request.getHeader("If-Match").map(HttpHeader::value).map(String::trim).map(value -> {
            if (value.equals("*")) {
                return Precondition.PRESENT;
            }
            String tag = value.startsWith("W/") ? value.substring(2) : value;
            if (tag.length() >= 3 && tag.startsWith("\"") && tag.endsWith("\"")) {
                try {
                    return Precondition.revision(Long.parseLong(tag.substring(1, tag.length() - 1)));
                } catch (NumberFormatException ignored) {
                    // answered below
                }
            }
            throw ApiError.badRequest("bad_header", "If-Match must be * or one revision ETag like \"42\", got '"
                    + value + "'");
        });
    }
}
