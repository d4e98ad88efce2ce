package io.corecache.api.http.seed;

import io.corecache.api.http.ApiError;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The Bitcask store's routes, all on {@code /}: {@code GET /?key=K} answers {@code Value: v};
 * {@code GET /?start_key=A&end_key=B} answers the range (see {@link SeedBitcaskRange}); {@code POST /} with
 * lines {@code K,V} or {@code key:K,value:V} answers {@code Key saved} (one line) or {@code Keys saved}
 * (several); {@code DELETE /?key=K} answers {@code Key deleted}. Without the parameters a route needs, it
 * answers the usage text, as the seed did.
 *
 * <p>The seed answered everything with 200 and no Content-Type, its failures as text such as
 * {@code Failed to put key. Err ...}. CoreCache keeps that text for its errors but gives them their real
 * status (400, 413, 503 with Retry-After), and answers {@code text/plain; charset=UTF-8}. A key that does
 * not exist reads as {@code Value: } with 200, as in the seed, and a delete answers {@code Key deleted}
 * whether or not the key existed.
 */
final class SeedBitcaskRoutes extends AllDirectives {

    static final String READ_FAILED = "Failed to read response: ";
    private static final String RANGE_FAILED = "Failed to read range: ";
    private static final String PUT_FAILED = "Failed to put key. Err ";
    private static final String BATCH_FAILED = "Failed to batch put keys. Err: ";
    private static final String DELETE_FAILED = "Failed to delete: ";
    /** A range's value bytes beyond which the answer is cut short (at least one largest value). */
    private static final long RANGE_VALUE_BYTES = 16L << 20;
    /** A batch body's size limit (at least one largest entry). */
    private static final long BATCH_BODY_BYTES = 16L << 20;
    /** Partition scans one range may make before it is refused as too wide. */
    private static final int MAX_RANGE_SCANS = 50_000;

    private final SeedStore store;
    private final Duration bodyTimeout;
    private final int pageSize;
    private final int maxRangeLimit;

    SeedBitcaskRoutes(SeedStore store, Duration bodyTimeout, int pageSize, int maxRangeLimit) {
        this.store = store;
        this.bodyTimeout = bodyTimeout;
        this.pageSize = pageSize;
        this.maxRangeLimit = maxRangeLimit;
    }

    Route route() {
        return pathSingleSlash(() -> extractRequest(request -> extractMaterializer(materializer ->
                extractExecutionContext(executor -> {
                    String method = request.method().name();
                    return completeWithFuture(switch (method) {
                        case "GET" -> read(request, executor);
                        case "POST" -> write(request, materializer);
                        case "DELETE" -> remove(request);
                        default -> CompletableFuture.completedFuture(usage(request)
                                .withStatus(StatusCodes.METHOD_NOT_ALLOWED)
                                .addHeader(Allow.create(HttpMethods.GET, HttpMethods.POST, HttpMethods.DELETE)));
                    });
                }))));
    }

    private CompletionStage<HttpResponse> read(HttpRequest request, Executor executor) {
        Optional<String> key = param(request, "key");
        if (key.isPresent()) {
            return guarded(READ_FAILED, () -> {
                byte[] k = checkedKey(key.get());
                return store.get(k).thenApply(found -> {
                    byte[] value = found.map(v -> v.value()).orElse(new byte[0]);
                    return text(concat("Value: ".getBytes(StandardCharsets.UTF_8), value));
                });
            });
        }
        Optional<String> start = param(request, "start_key");
        Optional<String> end = param(request, "end_key");
        if (start.isPresent() && end.isPresent()) {
            return guarded(RANGE_FAILED, () -> range(start.get(), end.get(), limit(request), executor));
        }
        return CompletableFuture.completedFuture(usage(request));
    }

    private CompletionStage<HttpResponse> range(String start, String end, int limit, Executor executor) {
        SeedRangeScan scan = new SeedRangeScan(store.calls(), pageSize, MAX_RANGE_SCANS, executor);
        long valueBytes = Math.max(RANGE_VALUE_BYTES, store.limits().maxValueBytes());
        return new SeedBitcaskRange(store, scan, valueBytes).read(start, end, limit).thenApply(answer -> {
            HttpResponse response = text(SeedBitcaskRange.format(answer.entries()).getBytes(StandardCharsets.UTF_8));
            if (answer.nextKey() == null) {
                return response;
            }
            return response.addHeader(RawHeader.create("X-Truncated", "true"))
                    .addHeader(RawHeader.create("X-Next-Start-Key", percentEncode(answer.nextKey())));
        });
    }

