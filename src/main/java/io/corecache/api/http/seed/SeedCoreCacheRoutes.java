package io.corecache.api.http.seed;

import io.corecache.api.http.ApiError;
import io.corecache.api.http.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corecache.cluster.ReplicaProtocol.StoredValue;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The CoreCache seed's FastAPI routes: {@code POST /add/} with {@code {"key","value"}} answers 200
 * {@code null}; {@code GET /get/?key=K} answers {@code {"key","value","timestamp","deleted"}} or 404
 * {@code {"detail":"No data found"}}; {@code POST /delete/?key=K} answers 200 {@code null}.
 *
 * <p>What differs from the seed, on purpose: a delete of an absent key answers 404 {@code No data found}
 * (the seed answered 500); {@code timestamp} is when CoreCache wrote the value, in whole Unix seconds (the
 * seed's was the server's start time unless the client sent one, which CoreCache validates and ignores);
 * the paths work with and without their trailing slash (FastAPI redirected one to the other); the body is
 * read as JSON whatever its Content-Type. {@code "deleted": true} in an add deletes the key, as the seed's
 * tombstone did. The seed's {@code token} parameter (leader forwarding) is accepted and ignored.
 */
final class SeedCoreCacheRoutes extends AllDirectives {

    private final SeedStore store;
    private final Duration bodyTimeout;

    SeedCoreCacheRoutes(SeedStore store, Duration bodyTimeout) {
        this.store = store;
        this.bodyTimeout = bodyTimeout;
    }

    private interface Handler {
        CompletionStage<HttpResponse> handle(HttpRequest request, Materializer materializer);
    }

    Route route() {
        return concat(
                endpoint("add", HttpMethods.POST, this::add),
                endpoint("get", HttpMethods.GET, (request, unused) -> read(queryKey(request))),
                endpoint("delete", HttpMethods.POST, (request, unused) -> remove(queryKey(request))));
    }

    /** {@code /name} or {@code /name/} with one method; any other method is FastAPI's 405. */
    private Route endpoint(String name, HttpMethod method, Handler handler) {
        return pathPrefix(name, () -> pathEndOrSingleSlash(() -> extractRequest(request ->
                extractMaterializer(materializer -> request.method().equals(method)
                        ? completeWithFuture(SeedReplies.guard(() -> handler.handle(request, materializer),
                                SeedCoreCacheRoutes::styled))
                        : complete(detail(StatusCodes.METHOD_NOT_ALLOWED, "Method Not Allowed")
                                .addHeader(Allow.create(method)))))));
    }

    /** Nothing is written until the whole body has parsed and passed every check. */
    private CompletionStage<HttpResponse> add(HttpRequest request, Materializer materializer) {
        return SeedBodies.read(request, bodyLimit(), bodyTimeout, materializer).thenCompose(bytes -> {
            SeedCoreCacheBody body = SeedCoreCacheBody.parse(bytes);
            byte[] key = checkedKey("body", body.key());
            if (body.deleted()) {
                return store.delete(key).thenApply(existed -> nullBody());
            }
            if (store.valueTooLarge(body.value().length)) {
                throw new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "value_too_large",
                        store.valueTooLargeMessage(body.value().length));
            }
            return store.put(key, body.value()).thenApply(done -> nullBody());
        });
    }

    /** A JSON string may spell each byte of the value and key as a six-character escape. */
    private long bodyLimit() {
        return Math.min(Integer.MAX_VALUE,
                6L * ((long) store.limits().maxValueBytes() + store.limits().maxKeyBytes()) + 4096);
    }

    private CompletionStage<HttpResponse> read(byte[] key) {
        return store.get(key).thenApply(found -> found.map(v -> Json.response(StatusCodes.OK, data(key, v)))
                .orElseGet(SeedCoreCacheRoutes::noData));
    }

    private CompletionStage<HttpResponse> remove(byte[] key) {
        return store.delete(key).thenApply(existed -> existed ? nullBody() : noData());
    }

    /** The seed's Data model; {@code deleted} is always false here, since a deleted key is not found. */
    private static ObjectNode data(byte[] key, StoredValue v) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("key", new String(key, StandardCharsets.UTF_8));
        data.put("value", new String(v.value(), StandardCharsets.UTF_8));
        data.put("timestamp", Math.round(v.writeTime() / 1000.0));
        data.put("deleted", false);
        return data;
    }

    private byte[] queryKey(HttpRequest request) {
        String key = request.getUri().query().get("key")
                .orElseThrow(() -> SeedCoreCacheBody.missingQuery("key"));
        return checkedKey("query", key.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] checkedKey(String location, byte[] key) {
        if (store.keyProblem(key) != null) {
            throw SeedCoreCacheBody.lengthProblem(location, "key", key, store.limits().maxKeyBytes());
        }
        return key;
    }

    private static HttpResponse noData() {
        return detail(StatusCodes.NOT_FOUND, "No data found");
    }

    /** What the seed's handlers returned: nothing, which FastAPI sends as JSON {@code null}. */
    private static HttpResponse nullBody() {
        return HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, "null");
    }

    /** CoreCache's status and headers, FastAPI's {@code {"detail": "..."}} body. */
    static HttpResponse styled(ApiError error) {
        String message = error.status().intValue() == 500 ? "Internal Server Error" : error.getMessage();
        return SeedReplies.restyled(error, ContentTypes.APPLICATION_JSON, detailJson(message));
    }

    private static HttpResponse detail(StatusCode status, String message) {
        return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, detailJson(message));
    }

    private static byte[] detailJson(String message) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("detail", message);
        return Json.bytes(body);
    }
}
