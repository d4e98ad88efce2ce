package io.corecache.api.http;

import io.corecache.cluster.ReplicaProtocol.GetStats;
import io.corecache.cluster.ReplicaProtocol.PartitionStats;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.japi.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Overload is refused, not queued: with {@code max-in-flight-per-partition = 1}, a request to a partition
 * that already has one in flight answers 503 overloaded with Retry-After at once, and writes nothing.
 *
 * <p>How the test makes "one in flight" exact rather than likely: the node's fsyncs run on
 * {@link GatedFsyncExecutor}, and in {@code sync} durability a write is answered only after its fsync. With
 * the gate closed, a PUT is applied and then held in flight for as long as the test keeps the gate closed;
 * the test waits until that fsync is at the gate, so it knows the partition is at its bound before sending
 * anything else. Keys share a partition through a hash tag ({@code {busy}...}).
 */
class KvOverloadTest extends KvRouteTest {

    private Function<HttpRequest, java.util.concurrent.CompletionStage<HttpResponse>> async;

    @Override
    protected Map<String, Object> settings() {
        return Map.of("corecache.max-in-flight-per-partition", 1,
                "corecache.durability", "sync",
                "corecache.fsync-dispatcher.executor", GatedFsyncExecutor.class.getName());
    }

    @BeforeAll
    void asyncHandler() {
        // The testkit's run() waits for each answer; a request meant to stay in flight is sent this way.
        async = new HttpApi(node).route().handler(node.system());
    }

    @AfterEach
    void openTheGate() {
        GatedFsyncExecutor.open();
    }

    @Test
    void requestsBeyondTheBoundAre503OverloadedWithRetryAfterAndChangeNothing() throws Exception {
        int partition = node.router().partitionOf(bytes("{busy}first"));
        long revisionBefore = revision(partition);
        GatedFsyncExecutor.close();
        CompletableFuture<HttpResponse> held = async.apply(put("/v1/kv/%7Bbusy%7Dfirst", "1")).toCompletableFuture();
        GatedFsyncExecutor.awaitWaiting(1);

        for (HttpRequest refused : List.of(put("/v1/kv/%7Bbusy%7Dsecond", "2"), get("/v1/kv/%7Bbusy%7Dfirst"),
                request(HttpMethods.HEAD, "/v1/kv/%7Bbusy%7Dfirst"), delete("/v1/kv/%7Bbusy%7Dfirst"),
                put("/v1/kv/%7Bbusy%7Dfirst", "3", header("If-Match", "*")))) {
            TestRouteResult result = api.run(refused);
            assertError(result, 503, "overloaded");
            result.assertHeaderExists("Retry-After", "1");
        }
        // The bound is per partition: a key elsewhere is served meanwhile (a read needs no fsync).
        String elsewhere = keyOutsidePartition(partition);
        assertError(api.run(get("/v1/kv/" + elsewhere)), 404, "not_found");

        assertFalse(held.isDone(), "the held write is still in flight");
        GatedFsyncExecutor.open();
        assertEquals(201, held.get(10, TimeUnit.SECONDS).status().intValue());
        assertEquals("1", seen("/v1/kv/%7Bbusy%7Dfirst").value());
        assertEquals(404, seen("/v1/kv/%7Bbusy%7Dsecond").status(), "the refused PUT wrote nothing");
        assertEquals(revisionBefore + 1, revision(partition), "exactly one write reached the partition");
    }

    /**
     * Twenty PUTs fired at once, none awaited: exactly one is admitted (it holds the partition's only slot
     * until its fsync, which the gate holds), the other nineteen answer 503 at once, and afterwards exactly the
     * admitted key is readable.
     */
    @Test
    void aBurstToOnePartitionAdmitsExactlyTheBoundAndRefusesTheRest() throws Exception {
        int partition = node.router().partitionOf(bytes("{burst}0"));
        long revisionBefore = revision(partition);
        GatedFsyncExecutor.close();
        List<CompletableFuture<HttpResponse>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(async.apply(put("/v1/kv/%7Bburst%7D" + i, "v" + i)).toCompletableFuture());
        }
        GatedFsyncExecutor.awaitWaiting(1);
        awaitDone(answers, 19);
        GatedFsyncExecutor.open();

        int admitted = -1;
        for (int i = 0; i < answers.size(); i++) {
            HttpResponse response = answers.get(i).get(10, TimeUnit.SECONDS);
            int status = response.status().intValue();
            if (status == 201) {
                assertEquals(-1, admitted, "only one write admitted");
                admitted = i;
            } else {
                assertEquals(503, status);
                assertEquals("1", response.getHeader("Retry-After").orElseThrow().value());
            }
        }
        assertNotEquals(-1, admitted, "one write was admitted");
        for (int i = 0; i < answers.size(); i++) {
            Seen seen = seen("/v1/kv/%7Bburst%7D" + i);
            assertEquals(i == admitted ? 200 : 404, seen.status(), "key " + i);
        }
        assertEquals(revisionBefore + 1, revision(partition));
    }

    private long revision(int partition) {
        return ((PartitionStats) node.router().ask(partition, GetStats::new).toCompletableFuture().join()).revision();
    }

    private String keyOutsidePartition(int partition) {
        for (int i = 0; ; i++) {
            if (node.router().partitionOf(bytes("elsewhere-" + i)) != partition) {
                return "elsewhere-" + i;
            }
        }
    }

    /** Waits (bounded) until at least {@code count} of the answers have arrived. */
    private static void awaitDone(List<CompletableFuture<HttpResponse>> answers, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (answers.stream().filter(CompletableFuture::isDone).count() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + count + " answers within 30 s");
            }
            Thread.sleep(5);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
