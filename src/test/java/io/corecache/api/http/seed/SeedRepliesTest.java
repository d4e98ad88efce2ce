package io.corecache.api.http.seed;

import io.corecache.api.http.ApiError;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How a seed route answers a failure it cannot provoke cheaply against a real node (an overloaded or
 * unavailable partition, a bug): with CoreCache's status and Retry-After, in its dialect's words. The
 * failures a client can provoke are tested end to end in {@link SeedRoutesTest}.
 */
class SeedRepliesTest {

    private static final ApiError OVERLOADED =
            ApiError.unavailable("overloaded", "partition 3 has 512 requests in flight; retry later",
                    Duration.ofSeconds(2));

    @Test
    void anUnavailablePartitionIs503WithRetryAfterInEachDialect() {
        HttpResponse kalavara = failWith(OVERLOADED, SeedKalavaraRoutes::styled);
        assertEquals(503, kalavara.status().intValue());
        assertEquals("2", kalavara.getHeader("Retry-After").orElseThrow().value());
        assertEquals("Service unavailable: partition 3 has 512 requests in flight; retry later", body(kalavara));

        HttpResponse coreCache = failWith(OVERLOADED, SeedCoreCacheRoutes::styled);
        assertEquals(503, coreCache.status().intValue());
        assertEquals("2", coreCache.getHeader("Retry-After").orElseThrow().value());
        assertEquals("{\"detail\":\"partition 3 has 512 requests in flight; retry later\"}", body(coreCache));

        HttpResponse bitcask = failWith(OVERLOADED,
                error -> SeedBitcaskRoutes.styled(SeedBitcaskRoutes.READ_FAILED, error));
        assertEquals(503, bitcask.status().intValue());
        assertEquals("2", bitcask.getHeader("Retry-After").orElseThrow().value());
        assertEquals("Failed to read response: partition 3 has 512 requests in flight; retry later", body(bitcask));
    }

    @Test
    void aBugIs500WithoutItsDetails() {
        IllegalStateException bug = new IllegalStateException("secret internals");
        assertEquals("Server error", body(failWith(bug, SeedKalavaraRoutes::styled)));
        HttpResponse coreCache = failWith(bug, SeedCoreCacheRoutes::styled);
        assertEquals(500, coreCache.status().intValue());
        assertEquals("{\"detail\":\"Internal Server Error\"}", body(coreCache));
    }

    @Test
    void aThrowBeforeAnyFutureIsAnsweredToo() {
        HttpResponse response = SeedReplies.guard(() -> {
            throw ApiError.badRequest("bad_key", "key must not be empty");
        }, SeedKalavaraRoutes::styled).toCompletableFuture().join();
        assertEquals(400, response.status().intValue());
        assertEquals("key must not be empty", body(response));
    }

    @Test
    void aRejectionAnswersAsItIs() {
        HttpResponse exact = HttpResponse.create().withStatus(StatusCodes.IM_A_TEAPOT);
        HttpResponse response = SeedReplies.guard(
                () -> CompletableFuture.failedFuture(new CompletionException(new SeedReject(exact))),
                SeedKalavaraRoutes::styled).toCompletableFuture().join();
        assertEquals(exact, response);
    }

    private static HttpResponse failWith(Throwable failure, Function<ApiError, HttpResponse> style) {
        return SeedReplies.guard(() -> CompletableFuture.failedFuture(failure), style).toCompletableFuture().join();
    }

    private static String body(HttpResponse response) {
        return ((HttpEntity.Strict) response.entity()).getData().decodeString(StandardCharsets.UTF_8);
    }
}
