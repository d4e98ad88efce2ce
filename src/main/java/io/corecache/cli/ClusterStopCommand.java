package io.corecache.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code corecache cluster stop}: SIGTERM to every node of the local cluster (each finishes its requests
 * and syncs and closes its data), waiting for each to exit. The data stays; {@code cluster start} with the
 * same directory brings the cluster back.
 *
 * <p>The cluster's leader (the member with the lowest address: the node with the lowest remoting port, all
 * being on one host) stops last. Stopped together with the others, it waits out Pekko's 10 s
 * {@code cluster-exiting} timeout, because no member is left to confirm its own exit; stopped after them,
 * it is a cluster of one and leaves at once (docs/cluster.md, "Stopping").
 */
@Command(name = "stop", description = "Stops every node of the local cluster gracefully; keeps the data.")
final class ClusterStopCommand implements Callable<Integer> {

    @Option(names = "--dir", defaultValue = "cluster", paramLabel = "DIR",
            description = "the cluster's directory (default ./${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "how long to wait for each node to exit before killing it (default ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        LocalCluster cluster = LocalCluster.require(dir);
        Map<LocalCluster.Node, ProcessHandle> running = new LinkedHashMap<>();
        cluster.nodes().forEach(node -> node.process().ifPresent(process -> running.put(node, process)));
        Optional<LocalCluster.Node> leader = running.keySet().stream()
                .min(Comparator.comparingInt(LocalCluster.Node::remotePort));
        List<LocalCluster.Node> others = running.keySet().stream().filter(node -> leader.get() != node).toList();
        stop(others, running);
        stop(leader.stream().toList(), running);
        new LocalCluster(cluster.partitions(), cluster.engine(), cluster.nodes().stream().map(LocalCluster.Node::stopped).toList())
                .write(dir);
        return 0;
    }

    /** SIGTERM to all of {@code nodes} at once, then waits for each, killing those that outlast the timeout. */
    private void stop(List<LocalCluster.Node> nodes, Map<LocalCluster.Node, ProcessHandle> running)
            throws InterruptedException, java.util.concurrent.ExecutionException {
        nodes.forEach(node -> running.get(node).destroy());
        for (LocalCluster.Node node : nodes) {
            ProcessHandle process = running.get(node);
            try {
                process.onExit().get(timeoutSeconds, TimeUnit.SECONDS);
                System.out.println(node.name() + " stopped");
            } catch (java.util.concurrent.TimeoutException e) {
                process.destroyForcibly();
                System.out.println(node.name() + " did not stop within " + timeoutSeconds + " s; killed");
            }
        }
    }
}
