package io.corecache.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/corecache cluster start --nodes 3 --engine lsm} as a user runs it: three node processes form one
 * cluster on the LSM engine with the partitions spread over them, {@code status} shows it, any node serves
 * any key, and {@code stop} ends every process. (The multi-JVM cluster tests run on both engines.)
 */
class LocalClusterIT {

    @TempDir
    Path dir;

    private Path clusterDir;

    @AfterEach
    void stopWhatIsLeft() throws Exception {
        if (clusterDir != null && Files.exists(clusterDir.resolve(LocalCluster.FILE))) {
            run("cluster", "stop", "--dir", clusterDir.toString(), "--timeout", "20");
        }
    }

    @Test
    void startsAClusterOfThreeOnTheLsmEngineThatServesAnyKeyThroughAnyNodeAndStopsIt() throws Exception {
        clusterDir = dir.resolve("cluster");
        Result started = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            // Ports 8080+i+K, 25520+i+K, 8558+i+K: a random K keeps clear of other tests and a node on the defaults.
            int offset = 3000 + ThreadLocalRandom.current().nextInt(20000);
            started = run("cluster", "start", "--nodes", "3", "--dir", clusterDir.toString(), "--partitions", "6",
                    "--engine", "lsm",
                    "--port-offset", Integer.toString(offset), "--timeout", "150");
            if (started.exit == 0 || !started.output.contains("is in use")) {
                break;
            }
            Files.deleteIfExists(clusterDir.resolve(LocalCluster.FILE));
        }
        assertEquals(0, started.exit, started.output);
        LocalCluster cluster = LocalCluster.require(clusterDir);
        assertEquals(3, cluster.nodes().size());

        Result status = run("cluster", "status", "--dir", clusterDir.toString());
        assertEquals(0, status.exit, status.output);
        assertTrue(status.output.contains("coordinator on n"), status.output);
        long upWithTwo = status.output.lines().filter(line -> line.matches("node-[123] .* up +yes +2")).count();
        assertEquals(3, upWithTwo, "three nodes up and reachable, two partitions each:\n" + status.output);

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (LocalCluster.Node node : cluster.nodes()) {
            HttpResponse<String> described = client.send(HttpRequest.newBuilder(URI.create(node.httpUrl()
                    + "/v1/cluster")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(described.body().contains("\"engine\":\"lsm\""), node.name() + ": " + described.body());
        }
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String key = "key-" + i;
            keys.add(key);
            String node = cluster.nodes().get(i % 3).httpUrl();
            HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create(node + "/v1/kv/" + key))
                    .PUT(HttpRequest.BodyPublishers.ofString("value-" + i)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, put.statusCode(), put.body());
        }
        for (LocalCluster.Node node : cluster.nodes()) {
            for (int i = 0; i < keys.size(); i++) {
                HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(node.httpUrl() + "/v1/kv/"
                        + keys.get(i))).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, get.statusCode(), get.body());
                assertEquals("value-" + i, get.body());
            }
        }

        redisProtocolOnEveryNode(cluster, client);

        Result stopped = run("cluster", "stop", "--dir", clusterDir.toString(), "--timeout", "30");
        assertEquals(0, stopped.exit, stopped.output);
        for (LocalCluster.Node node : cluster.nodes()) {
            assertFalse(ProcessHandle.of(node.pid()).map(ProcessHandle::isAlive).orElse(false), node.name() + " ended");
            assertTrue(Files.readString(Path.of(node.log())).contains("clean shutdown"), node.name() + " shut down cleanly");
        }
    }

    /**
     * Issue 10 on a cluster: every node serves every key over the Redis protocol (no MOVED), and INCR from
     * clients on all three nodes at once is atomic: no increment lost.
     */
    private static void redisProtocolOnEveryNode(LocalCluster cluster, HttpClient client) throws Exception {
        List<Jedis> clients = new ArrayList<>();
        try {
            for (LocalCluster.Node node : cluster.nodes()) {
                clients.add(new Jedis("127.0.0.1", node.respPort(), 10_000));
            }
            for (int i = 0; i < 30; i++) {
                assertEquals("OK", clients.get(i % 3).set("resp-" + i, "v" + i));
            }
            for (Jedis jedis : clients) {
                for (int i = 0; i < 30; i++) {
                    assertEquals("v" + i, jedis.get("resp-" + i));
                }
                assertEquals("value-7", jedis.get("key-7"), "written through HTTP");
            }
            int perNode = 200;
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (Jedis jedis : clients) {
                writers.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < perNode; i++) {
                        jedis.incr("shared-counter");
                    }
                }));
            }
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            for (Jedis jedis : clients) {
                assertEquals(String.valueOf(3 * perNode), jedis.get("shared-counter"));
            }
            HttpResponse<String> viaHttp = client.send(HttpRequest.newBuilder(URI.create(cluster.nodes().get(0).httpUrl()
                    + "/v1/kv/shared-counter")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(String.valueOf(3 * perNode), viaHttp.body());
            assertTrue(clients.get(1).keys("resp-*").size() == 30, "KEYS gathers every partition");
        } finally {
            clients.forEach(Jedis::close);
        }
    }

    private record Result(int exit, String output) {
    }

    private Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(NodeProcess.repositoryRoot().resolve("bin/corecache").toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "cli", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        builder.environment().put("CORECACHE_JAVA_OPTS", "-Xmx256m");
        Process process = builder.start();
        if (!process.waitFor(240, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("corecache " + String.join(" ", args) + " did not finish:\n"
                    + Files.readString(out, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
}
