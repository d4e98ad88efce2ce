package io.corecache.api.http;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * The answer to a request so malformed that Pekko's parser refuses it before any route runs: a request
 * target with a bad percent-escape ({@code /v1/kv/%zz}) or a character that must be escaped (a raw space,
 * '|', a non-ASCII byte), a target over {@code max-uri-length} (414), headers over their limits (431). Pekko
 * answers these in text/plain by default; this makes them the API's JSON errors like every other, so a
 * client handles one format. Named by {@code pekko.http.server.parsing.error-handler} in corecache-node.conf.
 */
public final class JsonParsingErrors extends ParsingErrorHandler {

    @Override
    public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
        // A client's mistake, so not worth more than a debug line: a scanner must not be able to flood the log.
        log.debug("refused a malformed request with {}: {}", status.intValue(), info.formatPretty());
        // The detail only describes what the client itself sent ("Invalid input 'z', expected HEXDIG"), so it is
        // always given: it is what tells a user to percent-encode the key.
        return new ApiError(status, ApiError.codeFor(status.intValue()), info.formatPretty()).toResponse();
    }
}
