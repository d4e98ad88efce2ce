package io.corecache.api.http;

import io.corecache.cluster.NodeStatus;
import io.corecache.cluster.Partitioner;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A partition whose data cannot be opened answers 503 partition_unavailable, saying why, while the node
 * and every other partition keep serving.
 */
class UnavailablePartitionTest extends NodeRouteTest {

    private static final int BROKEN = 3;

    @Override
    protected void prepareDataDir(Path dataDir) throws Exception {
        // A file where the partition's directory should be: its engine cannot open.
        Files.createDirectories(dataDir.resolve("partitions"));
        Files.writeString(dataDir.resolve("partitions").resolve(Integer.toString(BROKEN)), "not a directory");
    }

    private static String keyIn(int partition, boolean wanted) {
        Partitioner partitioner = new Partitioner(8);
        for (int i = 0; ; i++) {
            String key = "k" + i;
            if ((partitioner.partitionOf(key.getBytes(StandardCharsets.UTF_8)) == partition) == wanted) {
                return key;
            }
        }
    }

    @Test
    void theBrokenPartitionAnswers503AndTheOthersServe() {
        String broken = keyIn(BROKEN, true);
        String healthy = keyIn(BROKEN, false);
        String body = api.run(HttpRequest.PUT("/v1/kv/" + broken).withEntity("x"))
                .assertStatusCode(StatusCodes.SERVICE_UNAVAILABLE)
                .assertHeaderKindExists("Retry-After")
                .entityString();
        assertTrue(body.contains("\"error\":\"partition_unavailable\"") && body.contains("partition " + BROKEN), body);
        api.run(HttpRequest.GET("/v1/kv/" + broken)).assertStatusCode(StatusCodes.SERVICE_UNAVAILABLE);

        api.run(HttpRequest.PUT("/v1/kv/" + healthy).withEntity("y")).assertStatusCode(StatusCodes.CREATED);
        api.run(HttpRequest.GET("/v1/kv/" + healthy)).assertEntity("y");

        String cluster = api.run(HttpRequest.GET("/v1/cluster")).assertStatusCode(StatusCodes.OK).entityString();
        assertTrue(cluster.contains("\"status\":\"unavailable\""), cluster);
        // A scan needs every partition: it says which one failed rather than answering a partial range.
        api.run(HttpRequest.GET("/v1/kv")).assertStatusCode(StatusCodes.SERVICE_UNAVAILABLE);

        String metrics = api.run(HttpRequest.GET("/metrics")).entityString();
        assertTrue(metrics.contains("corecache_partition_refusals_total{reason=\"partition_unavailable\"} 3.0"),
                "the PUT, the GET and the scan counted by reason:\n" + metrics);
    }

    @Test
    void theNodeDoesNotSayItIsReady() {
        assertFalse(NodeStatus.get(system()).partitionsStarted());
    }
}
