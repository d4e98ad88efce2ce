package io.corecache.api.http;

import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * Reads a request body that is one value, refusing it as soon as it is known to be too large: at once when
 * its Content-Length says so (before any byte is read, so a client sending {@code Expect: 100-continue} is
 * told before it sends the body), else while a chunked body streams in, the moment it passes the limit. So a
 * client can neither make the node buffer more than the limit nor store a cut value; what goes wrong is an
 * {@link ApiError} (413 value_too_large, 408 body_timeout, 400 bad_body), never a 500.
 */
final class ValueBody {

    private ValueBody() {
    }

    static CompletionStage<byte[]> read(HttpEntity entity, int maxBytes, Duration timeout, Materializer materializer) {
        long declared = entity.getContentLengthOption().orElse(-1);
        if (declared > maxBytes) {
            return CompletableFuture.failedFuture(tooLarge("the value is " + declared + " bytes", maxBytes));
        }
        if (entity instanceof HttpEntity.Strict strict) {
            // The usual case for small values: the server already holds the whole body; no stream needed.
            return CompletableFuture.completedFuture(strict.getData().toArray());
        }
        return entity.getDataBytes()
                .completionTimeout(timeout)
                .runWith(Sink.fold(ByteString.emptyByteString(), (ByteString read, ByteString chunk) -> {
                    if (read.size() + (long) chunk.size() > maxBytes) {
                        throw tooLarge("the value is more than " + maxBytes + " bytes", maxBytes);
                    }
                    return read.concat(chunk);
                }), materializer)
                .handleAsync((body, failure) -> {
                    if (failure == null) {
                        return body.toArray();
                    }
                    throw asApiError(failure, timeout);
                }, Runnable::run); // not on the common pool (see Router.ask)
    }

    private static ApiError tooLarge(String what, int maxBytes) {
        return new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "value_too_large", what + "; the limit is " + maxBytes);
    }

    private static ApiError asApiError(Throwable failure, Duration timeout) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof TimeoutException) {
            return new ApiError(StatusCodes.REQUEST_TIMEOUT, "body_timeout",
                    "the body did not arrive within " + timeout.toMillis() + " ms");
        }
        if (cause instanceof ApiError api) {
            return api;
        }
        ApiError known = ErrorHandling.toApiError(cause);
        // Whatever else fails this stream failed reading the client's bytes (a connection cut mid-body, a bad
        // chunk): the client's request, not the server, so a 400 naming the cause rather than a 500.
        return known.status().intValue() < 500 ? known
                : ApiError.badRequest("bad_body", "the request body could not be read: " + cause);
    }
}
