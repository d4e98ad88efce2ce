package io.corecache.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code corecache cluster status}: the local cluster's members as its nodes see them, the node the
 * coordinator runs on, and how many partitions each node holds. Exits 1 when no node answers.
 */
@Command(name = "status", description = "Shows the members, the coordinator's node and partitions per node.")
final class ClusterStatusCommand implements Callable<Integer> {

    @Option(names = "--dir", defaultValue = "cluster", paramLabel = "DIR",
            description = "the cluster's directory (default ./${DEFAULT-VALUE})")
    Path dir;

    @Override
    public Integer call() {
        return print(LocalCluster.require(dir), System.out) ? 0 : 1;
    }

    /** Prints the status; false if no node answered. */
    static boolean print(LocalCluster cluster, PrintStream out) {
        Map<String, String> nameOfId = new HashMap<>();
        JsonNode view = null;
        for (LocalCluster.Node node : cluster.nodes()) {
            String id = node.nodeId();
            if (id != null) {
                nameOfId.put(id, node.name());
            }
            Optional<JsonNode> answer = node.process().isPresent()
                    ? NodeHttp.json(node.httpUrl() + "/v1/cluster") : Optional.empty();
            if (answer.isPresent()) {
                nameOfId.put(answer.get().path("node").path("id").asText(), node.name());
                if (view == null) {
                    view = answer.get();
                }
            }
        }
        if (view == null) {
            out.println("no node of the cluster answers (" + cluster.nodes().size() + " nodes; stopped?)");
            return false;
        }
        JsonNode info = view.path("cluster");
        String coordinator = info.path("coordinator").asText("");
        out.printf("cluster %s, placement version %d, coordinator on %s%n", info.path("id").asText("(not placed yet)"),
                info.path("placement_version").asLong(), coordinator.isEmpty() ? "(unknown)"
                        : coordinator + nameIn(nameOfId, coordinator));
        out.printf("%-8s %-11s %-8s %-24s %-16s %-9s %-10s %s%n", "NAME", "NODE ID", "PID", "HTTP", "REDIS", "STATUS",
                "REACHABLE", "PARTITIONS");
        for (JsonNode member : view.path("nodes")) {
            String id = member.path("id").asText();
            String name = nameOfId.getOrDefault(id, "?");
            LocalCluster.Node local = cluster.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
            out.printf("%-8s %-11s %-8s %-24s %-16s %-9s %-10s %d%n", name, id,
                    local == null || local.process().isEmpty() ? "-" : Long.toString(local.pid()),
                    local == null ? "-" : local.httpUrl(),
                    local == null || local.respPort() == 0 ? "-" : "127.0.0.1:" + local.respPort(),
                    member.path("status").asText(),
                    member.path("reachable").asBoolean() ? "yes" : "no", member.path("partitions").asInt());
        }
        return true;
    }

    private static String nameIn(Map<String, String> nameOfId, String id) {
        String name = nameOfId.get(id);
        return name == null ? "" : " (" + name + ")";
    }
}
