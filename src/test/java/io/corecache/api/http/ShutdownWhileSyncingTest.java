package io.corecache.api.http;

import io.corecache.cluster.CoreCacheNode;
import io.corecache.cluster.TestNodes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.japi.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node stopped while its disk stalls answers every write by what the final sync made of it: the writes
 * applied before the stop are answered 201 once closing the engine has synced them (and are there after a
 * restart), and a write that arrives while the partition stops is refused with 503
 * {@code partition_unavailable} and is not there after a restart. No reply says a write failed that
 * then survives, or that one succeeded that does not.
 *
 * <p>How: fsyncs run on {@link GatedFsyncExecutor}, whose gate stays closed until the stop has ended, so
 * the replica's fsync never finishes and sharding stops it by force (a short
 * {@code cluster-sharding-shutdown-region} timeout keeps that quick). Keys share a partition through a hash
 * tag ({@code {s}...}).
 */
class ShutdownWhileSyncingTest {

    /** How long one probe write is given to be refused before the next is sent; not an assertion. */
    private static final long PROBE_WAIT_MILLIS = 200;

    private static final Map<String, Object> SETTINGS = Map.of(
            "corecache.durability", "sync",
            "corecache.request-timeout", "60s",
            "corecache.fsync-dispatcher.executor", GatedFsyncExecutor.class.getName(),
            "pekko.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout", "3s");

    @AfterEach
    void openTheGate() {
        GatedFsyncExecutor.open();
    }

    @Test
    void writesInFlightAtAStopAreAnsweredByTheFinalSyncAndLaterOnesAreRefused(@TempDir Path dir) throws Exception {
        CoreCacheNode node = TestNodes.start(dir, SETTINGS);
        Function<HttpRequest, CompletionStage<HttpResponse>> async = new HttpApi(node).route().handler(node.system());
        CompletableFuture<?> stopped = null;
        Answer held;
        List<String> probes = new ArrayList<>();
        List<CompletableFuture<HttpResponse>> probeAnswers = new ArrayList<>();
        List<Answer> answers = new ArrayList<>();
        try {
            GatedFsyncExecutor.close();
            CompletionStage<HttpResponse> heldPut = async.apply(put("/v1/kv/%7Bs%7Dheld", "kept"));
            GatedFsyncExecutor.awaitWaiting(1); // applied; its fsync waits at the gate
            stopped = node.stop().toCompletableFuture();

            // Until the replica is told to stop, a write is applied and waits like the held one; from then on
            // it is refused at once. Probe until one is answered, or the stop answered the held write
            // (bounded); each probe is judged by its answer below, not by how soon it came.
            CompletableFuture<HttpResponse> heldAnswer = heldPut.toCompletableFuture();
            for (int i = 0; i < 50 && !heldAnswer.isDone()
                    && probeAnswers.stream().noneMatch(CompletableFuture::isDone); i++) {
                String key = "/v1/kv/%7Bs%7Dprobe-" + i;
                probes.add(key);
                probeAnswers.add(async.apply(put(key, "p" + i)).toCompletableFuture());
                List<CompletableFuture<HttpResponse>> watched = new ArrayList<>(probeAnswers);
                watched.add(heldAnswer);
                CompletableFuture.anyOf(watched.toArray(CompletableFuture[]::new)).handle((a, b) -> a)
                        .completeOnTimeout(null, PROBE_WAIT_MILLIS, TimeUnit.MILLISECONDS).join();
            }
            held = Answer.of(heldPut, node.system());
            for (CompletableFuture<HttpResponse> probe : probeAnswers) {
                answers.add(Answer.of(probe, node.system()));
            }
        } catch (Throwable t) {
            if (stopped == null) {
                GatedFsyncExecutor.open();
                TestNodes.stop(node);
            }
            throw t;
        } finally {
            GatedFsyncExecutor.open(); // only now: the replica's own fsync never finished
        }
        stopped.get(60, TimeUnit.SECONDS);
        assertEquals(201, held.status(), "the final sync made the held write durable: " + held.body());

        List<String> acknowledged = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            Answer answer = answers.get(i);
            if (answer.status() == 201) {
                acknowledged.add(probes.get(i));
            } else {
                assertEquals(503, answer.status(), probes.get(i) + ": " + answer.body());
                assertEquals("partition_unavailable", answer.error(), answer.body());
                assertTrue(answer.body().contains("shutting down"), answer.body());
                assertEquals("1", answer.retryAfter());
                refused.add(probes.get(i));
            }
        }
        assertFalse(refused.isEmpty(), "a write sent while the partition stopped was refused: " + probes);

        CoreCacheNode again = TestNodes.start(dir, Map.of());
        try {
            var restarted = new HttpApi(again).route().handler(again.system());
            Answer kept = Answer.of(restarted.apply(get("/v1/kv/%7Bs%7Dheld")), again.system());
            assertEquals(200, kept.status(), kept.body());
            assertEquals("kept", kept.body());
            for (String key : acknowledged) {
                assertEquals(200, Answer.of(restarted.apply(get(key)), again.system()).status(),
                        key + " was acknowledged");
            }
            for (String key : refused) {
                assertEquals(404, Answer.of(restarted.apply(get(key)), again.system()).status(),
                        key + " was refused");
            }
        } finally {
            TestNodes.stop(again);
        }
    }

    private static HttpRequest put(String target, String value) {
        return KvRouteTest.put(target, value);
    }

    private static HttpRequest get(String target) {
        return KvRouteTest.get(target);
    }
}
