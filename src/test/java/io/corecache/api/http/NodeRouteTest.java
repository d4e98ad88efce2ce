package io.corecache.api.http;

import io.corecache.cluster.CoreCacheNode;
import io.corecache.cluster.TestNodes;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.RouteResult;
import org.apache.pekko.http.javadsl.testkit.RouteTest;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import scala.concurrent.Future;
import scala.concurrent.duration.FiniteDuration;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Base of the HTTP route tests: Pekko HTTP's route testkit under JUnit 5, against the routes of a real node
 * (a cluster of one with real engines in a temporary directory; every message serialized). One node per
 * test class; tests use distinct keys. Override {@link #settings()} to start the node differently.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class NodeRouteTest extends RouteTest {

    protected CoreCacheNode node;
    protected TestRoute api;

    /** Settings over {@link TestNodes#config}'s. */
    protected Map<String, Object> settings() {
        return Map.of();
    }

    /** Runs before the node starts on {@code dataDir}, e.g. to damage a partition. */
    protected void prepareDataDir(Path dataDir) throws Exception {
    }

    @BeforeAll
    void startNode(@TempDir Path dataDir) throws Exception {
        prepareDataDir(dataDir);
        node = TestNodes.start(dataDir, settings());
        api = testRoute(new HttpApi(node).route());
    }

    @AfterAll
    void stopNode() {
        TestNodes.stop(node);
    }

    @Override
    public ActorSystem system() {
        return Adapter.toClassic(node.system());
    }

    @Override
    public Materializer materializer() {
        return Materializer.matFromSystem(system());
    }

    @Override
    public FiniteDuration awaitDuration() {
        return FiniteDuration.apply(10, TimeUnit.SECONDS);
    }

    @Override
    public TestRouteResult createTestRouteResultAsync(HttpRequest request, Future<RouteResult> result) {
        return new TestRouteResult(result, awaitDuration(), system().dispatcher(), materializer()) {
            @Override
            public void fail(String message) {
                Assertions.fail(message);
            }

            @Override
            public void assertEquals(Object expected, Object actual, String message) {
                Assertions.assertEquals(expected, actual, message);
            }

            @Override
            public void assertEquals(int expected, int actual, String message) {
                Assertions.assertEquals(expected, actual, message);
            }

            @Override
            public void assertTrue(boolean predicate, String message) {
                Assertions.assertTrue(predicate, message);
            }
        };
    }
}
