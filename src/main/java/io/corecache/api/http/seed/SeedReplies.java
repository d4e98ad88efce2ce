package io.corecache.api.http.seed;

import io.corecache.api.http.ApiError;
import io.corecache.api.http.ErrorHandling;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Makes every outcome of a seed route a response in that route's dialect. The rest of the API turns
 * failures into CoreCache's JSON errors; a seed user's script expects its old system's error bodies instead
 * (FastAPI's {@code {"detail":...}}, a line of text), so a seed route catches its own failures, synchronous
 * or not, and renders them with its dialect's style, keeping the status and headers (Retry-After) that
 * CoreCache chose.
 */
final class SeedReplies {

    private static final Logger log = LoggerFactory.getLogger(SeedReplies.class);

    private SeedReplies() {
    }

    /**
     * Runs {@code work}; a {@link SeedReject} answers as it is, any other failure becomes an {@link ApiError}
     * (as the JSON API would classify it) rendered by {@code style}.
     */
    static CompletionStage<HttpResponse> guard(Supplier<CompletionStage<HttpResponse>> work,
                                               Function<ApiError, HttpResponse> style) {
        CompletionStage<HttpResponse> started;
        try {
            started = work.get();
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        return started.handle((response, failure) -> {
            if (failure == null) {
                return response;
            }
            Throwable cause = unwrap(failure);
            if (cause instanceof SeedReject reject) {
                return reject.response();
            }
            ApiError error = ErrorHandling.toApiError(cause);
            if ("internal_error".equals(error.code())) {
                // A bug, not a client's mistake: keep its stack trace, as ErrorHandling does for the JSON API.
                log.error("seed route failed", cause);
            }
            return style.apply(error);
        });
    }

    /** The error's status and headers (Retry-After, for one) with the dialect's body. */
    static HttpResponse restyled(ApiError error, ContentType type, byte[] body) {
        return error.toResponse().withEntity(type, body);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
