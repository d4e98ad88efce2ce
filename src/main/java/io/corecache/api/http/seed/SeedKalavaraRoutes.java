package io.corecache.api.http.seed;

import io.corecache.api.http.ApiError;
import io.corecache.api.http.KeyCodec;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * kalavara's {@code /store/{key}}: PUT or POST stores the raw body (201 {@code Inserted}), GET answers the
 * raw value (200) or 404 {@code Key not found}, DELETE answers 204 or 404 {@code Key not found}.
 *
 * <p>kalavara's master answered a write with a redirect to a volume server, which then answered 201 with the
 * text {@code Inserted}; its users ran {@code curl -L}. CoreCache answers what the volume answered, directly,
 * which {@code -L} accepts as well. Its bodies were plain text, errors included, so every error here is a
 * plain-text line with the status CoreCache gives it. As in kalavara, a query string is not part of the key;
 * unlike kalavara, the key is percent-decoded, so it names the same key as {@code /v1/kv/{key}}.
 */
final class SeedKalavaraRoutes extends AllDirectives {

    private static final String PREFIX = "/store/";

    private final SeedStore store;
    private final Duration bodyTimeout;

    SeedKalavaraRoutes(SeedStore store, Duration bodyTimeout) {
        this.store = store;
        this.bodyTimeout = bodyTimeout;
    }

    Route route() {
        return pathPrefix("store", () -> rawPathPrefix(PathMatchers.slash(), () -> extractRequest(request ->
                extractMaterializer(materializer -> {
                    String method = request.method().name();
                    return completeWithFuture(switch (method) {
                        case "GET" -> answer(() -> read(key(request)));
                        case "PUT", "POST" -> answer(() -> write(request, key(request), materializer));
                        case "DELETE" -> answer(() -> remove(key(request)));
                        default -> CompletableFuture.completedFuture(notAllowed());
                    });
                }))));
    }

    private CompletionStage<HttpResponse> read(byte[] key) {
        return store.get(key).thenApply(value -> value
                .map(v -> HttpResponse.create().withEntity(ContentTypes.APPLICATION_OCTET_STREAM, v.value()))
                .orElseGet(SeedKalavaraRoutes::keyNotFound));
    }

    private CompletionStage<HttpResponse> write(HttpRequest request, byte[] key, Materializer materializer) {
        return SeedBodies.read(request, store.limits().maxValueBytes(), bodyTimeout, materializer)
                .thenCompose(value -> store.put(key, value))
                .thenApply(done -> text(StatusCodes.CREATED, "Inserted"));
    }

    private CompletionStage<HttpResponse> remove(byte[] key) {
        return store.delete(key).thenApply(existed -> existed
                ? HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)
                : keyNotFound());
    }

    /** Runs the work in kalavara's style; the key is checked inside it, before the body is read or a replica asked. */
    private CompletionStage<HttpResponse> answer(Supplier<CompletionStage<HttpResponse>> work) {
        return SeedReplies.guard(work, SeedKalavaraRoutes::styled);
    }

    private byte[] key(HttpRequest request) {
        byte[] key = KeyCodec.percentDecode(rawPath(request).substring(PREFIX.length()));
        String problem = store.keyProblem(key);
        if (problem != null) {
            throw new SeedReject(text(StatusCodes.BAD_REQUEST, "Bad key: " + problem));
        }
        return key;
    }

    /** The raw path (Pekko's decoded path would lose key bytes that are not UTF-8). */
    private static String rawPath(HttpRequest request) {
        String target = request.getHeader("Raw-Request-URI").map(HttpHeader::value)
                .orElseGet(() -> request.getUri().toRelative().toString());
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        int start = path.indexOf(PREFIX);
        return start < 0 ? PREFIX : path.substring(start);
    }

    private static HttpResponse keyNotFound() {
        return text(StatusCodes.NOT_FOUND, "Key not found");
    }

    /** kalavara's own 405 text, misspelling included: a script comparing bodies compares against it. */
    private static HttpResponse notAllowed() {
        return text(StatusCodes.METHOD_NOT_ALLOWED, "Method not allowd")
                .addHeader(Allow.create(HttpMethods.GET, HttpMethods.PUT, HttpMethods.POST, HttpMethods.DELETE));
    }

    /** CoreCache's status and headers, kalavara's kind of body: a short line of text. */
    static HttpResponse styled(ApiError error) {
        String line = switch (error.status().intValue()) {
            case 413 -> "Value too large: " + error.getMessage();
            case 503 -> "Service unavailable: " + error.getMessage();
            case 500 -> "Server error";
            default -> error.getMessage();
        };
        return SeedReplies.restyled(error, ContentTypes.TEXT_PLAIN_UTF8, line.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse text(StatusCode status, String body) {
        return HttpResponse.create().withStatus(status).withEntity(ContentTypes.TEXT_PLAIN_UTF8, body);
    }
}
