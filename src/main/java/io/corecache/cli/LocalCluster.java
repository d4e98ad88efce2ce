package io.corecache.cli;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A local cluster started by {@code corecache cluster start}: where each node's data, log and ports are,
 * and the process that runs it, kept in {@code cluster.json} in the cluster's directory so that
 * {@code status} and {@code stop} find the nodes again.
 *
 * <p>Node i (1-based) listens on HTTP 8080+i, remoting 25520+i, management 8558+i and the Redis protocol
 * 6380+i by default: beside a single node's defaults (8080, 25520, 8558, 6380), never on them. {@code partitions} 0 and {@code engine} null
 * leave those to the settings (a cluster.json written before the engine was recorded has none).
 */
record LocalCluster(int partitions, String engine, List<Node> nodes) {

    static final String FILE = "cluster.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One node of the local cluster; {@code pid} 0 once it was stopped. */
    /** {@code respPort} 0: a cluster.json from before the Redis protocol; the node then takes any free port. */
    record Node(String name, long pid, int httpPort, int remotePort, int managementPort, int respPort, String dataDir,
                String log) {

        String httpUrl() {
            return "http://127.0.0.1:" + httpPort;
        }

        String managementUrl() {
            return "http://127.0.0.1:" + managementPort;
        }

        /** The node's process, if it still runs. */
        Optional<ProcessHandle> process() {
            return pid == 0 ? Optional.empty() : ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        }

        /** The node's id, from the identity its data directory keeps; null before its first start. */
        String nodeId() {
            try {
                return JSON.readTree(Path.of(dataDir).resolve("node.json").toFile()).path("nodeId").asText(null);
            } catch (IOException e) {
                return null;
            }
        }

        Node stopped() {
            return new Node(name, 0, httpPort, remotePort, managementPort, respPort, dataDir, log);
        }
    }

    static Node plan(Path dir, int index, int portOffset) {
        Path nodeDir = dir.resolve("node-" + index).toAbsolutePath();
        int shift = index + portOffset;
        return new Node("node-" + index, 0, 8080 + shift, 25520 + shift, 8558 + shift, 6380 + shift,
                nodeDir.resolve("data").toString(), nodeDir.resolve("node.log").toString());
    }

    static Optional<LocalCluster> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), LocalCluster.class));
        } catch (IOException e) {
            throw new CommandFailure("cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    static LocalCluster require(Path dir) {
        return read(dir).orElseThrow(() -> new CommandFailure("no local cluster in " + dir.toAbsolutePath()
                + " (no " + FILE + "); start one with: corecache cluster start --nodes 3 --dir " + dir));
    }

    void write(Path dir) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(FILE + ".tmp");
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
            Files.move(tmp, dir.resolve(FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CommandFailure("cannot write " + dir.resolve(FILE).toAbsolutePath() + ": " + e, e);
        }
    }

    boolean anyRunning() {
        return nodes.stream().anyMatch(node -> node.process().isPresent());
    }
}
