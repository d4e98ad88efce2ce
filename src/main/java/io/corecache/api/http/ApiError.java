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

    /** The same error with {@code header} added to its response. */
    ApiError withHeader(HttpHeader header) {
        List<HttpHeader> all = new java.util.ArrayList<>(headers);
        all.add(header);
        return new ApiError(status, code, getMessage(), List.copyOf(all));
    }

    /**
     * The code of an error known only by its status: what Pekko's own rejections and the request parser
     * answer, before any CoreCache code ran.
     */
    static String codeFor(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 404 -> "route_not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "body_timeout";
            case 413 -> "value_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 431 -> "headers_too_large";
            case 501 -> "not_implemented";
            case 505 -> "http_version_not_supported";
            default -> "request_rejected";
        };
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
