package io.corecache.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;

import java.time.Duration;
import java.util.List;

/**
 * An error as the API answers it: a status and a JSON body {@code {"error":"<code>","message":"..."}} whose
 * code is stable (scripts match on it) and whose message says what was wrong. Thrown inside routes as an
 * exception and turned into the response by {@link ErrorHandling}.
 */
public final class ApiError extends RuntimeException {

    private final StatusCode status;
    private final String code;
    private final List<HttpHeader> headers;

    public ApiError(StatusCode status, String code, String message) {
        this(status, code, message, List.of());
    }

    private ApiError(StatusCode status, String code, String message, List<HttpHeader> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = headers;
    }

    public static ApiError badRequest(String code, String message) {
        return new ApiError(StatusCodes.BAD_REQUEST, code, message);
    }

    public static ApiError notFound(String message) {
        return new ApiError(StatusCodes.NOT_FOUND, "not_found", message);
    }

    /** 503 with Retry-After: the request may succeed later, unchanged. */
    public static ApiError unavailable(String code, String message, Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new ApiError(StatusCodes.SERVICE_UNAVAILABLE, code, message, List.of(RetryAfter.create(seconds)));
    }

    public StatusCode status() {
        return status;
    }

    public String code() {
        return code;
    }

    public HttpResponse toResponse() {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("error", code);
        body.put("message", getMessage());
        return HttpResponse.create()
                .withStatus(status)
                .addHeaders(headers)
                .withEntity(ContentTypes.APPLICATION_JSON, Json.bytes(body));
    }
}
