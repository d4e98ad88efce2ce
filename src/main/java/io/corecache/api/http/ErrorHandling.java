package io.corecache.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.IllegalRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Turns every failure into a JSON error: {@link ApiError}s as they are, a body over the limit as 413, a body
 * cut short or malformed as 400, one too slow as 408, an unknown route as 404, a wrong method as 405 with
 * Allow, Pekko's own rejections (bad query parameters, malformed headers) as 400. Only a bug answers 500, and
 * it is logged with its stack trace. (Requests too malformed to reach a route are answered by
 * {@link JsonParsingErrors}.)
 */
public final class ErrorHandling extends AllDirectives {

    private static final Logger log = LoggerFactory.getLogger(ErrorHandling.class);

    Route wrap(Route inner) {
        return handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> inner));
    }

    static ExceptionHandler exceptions() {
        return ExceptionHandler.newBuilder()
                .matchAny(failure -> {
                    ApiError error = toApiError(failure);
                    if (error.status().intValue() >= 500 && !"partition_unavailable".equals(error.code())
                            && !"overloaded".equals(error.code()) && !"timeout".equals(error.code())
                            && !"storage_unavailable".equals(error.code())) {
                        log.error("request failed", failure);
                    }
                    return new ErrorHandling().complete(error.toResponse());
                })
                .build();
    }

    public static ApiError toApiError(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ApiError api) {
            return api;
        }
        if (cause instanceof EntityStreamSizeException size) {
            return new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "value_too_large",
                    "the body is larger than the limit of " + size.limit() + " bytes");
        }
        if (cause instanceof EntityStreamException stream) {
            // Pekko's toStrict(maxBytes) reports an oversized body this way; a cut or malformed body likewise.
            return stream.info().summary().startsWith("Request too large")
                    ? new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "value_too_large", stream.info().formatPretty())
                    : ApiError.badRequest("bad_body", "the request body could not be read: "
                            + stream.info().formatPretty());
        }
        if (cause instanceof IllegalRequestException illegal) {
            return new ApiError(illegal.status(), ApiError.codeFor(illegal.status().intValue()),
                    illegal.info().formatPretty());
        }
        if (cause instanceof TimeoutException && String.valueOf(cause.getMessage()).startsWith("HttpEntity.toStrict")) {
            return new ApiError(StatusCodes.REQUEST_TIMEOUT, "body_timeout", "the body did not arrive in time");
        }
        return new ApiError(StatusCodes.INTERNAL_SERVER_ERROR, "internal_error",
                "the server failed: " + cause.getClass().getSimpleName());
    }

    private static RejectionHandler rejections() {
        return RejectionHandler.newBuilder()
                .handleAll(MethodRejection.class, rejected -> {
                    Set<HttpMethod> allowed = new LinkedHashSet<>();
                    rejected.forEach(r -> allowed.add(r.supported()));
                    String names = String.join(", ", allowed.stream().map(HttpMethod::name).toList());
                    return new ErrorHandling().complete(new ApiError(StatusCodes.METHOD_NOT_ALLOWED,
                            "method_not_allowed", "this route supports " + names).toResponse()
                            .addHeader(Allow.create(allowed.toArray(HttpMethod[]::new))));
                })
                .handleNotFound(new ErrorHandling().extractUri(uri -> new ErrorHandling().complete(
                        new ApiError(StatusCodes.NOT_FOUND, "route_not_found", "no route for " + uri.path())
                                .toResponse())))
                .build()
                .withFallback(RejectionHandler.defaultHandler())
                .mapRejectionResponse(ErrorHandling::asJson);
    }

    /** Pekko's default rejections answer text/plain; the API answers JSON with a code from the status. */
    private static HttpResponse asJson(HttpResponse response) {
        if (response.entity().getContentType().equals(ContentTypes.APPLICATION_JSON)) {
            return response;
        }
        String text = response.entity() instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict strict
                ? strict.getData().decodeString(StandardCharsets.UTF_8) : response.status().reason();
        String code = ApiError.codeFor(response.status().intValue());
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("error", code);
        body.put("message", text);
        return response.withEntity(ContentTypes.APPLICATION_JSON, Json.bytes(body));
    }
}
