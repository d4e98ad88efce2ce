package io.corecache.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What a user's program does with a node: {@code PUT} and {@code GET} on {@code /v1/kv/{key}} with the JDK's
 * HTTP client, over HTTP/1.1. Keys in these tests are plain ASCII, so they go into the path as they are.
 */
final class NodeClient {

    /** Longer than the node's request timeout (5 s), so the node's answer, not the client's patience, decides. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI base;

    NodeClient(URI base) {
        this.base = base;
    }

    /** The status of {@code PUT /v1/kv/key}; IOException if no response came (a killed node, for example). */
    int put(String key, String value) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri(key)).timeout(REQUEST_TIMEOUT)
                .PUT(HttpRequest.BodyPublishers.ofString(value, StandardCharsets.UTF_8)).build();
        return send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** {@code GET /v1/kv/key}: the status and the body as UTF-8. */
    HttpResponse<String> get(String key) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri(key)).timeout(REQUEST_TIMEOUT).GET().build();
        return send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private URI uri(String key) {
        return base.resolve("/v1/kv/" + key);
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) throws IOException {
        try {
            return client.send(request, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
