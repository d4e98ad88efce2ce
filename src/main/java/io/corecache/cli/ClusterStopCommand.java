package io.corecache.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code corecache cluster stop}: SIGTERM to every node of the local cluster (each finishes its requests
 * and syncs and closes its data), waiting for each to exit. The data stays; {@code cluster start} with the
 * same directory brings the cluster back.
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
        cluster.nodes().forEach(node -> node.process().ifPresent(ProcessHandle::destroy));
        List<LocalCluster.Node> stopped = new ArrayList<>();
        for (LocalCluster.Node node : cluster.nodes()) {
            if (node.process().isPresent()) {
                ProcessHandle process = node.process().get();
                try {
                    process.onExit().get(timeoutSeconds, TimeUnit.SECONDS);
                    System.out.println(node.name() + " stopped");
                } catch (java.util.concurrent.TimeoutException e) {
                    process.destroyForcibly();
                    System.out.println(node.name() + " did not stop within " + timeoutSeconds + " s; killed");
                }
            }
            stopped.add(node.stopped());
        }
        new LocalCluster(cluster.partitions(), stopped).write(dir);
        return 0;
    }
}
