package io.corecache.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** The few HTTP calls the cluster commands make to their nodes, each bounded by a short timeout. */
final class NodeHttp {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeHttp() {
    }

    /** True if GET {@code url} answers 200. */
    static boolean ok(String url) {
        return get(url).map(response -> response.statusCode() == 200).orElse(false);
    }

    /** The JSON a GET of {@code url} answers with 200, if it does. */
    static Optional<JsonNode> json(String url) {
        return get(url).filter(response -> response.statusCode() == 200).flatMap(response -> {
            try {
                return Optional.of(JSON.readTree(response.body()));
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    private static Optional<HttpResponse<String>> get(String url) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build();
            return Optional.of(CLIENT.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
