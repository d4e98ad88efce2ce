package io.corecache.multijvm;

import io.corecache.cli.NodeProcess;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One node of a {@link LocalCluster}: its fixed ports and data directory, and the process running it now.
 * Every start uses the same ports and directory, so a restarted node is a new incarnation of the same member
 * (same remoting address, same node id). Each incarnation prints to its own log file, {@code nK-I.log}.
 */
final class ClusterMember {

    private final String name;
    private final Path dataDir;
    private final Path logDir;
    private final int httpPort;
    private final int remotePort;
    private final int managementPort;
    private final List<String> clusterArgs;
    private final Map<String, String> environment;
    private final HttpApi api;
    private NodeProcess process;
    private Path log;
    private int incarnation;
    private String id;

    ClusterMember(String name, Path dataDir, Path logDir, int[] ports, List<String> clusterArgs,
                  Map<String, String> environment) {
        this.name = name;
        this.dataDir = dataDir;
        this.logDir = logDir;
        this.httpPort = ports[0];
        this.remotePort = ports[1];
        this.managementPort = ports[2];
        this.clusterArgs = clusterArgs;
        this.environment = environment;
        this.api = new HttpApi(java.net.URI.create("http://127.0.0.1:" + httpPort));
    }

    /** Starts a new incarnation without waiting for it. */
    synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        incarnation++;
        log = logDir.resolve(name + "-" + incarnation + ".log");
        List<String> args = new java.util.ArrayList<>(List.of("--data", dataDir.toString(),
                "--http", "127.0.0.1:" + httpPort,
                "--remote", "127.0.0.1:" + remotePort,
                "--management", "127.0.0.1:" + managementPort,
                "--resp", "127.0.0.1:0"));
        args.addAll(clusterArgs);
        process = NodeProcess.start(logDir, args, log, environment, httpPort, managementPort);
    }

    /** Waits for management {@code /ready} and the HTTP port; learns the node's id the first time. */
    ClusterMember awaitReady(Duration timeout) {
        process().awaitReady(timeout);
        if (id == null) {
            try {
                id = api.cluster().self();
            } catch (IOException e) {
                throw new AssertionError(name + " is ready but /v1/cluster failed: " + e + "\n" + tail(40), e);
            }
        }
        return this;
    }

    /** SIGKILL; returns the exit code once the process is gone. */
    int kill() {
        return process().kill();
    }

    /** SIGTERM; returns the exit code once the process is gone. */
    int terminate() {
        return process().terminate();
    }

    void signalTerminate() {
        process().signalTerminate();
    }

    int awaitExit(Duration timeout) {
        return process().awaitExit(timeout);
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    HttpApi api() {
        return api;
    }

    ClusterView view() throws IOException {
        return api.cluster();
    }

    /** The node id, known once the member has been ready once. */
    String id() {
        if (id == null) {
            throw new IllegalStateException(name + " has not been ready yet");
        }
        return id;
    }

    String name() {
        return name;
    }

    int remotePort() {
        return remotePort;
    }

    Path dataDir() {
        return dataDir;
    }

    /** The current incarnation's whole log. */
    String log() {
        return process == null ? "" : process.log();
    }

    /** The last lines of the current incarnation's log, for an assertion's message. */
    String tail(int lines) {
        String[] all = log().split("\n");
        int from = Math.max(0, all.length - lines);
        return "--- " + name + " (" + id + "), " + log + ", last " + (all.length - from) + " lines:\n"
                + String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
    }

    void close() {
        if (process != null) {
            process.close();
        }
    }

    private NodeProcess process() {
        if (process == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return process;
    }

    @Override
    public String toString() {
        return name + (id == null ? "" : " (" + id + ")");
    }
}
