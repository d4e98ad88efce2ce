package io.corecache.multijvm;

import io.corecache.cli.NodeProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A cluster of real node processes on loopback, started the documented way: every node gets the same
 * {@code --seeds} (all members' remoting addresses) and {@code --initial-nodes N}. Ports are chosen once, so a
 * member restarts on its own address. Data directories and logs live under
 * {@code target/multi-jvm/NAME/} and are kept after the run for reading.
 *
 * <p>Every wait is bounded; a failed wait names what was missing and quotes the end of each node's log.
 */
final class LocalCluster implements AutoCloseable {

    /** A small partition count keeps starts fast; 12 spreads 4 a node over 3 nodes. */
    static final int PARTITIONS = 12;
    /** Three JVMs starting at once on two cores, then seed joining (retried every 5 s) and placement. */
    static final Duration FORM_TIMEOUT = Duration.ofSeconds(150);
    /** Each node's heap: the machine is shared by three nodes, Maven and the test JVM. */
    static final String JAVA_OPTS = "-Xmx256m";
    /**
     * The storage engine every node runs: the build runs these tests once per engine (pom.xml, failsafe
     * executions), so each cluster behaviour is shown on both.
     */
    static final String ENGINE = System.getProperty("corecache.it.engine", "bitcask");

    private final Path dir;
    private final int partitions;
    private final List<ClusterMember> members;
    private final String seeds;

    private LocalCluster(Path dir, int partitions, List<ClusterMember> members, String seeds) {
        this.dir = dir;
        this.partitions = partitions;
        this.members = members;
        this.seeds = seeds;
    }

    /**
     * A cluster of {@code size} members under {@code target/multi-jvm/NAME-ENGINE}, emptied first; nothing
     * runs yet.
     */
    static LocalCluster create(String name, int size, int partitions) {
        Path dir = NodeProcess.repositoryRoot().resolve("target/multi-jvm").resolve(name + "-" + ENGINE);
        deleteRecursively(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int[] ports = NodeProcess.freePorts(3 * size);
        StringJoiner seeds = new StringJoiner(",");
        for (int i = 0; i < size; i++) {
            seeds.add("127.0.0.1:" + ports[3 * i + 1]);
        }
        List<String> clusterArgs = List.of("--seeds", seeds.toString(), "--initial-nodes", String.valueOf(size));
        List<ClusterMember> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String member = "n" + (i + 1);
            members.add(new ClusterMember(member, dir.resolve(member), dir,
                    new int[] {ports[3 * i], ports[3 * i + 1], ports[3 * i + 2]}, clusterArgs,
                    environment(partitions)));
        }
        return new LocalCluster(dir, partitions, List.copyOf(members), seeds.toString());
    }

    /** The environment a node of this cluster gets: its partition count, its engine and a small heap. */
    static Map<String, String> environment(int partitions) {
        return Map.of("CORECACHE_PARTITIONS", String.valueOf(partitions), "CORECACHE_ENGINE", ENGINE,
                "CORECACHE_JAVA_OPTS", JAVA_OPTS);
    }

    /** Starts every member at once and waits until they form one healthy cluster. */
    LocalCluster start() {
        members.forEach(ClusterMember::start);
        members.forEach(member -> member.awaitReady(FORM_TIMEOUT));
        awaitHealthy(FORM_TIMEOUT);
        return this;
    }

    /** Restarts every member that is not running, then waits until the cluster is healthy again. */
    ClusterView heal() {
        List<ClusterMember> down = members.stream().filter(member -> !member.isAlive()).toList();
        down.forEach(ClusterMember::start);
        down.forEach(member -> member.awaitReady(FORM_TIMEOUT));
        return awaitHealthy(FORM_TIMEOUT);
    }

    /**
     * Waits until every member is running and sees the same healthy cluster: all members up and reachable, one
     * coordinator, one cluster id and placement table, and every partition placed on a member and serving.
     * Returns the first member's view.
     */
    ClusterView awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String why = "";
        while (System.nanoTime() < deadline) {
            why = unhealthy();
            if (why == null) {
                try {
                    return members.get(0).view();
                } catch (IOException e) {
                    why = e.toString();
                }
            }
            sleep(250);
        }
        throw new AssertionError("the cluster was not healthy after " + timeout.toSeconds() + " s: " + why + "\n"
                + tails(30));
    }

    /** Why the cluster is not healthy now, or null if it is. */
    private String unhealthy() {
        List<ClusterView> views = new ArrayList<>();
        for (ClusterMember member : members) {
            if (!member.isAlive()) {
                return member + " is not running";
            }
            try {
                views.add(member.view());
            } catch (IOException e) {
                return member + ": " + e;
            }
        }
        List<String> ids = members.stream().map(ClusterMember::id).sorted().toList();
        ClusterView first = views.get(0);
        for (int i = 0; i < views.size(); i++) {
            ClusterView view = views.get(i);
            ClusterMember member = members.get(i);
            if (!view.nodes().keySet().stream().sorted().toList().equals(ids)) {
                return member + " sees members " + view.nodes().keySet() + ", not " + ids;
            }
            for (String id : ids) {
                if (!view.seesUp(id)) {
                    return member + " does not see " + id + " up and reachable: " + view.nodes().get(id);
                }
            }
            if (view.coordinator() == null || !ids.contains(view.coordinator())) {
                return member + " names coordinator " + view.coordinator();
            }
            if (view.clusterId() == null || view.partitions().size() != partitions) {
                return member + " has no placement of " + partitions + " partitions: " + view;
            }
            for (ClusterView.Partition partition : view.partitions()) {
                if (!ids.contains(partition.node()) || !"serving".equals(partition.status())) {
                    return member + " sees partition " + partition;
                }
            }
            if (!view.clusterId().equals(first.clusterId()) || !view.coordinator().equals(first.coordinator())
                    || !view.placement().equals(first.placement())) {
                return member + " and " + members.get(0) + " disagree: " + view + " vs " + first;
            }
        }
        return null;
    }

    ClusterMember member(int index) {
        return members.get(index);
    }

    List<ClusterMember> members() {
        return members;
    }

    ClusterMember byId(String id) {
        return members.stream().filter(member -> id.equals(member.id())).findFirst()
                .orElseThrow(() -> new AssertionError("no member has id " + id));
    }

    List<ClusterMember> others(ClusterMember member) {
        return members.stream().filter(other -> other != member).toList();
    }

    List<HttpApi> apis(List<ClusterMember> of) {
        return of.stream().map(ClusterMember::api).toList();
    }

    int partitions() {
        return partitions;
    }

    /** The {@code --seeds} value every member gets. */
    String seeds() {
        return seeds;
    }

    Path dir() {
        return dir;
    }

    /** The end of every member's current log. */
    String tails(int lines) {
        return members.stream().map(member -> member.tail(lines)).collect(Collectors.joining("\n"));
    }

    /** Stops every member at once (SIGKILL): nothing outlives the test class. */
    @Override
    public void close() {
        members.forEach(ClusterMember::close);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
