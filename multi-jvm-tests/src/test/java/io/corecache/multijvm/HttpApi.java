package io.corecache.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What a user's program sees of one node's HTTP API: the status, body and headers of each answer and how long
 * it took, measured around the whole exchange. Keys in these tests are plain ASCII without '/', so they go
 * into the path as they are.
 */
final class HttpApi {

    /** Longer than the node's request timeout (5 s), so the node's answer, not the client's patience, decides. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: what came back and how long the request took from sending to the last byte. */
    record Answer(int status, String body, HttpHeaders headers, Duration took) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        boolean ok() {
            return status / 100 == 2;
        }

        @Override
        public String toString() {
            String shown = body.length() > 300 ? body.substring(0, 300) + "..." : body;
            return status + " in " + took.toMillis() + " ms: " + shown;
        }
    }

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI base;

    HttpApi(URI base) {
        this.base = base;
    }

    URI base() {
        return base;
    }

    Answer put(String key, String value) throws IOException {
        return send(request("/v1/kv/" + key).PUT(HttpRequest.BodyPublishers.ofString(value, StandardCharsets.UTF_8)));
    }

    Answer get(String key) throws IOException {
        return send(request("/v1/kv/" + key).GET());
    }

    Answer delete(String key) throws IOException {
        return send(request("/v1/kv/" + key).DELETE());
    }

    /** {@code POST /v1/batch} with a JSON body. */
    Answer batch(String json) throws IOException {
        return send(request("/v1/batch").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    /** One page of {@code GET /v1/kv} as JSON; {@code cursor} may be null for the first page. */
    Answer scanPage(String prefix, int limit, String cursor) throws IOException {
        String query = "?prefix=" + encode(prefix) + "&limit=" + limit + (cursor == null ? "" : "&cursor=" + encode(cursor));
        return send(request("/v1/kv" + query).GET());
    }

    /** {@code GET /v1/kv?prefix=P} with {@code Accept: application/x-ndjson}: the whole range, one line a key. */
    Answer scanNdjson(String prefix, int limit) throws IOException {
        return send(request("/v1/kv?prefix=" + encode(prefix) + "&limit=" + limit)
                .header("Accept", "application/x-ndjson").GET());
    }

    /** {@code GET /v1/cluster}, which must answer 200. */
    ClusterView cluster() throws IOException {
        Answer answer = send(request("/v1/cluster").GET());
        if (answer.status() != 200) {
            throw new IOException("GET " + base + "/v1/cluster answered " + answer);
        }
        return ClusterView.parse(answer.json());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT);
    }

    private Answer send(HttpRequest.Builder request) throws IOException {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = client.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), response.body(), response.headers(),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }
}