    /** Every line is parsed and checked before the first is written, so a bad body writes nothing. */
    private CompletionStage<HttpResponse> write(HttpRequest request, Materializer materializer) {
        AtomicBoolean batch = new AtomicBoolean();
        long bodyLimit = Math.max(BATCH_BODY_BYTES,
                (long) store.limits().maxValueBytes() + store.limits().maxKeyBytes() + 64);
        return SeedReplies.guard(() -> SeedBodies.read(request, bodyLimit, bodyTimeout, materializer)
                .thenCompose(body -> {
                    List<byte[]> lines = SeedBitcaskLines.lines(body);
                    batch.set(lines.size() > 1);
                    if (lines.isEmpty()) {
                        return CompletableFuture.completedFuture(usage(request));
                    }
                    List<SeedStore.Entry> entries = SeedBitcaskLines.entries(lines, store);
                    if (entries.size() == 1) {
                        return store.put(entries.get(0).key(), entries.get(0).value())
                                .thenApply(done -> text("Key saved"));
                    }
                    return store.putAll(entries).thenApply(done -> text("Keys saved"));
                }), error -> styled(batch.get() ? BATCH_FAILED : PUT_FAILED, error));
    }

    private CompletionStage<HttpResponse> remove(HttpRequest request) {
        Optional<String> key = param(request, "key");
        if (key.isEmpty()) {
            return CompletableFuture.completedFuture(usage(request));
        }
        return guarded(DELETE_FAILED,
                () -> store.delete(checkedKey(key.get())).thenApply(existed -> text("Key deleted")));
    }

    private CompletionStage<HttpResponse> guarded(String prefix, Supplier<CompletionStage<HttpResponse>> work) {
        return SeedReplies.guard(work, error -> styled(prefix, error));
    }

    private byte[] checkedKey(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        String problem = store.keyProblem(bytes);
        if (problem != null) {
            throw ApiError.badRequest("bad_key", problem);
        }
        return bytes;
    }

    /** {@code limit} (1 to the scan limit), not in the seed: how many entries a range answers at most. */
    private int limit(HttpRequest request) {
        Optional<String> limit = param(request, "limit");
        if (limit.isEmpty()) {
            return maxRangeLimit;
        }
        try {
            int value = Integer.parseInt(limit.get());
            if (value >= 1 && value <= maxRangeLimit) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiError.badRequest("bad_parameter", "limit must be a whole number from 1 to " + maxRangeLimit
                + ", got '" + limit.get() + "'");
    }

    private static Optional<String> param(HttpRequest request, String name) {
        return request.getUri().query().get(name);
    }

    /** The seed's usage text, with this node's address in the examples. */
    private static HttpResponse usage(HttpRequest request) {
        String base = "http://" + request.getHeader("Host").map(h -> h.value()).orElse("localhost:8080");
        return text("Usage:\n"
                + "READ: curl --location '" + base + "/?key=1'\n"
                + "READ KEY RANGE: curl --location '" + base + "/?start_key=1&end_key=10'\n"
                + "PUT: curl --location '" + base + "/' --header 'Content-Type: text/plain' --data 'key:1,value:2000'\n"
                + "BATCH PUT: curl --location '" + base + "/' --header 'Content-Type: text/plain' --data-binary "
                + "$'key:1,value:2000\\nkey:2,value:5000\\nkey:5,value:4000\\nkey:11,value:502'\n"
                + "DELETE: curl --location --request DELETE '" + base + "/?key=1'\n");
    }

    /** CoreCache's status and headers, the seed's failure line. */
    static HttpResponse styled(String prefix, ApiError error) {
        String message = error.status().intValue() == 500 ? "internal error" : error.getMessage();
        return SeedReplies.restyled(error, ContentTypes.TEXT_PLAIN_UTF8,
                (prefix + message).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse text(String body) {
        return text(body.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse text(byte[] body) {
        return HttpResponse.create().withEntity(ContentTypes.TEXT_PLAIN_UTF8, body);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A header carries ASCII only: unreserved characters as they are, every other byte as %XX. */
    static String percentEncode(byte[] key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(key.length);
        for (byte b : key) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.write(c);
            } else {
                out.write('%');
                out.write(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
                out.write(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
