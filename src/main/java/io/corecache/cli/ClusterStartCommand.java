package io.corecache.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code corecache cluster start --nodes N}: starts N node processes that form one new cluster (the
 * coordinator places the partitions once all N have joined), waits until every node is ready, and prints
 * the cluster's status. On a directory that holds a cluster already, it starts the nodes that are not
 * running, with their old ports and data. The processes outlive this command; {@code cluster stop} ends
 * them.
 */
@Command(name = "start", sortOptions = false, description = "Starts a local cluster and waits until it is ready.")
final class ClusterStartCommand implements Callable<Integer> {

    @Option(names = "--nodes", defaultValue = "3", paramLabel = "N", description = "nodes (1..9; default ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--dir", defaultValue = "cluster", paramLabel = "DIR",
            description = "the cluster's directory: data, logs, cluster.json (default ./${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--partitions", paramLabel = "P", description = "partitions of a new cluster (default: the "
            + "setting corecache.partitions, 64)")
    Integer partitions;

    @Option(names = "--engine", paramLabel = "bitcask|lsm", description = "storage engine of a new cluster's "
            + "nodes (default: the setting corecache.engine, bitcask)")
    String engine;

    @Option(names = "--port-offset", defaultValue = "0", paramLabel = "K", description = "node i listens on HTTP "
            + "8080+i+K, remoting 25520+i+K, management 8558+i+K, Redis protocol 6380+i+K (default ${DEFAULT-VALUE})")
    int portOffset;

    @Option(names = "--timeout", defaultValue = "180", paramLabel = "SECONDS",
            description = "how long to wait for every node to be ready (default ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (nodes < 1 || nodes > 9) {
            throw new CommandFailure("--nodes must be 1..9, got " + nodes);
        }
        LocalCluster existing = LocalCluster.read(dir).orElse(null);
        if (existing != null && existing.nodes().size() != nodes) {
            throw new CommandFailure(dir.toAbsolutePath() + " holds a cluster of " + existing.nodes().size()
                    + " nodes; start it with --nodes " + existing.nodes().size() + ", or use another --dir");
        }
        // A cluster started before keeps its layout: only the nodes that are not running start again.
        List<LocalCluster.Node> planned = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            planned.add(existing != null ? existing.nodes().get(i - 1) : LocalCluster.plan(dir, i, portOffset));
        }
        int partitionCount = existing != null ? existing.partitions() : partitions == null ? 0 : partitions;
        // A restart keeps the engine the nodes were created with, so it needs no --engine again.
        String nodeEngine = existing != null && existing.engine() != null ? existing.engine() : engine;
        if (existing != null && engine != null && !engine.equals(nodeEngine)) {
            throw new CommandFailure(dir.toAbsolutePath() + " holds a cluster on the " + nodeEngine
                    + " engine; an engine is fixed when a node's data is created");
        }
        String seeds = String.join(",", planned.stream().map(n -> "127.0.0.1:" + n.remotePort()).toList());
        List<LocalCluster.Node> started = new ArrayList<>();
        int launched = 0;
        for (LocalCluster.Node node : planned) {
            if (node.process().isPresent()) {
                started.add(node);
                continue;
            }
            for (int port : new int[] {node.httpPort(), node.remotePort(), node.managementPort(), node.respPort()}) {
                if (port != 0 && !isFree(port)) {
                    throw new CommandFailure("port " + port + " on 127.0.0.1 (for " + node.name() + ") is in use; "
                            + "stop what uses it or pass --port-offset");
                }
            }
            started.add(launch(node, seeds, partitionCount, nodeEngine));
            launched++;
        }
        LocalCluster cluster = new LocalCluster(partitionCount, nodeEngine, started);
        cluster.write(dir);
        if (launched == 0) {
            System.out.println("every node of " + dir.toAbsolutePath() + " is already running");
            ClusterStatusCommand.print(cluster, System.out);
            return 0;
        }
        System.out.println("started " + launched + " of " + nodes + " nodes in " + dir.toAbsolutePath() + "; waiting for them to be ready");
        awaitReady(cluster, Duration.ofSeconds(timeoutSeconds));
        ClusterStatusCommand.print(cluster, System.out);
        return 0;
    }

    /**
     * Runs {@code corecache server} for {@code node} on this JVM and class path, detached, logging to its
     * file; {@code partitionCount} 0 and {@code nodeEngine} null leave those to the settings.
     */
    private LocalCluster.Node launch(LocalCluster.Node node, String seeds, int partitionCount, String nodeEngine)
            throws IOException {
        Path log = Path.of(node.log());
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "server",
                "--data", node.dataDir(),
                "--http", "127.0.0.1:" + node.httpPort(),
                "--remote", "127.0.0.1:" + node.remotePort(),
                "--management", "127.0.0.1:" + node.managementPort(),
                "--resp", "127.0.0.1:" + node.respPort(),
                "--seeds", seeds,
                "--initial-nodes", Integer.toString(nodes)));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (partitionCount != 0) {
            builder.environment().put("CORECACHE_PARTITIONS", Integer.toString(partitionCount));
        }
        if (nodeEngine != null) {
            builder.environment().put("CORECACHE_ENGINE", nodeEngine);
        }
        Process process = builder.start();
        return new LocalCluster.Node(node.name(), process.pid(), node.httpPort(), node.remotePort(),
                node.managementPort(), node.respPort(), node.dataDir(), node.log());
    }

    private static void awaitReady(LocalCluster cluster, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        for (LocalCluster.Node node : cluster.nodes()) {
            while (!NodeHttp.ok(node.managementUrl() + "/ready")) {
                if (node.process().isEmpty()) {
                    throw new CommandFailure(node.name() + " exited before it was ready; see " + node.log());
                }
                if (System.nanoTime() > deadline) {
                    throw new CommandFailure(node.name() + " was not ready after " + limit.toSeconds() + " s; see "
                            + node.log() + " (the nodes keep running: corecache cluster stop)");
                }
                Thread.sleep(200);
            }
            System.out.println(node.name() + " ready: " + node.httpUrl());
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
