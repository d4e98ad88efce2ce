package io.corecache.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A node run the way a user runs it: {@code bin/corecache server} as a separate process (the launcher
 * {@code exec}s the JVM, so this process is the node itself and signals reach it directly), on free
 * loopback ports, with everything it prints captured in a log file that tests read and quote on failure.
 *
 * <p>{@link #terminate()} sends SIGTERM ({@link Process#destroy()} on Unix) and {@link #kill()} SIGKILL
 * ({@link Process#destroyForcibly()}). {@link #close()} kills whatever is still running, so a failed test
 * leaves no node behind.
 *
 * <p>Public for the multi-JVM tests ({@code multi-jvm-tests/}, package {@code io.corecache.multijvm}), which
 * start whole clusters of these with {@link #start(Path, List, Path, Map, int, int)}.
 */
public final class NodeProcess implements AutoCloseable {

    /** Longest a start may take on a loaded machine: a JVM, a cluster of one and 64 partitions. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Longest a SIGTERM may take; the node's own HTTP drain deadline is 10 s. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /** Environment variables that change a node's settings; a test sets its own, never inherits them. */
    private static final List<String> SETTING_VARIABLES = List.of("CORECACHE_DATA", "CORECACHE_ENGINE",
            "CORECACHE_PARTITIONS", "CORECACHE_DURABILITY", "CORECACHE_HTTP", "CORECACHE_REMOTE",
            "CORECACHE_MANAGEMENT", "CORECACHE_CONFIG", "CORECACHE_LOG_LEVEL", "CORECACHE_SEEDS",
            "CORECACHE_INITIAL_NODES");

    private final Process process;
    private final Path log;
    private final URI http;
    private final URI management;

    private NodeProcess(Process process, Path log, URI http, URI management) {
        this.process = process;
        this.log = log;
        this.http = http;
        this.management = management;
    }

    /** The repository: the launcher and the jar the build just packaged. */
    public static Path repositoryRoot() {
        try {
            // target/test-classes -> the repository
            Path classes = Path.of(NodeProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = classes.getParent().getParent();
            if (!Files.isExecutable(root.resolve("bin/corecache"))) {
                throw new IllegalStateException("no executable bin/corecache under " + root);
            }
            return root;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts {@code bin/corecache server --data DATA --http ... --remote ... --management ...} on three
     * free loopback ports, without waiting for it (see {@link #awaitReady()}).
     */
    static NodeProcess start(Path dataDir, Path log, Map<String, String> environment) {
        int[] ports = freePorts(3);
        List<String> args = List.of("--data", dataDir.toString(),
                "--http", "127.0.0.1:" + ports[0],
                "--remote", "127.0.0.1:" + ports[1],
                "--management", "127.0.0.1:" + ports[2],
                "--resp", "127.0.0.1:0");
        return launch(dataDir.getParent(), args, log, environment, ports[0], ports[2]);
    }

    /**
     * Starts {@code bin/corecache server ARGS} in {@code workDir} without waiting for it. The caller chose the
     * ports in {@code serverArgs} and names the HTTP and management ones so {@link #awaitReady()} can watch them.
     */
    public static NodeProcess start(Path workDir, List<String> serverArgs, Path log, Map<String, String> environment,
                                    int httpPort, int managementPort) {
        return launch(workDir, serverArgs, log, environment, httpPort, managementPort);
    }

    /** Starts {@code bin/corecache server} with no arguments in {@code workDir}: the defaults. */
    static NodeProcess startWithDefaults(Path workDir, Path log) {
        return launch(workDir, List.of(), log, Map.of(), 8080, 8558);
    }

    private static NodeProcess launch(Path workDir, List<String> serverArgs, Path log,
                                      Map<String, String> environment, int httpPort, int managementPort) {
        List<String> command = new ArrayList<>();
        command.add(repositoryRoot().resolve("bin/corecache").toString());
        command.add("server");
        command.addAll(serverArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        Map<String, String> env = builder.environment();
        SETTING_VARIABLES.forEach(env::remove);
        // The machine is shared: a node in a test needs little heap.
        env.putIfAbsent("CORECACHE_JAVA_OPTS", "-Xmx384m");
        env.putAll(environment);
        try {
            return new NodeProcess(builder.start(), log, URI.create("http://127.0.0.1:" + httpPort),
                    URI.create("http://127.0.0.1:" + managementPort));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until management {@code /ready} answers 200 and the HTTP port accepts connections (the node
     * reports ready a moment before its HTTP server is bound). Fails at once, quoting the log, if the
     * process ends first.
     */
    public NodeProcess awaitReady() {
        return awaitReady(START_TIMEOUT);
    }

    /** {@link #awaitReady()} with another deadline: a node of a forming cluster waits for its peers too. */
    public NodeProcess awaitReady(Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean ready = false;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the node exited with " + process.exitValue() + " before it was ready:\n"
                        + log());
            }
            if (!ready) {
                ready = isReady(client);
            }
            if (ready && httpAccepts()) {
                return this;
            }
            pause(50);
        }
        throw new AssertionError("the node was not ready after " + timeout.toSeconds() + " s:\n" + log());
    }

    private boolean isReady(HttpClient client) {
        try {
            HttpRequest request = HttpRequest.newBuilder(management.resolve("/ready"))
                    .timeout(Duration.ofSeconds(2)).build();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private boolean httpAccepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", http.getPort()), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends SIGTERM and returns the exit code once the process has ended. */
    public int terminate() {
        process.destroy();
        return awaitExit(STOP_TIMEOUT);
    }

    /** Sends SIGTERM and returns at once; see {@link #awaitExit}. */
    public void signalTerminate() {
        process.destroy();
    }

    /** Sends SIGKILL and returns once the process has ended (its exit code is then 137). */
    public int kill() {
        process.destroyForcibly();
        return awaitExit(STOP_TIMEOUT);
    }

    /** Waits for the process to end by itself (a refused start) and returns its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                String sofar = log();
                process.destroyForcibly();
                throw new AssertionError("the node did not exit within " + timeout.toSeconds() + " s:\n" + sofar);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The HTTP API's base address, {@code http://127.0.0.1:PORT}. */
    public URI http() {
        return http;
    }

    public int httpPort() {
        return http.getPort();
    }

    /** Everything the node has printed so far (its log goes to stderr). */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Ports the OS has just given out and taken back. Another process could take one before the node binds
     * it; that is rare on loopback, and the node then fails to start with a message that says so.
     */
    public static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // it was only held to reserve a number
                }
            }
        }
    }

    /** True if nothing listens on 127.0.0.1:{@code port} right now. */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
