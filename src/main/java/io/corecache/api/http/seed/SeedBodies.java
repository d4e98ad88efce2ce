package io.corecache.api.http.seed;

import io.corecache.api.http.ApiError;
import io.corecache.api.http.ErrorHandling;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.stream.Materializer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Reads a seed request's body with a size limit: a declared Content-Length over it is refused before a byte
 * is read, and a body that grows past it while streaming fails with Pekko's size exception (which
 * {@link ErrorHandling#toApiError} makes a 413), so an oversized body is never buffered whole.
 */
final class SeedBodies {

    private SeedBodies() {
    }

    static CompletionStage<byte[]> read(HttpRequest request, long limit, Duration timeout, Materializer materializer) {
        long declared = request.entity().getContentLengthOption().orElse(-1);
        if (declared > limit) {
            return CompletableFuture.failedFuture(new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "value_too_large",
                    "the body is " + declared + " bytes; the limit is " + limit));
        }
        return request.entity().toStrict(timeout.toMillis(), limit, materializer)
                .thenApply(strict -> strict.getData().toArray());
    }
}
