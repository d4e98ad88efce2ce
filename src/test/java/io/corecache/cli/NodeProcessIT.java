package io.corecache.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The node as a user runs it: {@code bin/corecache server} started as a process on free loopback ports,
 * spoken to with the JDK's HTTP client, killed with SIGKILL and stopped with SIGTERM. What these tests hold
 * the node to is what its documentation promises: an acknowledged write survives SIGKILL; SIGTERM stops
 * accepting, finishes the requests in flight, closes the data cleanly and exits, and the next start says no
 * recovery was needed; a second node on the same directory, or a start with another partition count, is
 * refused and changes nothing; with no arguments the node serves on the documented defaults.
 *
 * <p>Each node's output is kept in {@code target/node-process-it/} and quoted when an assertion fails.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NodeProcessIT {

    /** What the JVM answers when SIGTERM ended it after its shutdown hooks ran: 128 + 15. */
    private static final int EXIT_SIGTERM = 143;
    /** 128 + 9. */
    private static final int EXIT_SIGKILL = 137;
    /** Main.EXIT_ERROR: the command could not do its job. */
    private static final int EXIT_REFUSED = 2;

    @TempDir
    Path tmp;

    private String testName;

    @BeforeEach
    void name(TestInfo info) {
        testName = info.getTestMethod().orElseThrow().getName();
    }

    @Test
    void sigkillUnderLoadLosesNoAcknowledgedWrite() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> acked = new ConcurrentHashMap<>();
        Writers writers;
        try (NodeProcess node = NodeProcess.start(data, logFile("1-killed"), Map.of()).awaitReady()) {
            writers = Writers.start(new NodeClient(node.http()), "kill", 8, acked);
            awaitAtLeast(acked, 500, Duration.ofSeconds(30));

            assertEquals(EXIT_SIGKILL, node.kill());
            writers.stopAndJoin();
            System.out.println("SIGKILL with " + acked.size() + " writes acknowledged and "
                    + writers.unanswered.get() + " in flight");
            assertTrue(writers.unanswered.get() > 0,
                    "the kill should have cut writes off mid-stream; every write was answered");
            assertEquals(List.of(), List.copyOf(writers.unexpected),
                    "no write before the kill should have been refused:\n" + node.log());
        }

        try (NodeProcess restarted = NodeProcess.start(data, logFile("2-restarted"), Map.of()).awaitReady()) {
            String log = restarted.log();
            assertTrue(log.contains("the previous run did not shut down cleanly"), log);
            assertAllReadable(new NodeClient(restarted.http()), acked, restarted);
            assertEquals(EXIT_SIGTERM, restarted.terminate(), restarted.log());
        }
    }

    @Test
    void sigtermFinishesRequestsInFlightAndShutsDownCleanly() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> acked = new ConcurrentHashMap<>();
        Map<String, String> slowValues = new TreeMap<>();
        try (NodeProcess node = NodeProcess.start(data, logFile("1-stopped"), Map.of()).awaitReady()) {
            // Requests the server is already handling: it has asked for their bodies (100 Continue).
            List<SlowPut> slow = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String key = "slow-" + i;
                byte[] value = valueOf(key, 64 * 1024);
                slowValues.put(key, new String(value, StandardCharsets.US_ASCII));
                slow.add(SlowPut.begin(node.httpPort(), key, value));
            }
            // And a steady stream of ordinary writes around the signal.
            Writers writers = Writers.start(new NodeClient(node.http()), "drain", 8, acked);
            awaitAtLeast(acked, 200, Duration.ofSeconds(30));

            node.signalTerminate();
            awaitLog(node, "Running CoordinatedShutdown");
            awaitRefused(node);  // it stopped accepting new connections ...
            List<String> slowAnswers = new ArrayList<>();
            for (SlowPut put : slow) {
                try (put) {
                    slowAnswers.add(put.finish());  // ... and still completes what it had begun
                } catch (IOException e) {
                    slowAnswers.add("no answer: " + e);
                }
            }
            writers.stopAndJoin();

            int exit = node.awaitExit(NodeProcess.STOP_TIMEOUT);
            String log = node.log();
            assertTrue(slowAnswers.size() == 4 && slowAnswers.stream().allMatch(a -> a.startsWith("HTTP/1.1 201 ")),
                    slowAnswers + "\n" + log);
            // A write may be refused once shutdown began (503), or find the port closed; never a server error.
            assertTrue(writers.unexpected.stream().allMatch(s -> s.endsWith(" 503")), writers.unexpected + "\n" + log);
            assertEquals(EXIT_SIGTERM, exit, log);
            assertTrue(log.contains("every partition synced and closed; clean shutdown"), log);
            assertFalse(log.contains("did not close in time"), log);
            assertFalse(log.contains(" ERROR "), log);
        }

        try (NodeProcess restarted = NodeProcess.start(data, logFile("2-restarted"), Map.of()).awaitReady()) {
            String log = restarted.log();
            assertTrue(log.contains("the previous shutdown was clean; no recovery needed"), log);
            assertFalse(log.contains("did not shut down cleanly"), log);
            NodeClient client = new NodeClient(restarted.http());
            assertAllReadable(client, slowValues, restarted);
            assertAllReadable(client, acked, restarted);
            assertEquals(EXIT_SIGTERM, restarted.terminate(), restarted.log());
        }
    }

    @Test
    void aSecondNodeOnTheSameDirectoryAndAnotherPartitionCountAreRefused() throws Exception {
        Path data = tmp.resolve("data");
        try (NodeProcess first = NodeProcess.start(data, logFile("1-first"), Map.of()).awaitReady()) {
            NodeClient client = new NodeClient(first.http());
            assertEquals(201, client.put("kept", "before the refusals"));

            try (NodeProcess second = NodeProcess.start(data, logFile("2-second"), Map.of())) {
                int exit = second.awaitExit(NodeProcess.START_TIMEOUT);
                String log = second.log();
                assertEquals(EXIT_REFUSED, exit, log);
                assertTrue(log.contains("corecache: data directory " + data.toAbsolutePath()
                        + " is in use by another running node"), log);
            }
            assertTrue(first.isAlive(), first.log());
            assertEquals("before the refusals", client.get("kept").body());
            assertEquals(EXIT_SIGTERM, first.terminate(), first.log());
        }

        Map<String, String> before = snapshot(data);
        try (NodeProcess other = NodeProcess.start(data, logFile("3-other-count"), Map.of("CORECACHE_PARTITIONS", "16"))) {
            int exit = other.awaitExit(NodeProcess.START_TIMEOUT);
            String log = other.log();
            assertEquals(EXIT_REFUSED, exit, log);
            assertTrue(log.contains("was created with 64 partitions, but corecache.partitions is 16"), log);
        }
        // Byte for byte, the clean-shutdown marker included: the refused start touched nothing.
        assertEquals(before, snapshot(data));
    }

    @Test
    void withNoArgumentsTheNodeServesOnTheDefaults() throws Exception {
        List<Integer> busy = Stream.of(8080, 25520, 8558).filter(port -> !NodeProcess.isFree(port)).toList();
        assumeTrue(busy.isEmpty(), "the default ports " + busy + " are in use on this machine; "
                + "the defaults can only be tried when 8080, 25520 and 8558 are free");

        Path work = Files.createDirectories(tmp.resolve("work"));
        try (NodeProcess node = NodeProcess.startWithDefaults(work, logFile("1-defaults")).awaitReady()) {
            NodeClient client = new NodeClient(node.http());
            assertEquals(201, client.put("hello", "world"));
            HttpResponse<String> got = client.get("hello");
            assertEquals(200, got.statusCode());
            assertEquals("world", got.body());

            String log = node.log();
            assertTrue(log.contains("serving HTTP on http://127.0.0.1:8080"), log);
            assertTrue(log.contains("pekko://corecache@127.0.0.1:25520"), log);
            assertTrue(log.contains("Bound Pekko Management (HTTP) endpoint to: 127.0.0.1:8558"), log);
            assertTrue(log.contains("new data directory " + work.resolve("data")), log);
            assertTrue(Files.isRegularFile(work.resolve("data/node.json")), "no ./data/node.json");
            assertEquals(EXIT_SIGTERM, node.terminate(), node.log());
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * Threads that PUT distinct keys until stopped or until the node stops answering, recording each write
     * the node acknowledged (2xx), any other answer, and how many got no answer at all.
     */
    private static final class Writers {
        final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        final AtomicInteger unanswered = new AtomicInteger();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final ExecutorService pool;
        private final List<Future<?>> running = new ArrayList<>();

        private Writers(int threads) {
            pool = Executors.newFixedThreadPool(threads);
        }

        static Writers start(NodeClient client, String prefix, int threads, Map<String, String> acked) {
            Writers writers = new Writers(threads);
            for (int t = 0; t < threads; t++) {
                int thread = t;
                writers.running.add(writers.pool.submit(() -> writers.write(client, prefix + thread, acked)));
            }
            return writers;
        }

        /** Bounded in count; the node's end (kill or shutdown) or the stop flag ends it sooner. */
        private void write(NodeClient client, String prefix, Map<String, String> acked) {
            for (int n = 0; n < 200_000 && !stop.get(); n++) {
                String key = prefix + "-" + n;
                String value = new String(valueOf(key, 100), StandardCharsets.US_ASCII);
                try {
                    int status = client.put(key, value);
                    if (status / 100 == 2) {
                        acked.put(key, value);
                    } else {
                        unexpected.add(key + " " + status);
                    }
                } catch (IOException e) {
                    unanswered.incrementAndGet();
                    return;
                }
            }
        }

        void stopAndJoin() throws Exception {
            stop.set(true);
            pool.shutdown();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), "writers did not stop");
            for (Future<?> f : running) {
                f.get();
            }
        }
    }

    /** A value of {@code size} ASCII bytes that names its key, so a value under the wrong key shows. */
    private static byte[] valueOf(String key, int size) {
        byte[] value = new byte[size];
        byte[] label = (key + ":").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < size; i++) {
            value[i] = i < label.length ? label[i] : (byte) ('a' + (i + key.hashCode() & 0x7fffffff) % 26);
        }
        return value;
    }

    /** GETs every key from 8 threads and fails listing the first few that are missing or different. */
    private static void assertAllReadable(NodeClient client, Map<String, String> expected, NodeProcess node)
            throws Exception {
        List<Map.Entry<String, String>> entries = List.copyOf(expected.entrySet());
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int first = t;
                parts.add(pool.submit(() -> {
                    for (int i = first; i < entries.size(); i += 8) {
                        var e = entries.get(i);
                        try {
                            HttpResponse<String> got = client.get(e.getKey());
                            if (got.statusCode() != 200) {
                                wrong.add(e.getKey() + " -> " + got.statusCode());
                            } else if (!got.body().equals(e.getValue())) {
                                wrong.add(e.getKey() + " -> another value");
                            }
                        } catch (IOException x) {
                            throw new UncheckedIOException(x);
                        }
                    }
                }));
            }
            for (Future<?> part : parts) {
                part.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> sample = wrong.stream().limit(10).toList();
        assertTrue(wrong.isEmpty(), wrong.size() + " of " + entries.size()
                + " acknowledged writes are missing or wrong, e.g. " + sample + "\n" + node.log());
    }

    private static void awaitAtLeast(Map<String, String> acked, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acked.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(acked.size() >= count, "only " + acked.size() + " writes acknowledged in " + timeout.toSeconds() + " s");
    }

    private static void awaitLog(NodeProcess node, String line) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!node.log().contains(line) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(node.log().contains(line), "no '" + line + "' in:\n" + node.log());
    }

    /** Waits until the HTTP port refuses connections: the server has unbound. */
    private static void awaitRefused(NodeProcess node) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", node.httpPort()), 1000);
            } catch (IOException refused) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the HTTP port still accepts connections 20 s after SIGTERM:\n" + node.log());
    }

    /** Every file under {@code dir} by relative path, with the SHA-256 of its content. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                String name = dir.relativize(p).toString();
                files.put(name, Files.isDirectory(p) ? "dir" : sha256(Files.readAllBytes(p)));
            }
        }
        return files;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where a node of this test writes its output: kept after the run, for a failure's story. */
    private Path logFile(String run) throws IOException {
        Path dir = Files.createDirectories(NodeProcess.repositoryRoot().resolve("target/node-process-it"));
        return dir.resolve(testName + "-" + run + ".log");
    }
}
