package io.corecache.api.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corecache.cluster.NodeSettings;
import io.corecache.cluster.ReplicaProtocol.StoredEntry;
import io.corecache.cluster.ScanMerger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /v1/kv}: keys in order across every partition. As JSON, one page of at most {@code limit}
 * entries with a cursor to the next; with {@code Accept: application/x-ndjson}, the whole range (or
 * {@code limit} entries) streamed one JSON object per line, read a page per partition at a time
 * ({@link ScanMerger}), so a range of any size streams in bounded memory.
 */
final class ScanRoutes extends AllDirectives {

    static final ContentType NDJSON = ContentTypes.create(MediaTypes.applicationWithOpenCharset("x-ndjson"),
            org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8);

    private final ReplicaCalls calls;
    private final NodeSettings settings;

    ScanRoutes(ReplicaCalls calls, NodeSettings settings) {
        this.calls = calls;
        this.settings = settings;
    }

    Route route() {
        return get(() -> extractRequest(request -> {
            boolean streaming = wantsNdjson(request);
            ScanRequest scan = ScanRequest.parse(request.getUri().query().toMap(), settings.scanDefaultLimit(),
                    settings.scanMaxLimit(), streaming);
            return streaming ? complete(stream(scan)) : completeWithFuture(page(scan));
        }));
    }

    private CompletionStage<HttpResponse> page(ScanRequest scan) {
        if (scan.empty()) {
            return CompletableFuture.completedFuture(pageResponse(List.of(), null, scan));
        }
        // A partition never needs to send more than the page can hold, plus one to tell whether more exist.
        ScanMerger merger = new ScanMerger(calls.router(), scan.start(), scan.end(), scan.keysOnly(),
                Math.min(settings.scanPageSize(), scan.limit() + 1));
        return merger.next(scan.limit()).thenCompose(items -> {
            if (items.size() < scan.limit()) {
                return CompletableFuture.completedFuture(pageResponse(items, null, scan));
            }
            // Full page: a next page exists if anything is left after it (a partition that says "more" has
            // at least one more entry in the range, so this needs no further read).
            return CompletableFuture.completedFuture(pageResponse(items, merger.exhausted() ? null
                    : ScanRequest.cursorAfter(items.get(items.size() - 1).key()), scan));
        }).exceptionally(failure -> {
            throw calls.toApiError(failure);
        });
    }

    private static HttpResponse pageResponse(List<StoredEntry> items, String next, ScanRequest scan) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode array = body.putArray("items");
        items.forEach(entry -> array.add(ScanItems.item(entry, scan.base64())));
        if (next == null) {
            body.putNull("next");
        } else {
            body.put("next", next);
        }
        return Json.response(StatusCodes.OK, body);
    }

    private HttpResponse stream(ScanRequest scan) {
        Source<ByteString, NotUsed> lines = Source.empty();
        if (!scan.empty()) {
            ScanMerger merger = new ScanMerger(calls.router(), scan.start(), scan.end(), scan.keysOnly(),
                    settings.scanPageSize());
            int batch = settings.scanPageSize();
            lines = Source.unfoldAsync(scan.limit(), remaining -> remaining <= 0
                            ? CompletableFuture.completedFuture(Optional.<Pair<Integer, List<StoredEntry>>>empty())
                            : merger.next(Math.min(batch, remaining)).thenApply(items -> items.isEmpty()
                                    ? Optional.<Pair<Integer, List<StoredEntry>>>empty()
                                    : Optional.of(Pair.create(remaining - items.size(), items))))
                    .mapConcat(items -> items)
                    .map(entry -> line(ScanItems.item(entry, scan.base64())))
                    // A failure after the 200 went out cannot change the status: the stream ends with an
                    // error line a client can recognise, rather than looking like a short, complete range.
                    .recover(new PFBuilder<Throwable, ByteString>()
                            .matchAny(failure -> line(errorLine(calls.toApiError(failure))))
                            .build());
        }
        return HttpResponse.create().withEntity(HttpEntities.create(NDJSON, lines));
    }

    private static ObjectNode errorLine(ApiError error) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("error", error.code());
        node.put("message", error.getMessage());
        return node;
    }

    private static ByteString line(ObjectNode node) {
        byte[] json = Json.bytes(node);
        return ByteString.fromArrayUnsafe(json).concat(ByteString.fromString("\n"));
    }

    private static boolean wantsNdjson(HttpRequest request) {
        return request.getHeader("Accept").map(h -> h.value().contains("application/x-ndjson")).orElse(false);
    }
}
