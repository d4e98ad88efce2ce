package io.corecache.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.corecache.cluster.ReplicaProtocol.Reply;
import io.corecache.cluster.ReplicaProtocol.Started;
import io.corecache.cluster.ReplicaProtocol.Wake;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running CoreCache node: its identity and data directory, a Pekko cluster (of one, until it is given
 * seed nodes), and the sharded partition replicas whose data it holds. The fronts (HTTP, RESP) talk to it
 * through {@link #router()}.
 *
 * <p>Start-up order: check settings and the data directory (refusing a mismatch before touching anything),
 * start the actor system and join the cluster (static seeds; a node whose partition count differs is
 * refused), start the placement keeper, the coordinator singleton and sharding, wait for the placement
 * table (kept on disk, or the coordinator's for a new node), wake the replicas the table gives this node
 * (each opens its engine and recovers), then report ready. A start that fails on a directory it created
 * removes it. Shutdown (SIGTERM or {@link #stop()}) runs Pekko's coordinated
 * shutdown: the fronts stop accepting and drain first (their own tasks), then sharding stops every replica,
 * each syncing and closing its engine, and last the clean-shutdown marker is written.
 */
public final class CoreCacheNode {

    private static final Logger log = LoggerFactory.getLogger(CoreCacheNode.class);
    /** How long one attempt to wake a replica waits; recovery of a large partition may take several. */
    private static final Duration WAKE_ATTEMPT = Duration.ofSeconds(10);

    private final ActorSystem<Void> system;
    private final NodeSettings settings;
    private final NodeIdentity identity;
    private final ReplicaHost host;
    private final Router router;
    private final Placement placement;
    private final NodeLiveness liveness;
    private final URI managementUri;
    private final CompletionStage<Done> released;
    private volatile boolean allPartitionsStarted;

    private CoreCacheNode(ActorSystem<Void> system, NodeSettings settings, NodeIdentity identity,
                          ReplicaHost host, Router router, Placement placement, NodeLiveness liveness,
                          URI managementUri, CompletionStage<Done> released) {
        this.placement = placement;
        this.liveness = liveness;
        this.managementUri = managementUri;
        this.released = released;
        this.system = system;
        this.settings = settings;
        this.identity = identity;
        this.host = host;
        this.router = router;
    }

    /**
     * A complete node configuration: {@code overrides} over conf/application.conf, over the node's wiring
     * of Pekko ({@code corecache-node.conf}), over the libraries' reference settings.
     */
    public static Config configWith(Config overrides) {
        return overrides
                .withFallback(ConfigFactory.defaultApplication())
                .withFallback(ConfigFactory.parseResources(CoreCacheNode.class.getClassLoader(), "corecache-node.conf"))
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
    }

    /** Starts a node and returns once every local partition has started; throws NodeStartException if not. */
    public static CoreCacheNode start(Config config) {
        return start(config, true);
    }

    /**
     * Starts a node; with {@code readyWhenStarted} false, {@code /ready} stays false until
     * {@link #markReady()}, so a server can bind its fronts first and never be ready with a closed port.
     */
    public static CoreCacheNode start(Config config, boolean readyWhenStarted) {
        NodeSettings settings = NodeSettings.from(config);
        boolean newDirectory = !Files.exists(settings.dataDir());
        // Lock first: two nodes started on one new directory must not both write an identity.
        DataDirLock lock = DataDirLock.acquire(settings.dataDir());
        try {
            return startLocked(settings, config, lock, readyWhenStarted);
        } catch (RuntimeException e) {
            lock.close();
            if (newDirectory) {
                forgetNewDirectory(settings.dataDir());
            }
            throw e;
        }
    }

    /**
     * A start that failed on a directory it created (a cluster refused the node, a port was taken) leaves
     * nothing behind, so trying again with other settings starts afresh. Only a directory without any
     * partition data is removed.
     */
    private static void forgetNewDirectory(Path dataDir) {
        try {
            if (NodeIdentity.holdsPartitionData(dataDir)) {
                return;
            }
            try (var paths = Files.walk(dataDir)) {
                for (Path path : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(path);
                }
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            log.warn("could not remove {} after the failed start: {}", dataDir.toAbsolutePath(), e.toString());
        }
    }

    private static CoreCacheNode startLocked(NodeSettings settings, Config config, DataDirLock lock,
                                              boolean readyWhenStarted) {
        boolean existed = Files.exists(settings.dataDir().resolve(NodeIdentity.FILE));
        NodeIdentity identity = NodeIdentity.openOrCreate(settings.dataDir(), settings.partitions(), settings.engine());
        PlacementTable kept = keptPlacement(settings, identity, existed);
        boolean clean = ShutdownMarker.consume(settings.dataDir());
        if (!existed) {
            log.info("new data directory {}: node {} with {} partitions ({} engine)",
                    settings.dataDir().toAbsolutePath(), identity.nodeId(), identity.partitions(), identity.engine());
        } else if (clean) {
            log.info("node {}: the previous shutdown was clean; no recovery needed", identity.nodeId());
        } else {
            log.warn("node {}: the previous run did not shut down cleanly; recovering every partition "
                    + "(checking for torn tails)", identity.nodeId());
        }

        Config withRoles = ConfigFactory.empty()
                .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(
                        List.of(ReplicaAllocation.CORECACHE_ROLE, ReplicaAllocation.roleOf(identity.nodeId()))))
                // What the join check compares: the count this directory was created with.
                .withValue(PartitionCountCheck.KEY, ConfigValueFactory.fromAnyRef(identity.partitions()))
                // Requests in flight get the whole shutdown deadline: the phase that waits for them must not
                // give up first.
                .withValue("pekko.coordinated-shutdown.phases.service-requests-done.timeout",
                        ConfigValueFactory.fromAnyRef(settings.httpShutdownDeadline().plusSeconds(2).toMillis() + "ms"))
                .withFallback(settings.seeds().isEmpty() ? config : config.withValue("pekko.cluster.seed-nodes",
                        ConfigValueFactory.fromIterable(settings.seedNodeAddresses())));
        ActorSystem<Void> system;
        try {
            system = ActorSystem.create(Behaviors.empty(), "corecache", withRoles);
        } catch (RuntimeException e) {
            throw new NodeStartException("cannot start the actor system: " + rootMessage(e), e);
        }
        // The directory stays locked until the very end, after any engine a slow shutdown closed late.
        CompletionStage<Done> released = system.getWhenTerminated().thenApply(terminated -> {
            lock.close();
            return Done.getInstance();
        });
        try {
            return startIn(system, settings, identity, kept, readyWhenStarted, released);
        } catch (RuntimeException e) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            // The cluster's refusal can come while any step of the start is under way, and that step then fails
            // for a reason of no interest (an actor system shutting down): say why the cluster said no instead.
            Optional<String> refused = refusalOf(system, identity);
            if (refused.isPresent()) {
                throw new NodeStartException(refused.get(), e);
            }
            throw e;
        }
    }

    private static CoreCacheNode startIn(ActorSystem<Void> system, NodeSettings settings, NodeIdentity identity,
                                         PlacementTable kept, boolean readyWhenStarted, CompletionStage<Done> released) {
        ReplicaHost host = new ReplicaHost(identity, settings,
                system.dispatchers().lookup(DispatcherSelector.fromConfig("corecache.fsync-dispatcher")),
                InstantSource.system());
        URI management = startManagement(system);
        Cluster classicCluster = Cluster.get(Adapter.toClassic(system));
        CompletableFuture<Done> up = new CompletableFuture<>();
        classicCluster.registerOnMemberUp(() -> up.complete(Done.getInstance()));
        if (system.settings().config().getStringList("pekko.cluster.seed-nodes").isEmpty()) {
            org.apache.pekko.cluster.typed.Cluster.get(system).manager().tell(Join.create(classicCluster.selfAddress()));
        }

        // A node that kept a table serves its partitions at once; a new node waits for the coordinator's.
        Placement placement = new Placement(identity.partitions());
        if (kept != null) {
            placement.update(kept, null);
        }
        NodeLiveness liveness = new NodeLiveness();
        system.systemActorOf(NodeLiveness.tracker(liveness), "corecache-liveness", Props.empty());
        system.systemActorOf(PlacementKeeper.create(identity, settings.dataDir(), placement,
                reason -> CoordinatedShutdown.get(Adapter.toClassic(system)).run(new RefusedByCluster(reason))),
                "corecache-placement-keeper", Props.empty());
        ClusterSingleton.get(system).init(SingletonActor.of(
                        PlacementCoordinator.create(identity.partitions(), settings.initialNodes(), identity.nodeId()),
                        "corecache-placement-coordinator")
                .withSettings(ClusterSingletonSettings.create(system).withRole(ReplicaAllocation.CORECACHE_ROLE)));

        ClusterSharding sharding = ClusterSharding.get(system);
        sharding.init(Entity.of(PartitionReplica.TYPE_KEY,
                        context -> PartitionReplica.create(ReplicaId.parse(context.getEntityId()), host))
                .withMessageExtractor(new EntityIsShard())
                .withAllocationStrategy(new ReplicaAllocation(classicCluster))
                .withStopMessage(new ReplicaProtocol.Stop())
                .withEntityProps(DispatcherSelector.fromConfig("corecache.replica-dispatcher")));
        Router router = new Router(sharding, system.scheduler(), host, new Partitioner(identity.partitions()),
                placement, liveness, settings);
        CoreCacheNode node = new CoreCacheNode(system, settings, identity, host, router, placement, liveness,
                management, released);
        node.registerShutdownTasks();

        Duration startup = system.settings().config().getDuration("corecache.startup-timeout");
        node.awaitRunning(up, startup, "joining the cluster (seed nodes: "
                + system.settings().config().getStringList("pekko.cluster.seed-nodes") + ")");
        PlacementTable table = node.awaitRunning(placement.known().toCompletableFuture(), startup,
                "waiting for the coordinator to place the partitions (a new cluster is placed once "
                        + "corecache.cluster.initial-nodes = " + settings.initialNodes() + " nodes have joined)");
        int failed = node.wakePartitions(sharding, table, startup);
        node.allPartitionsStarted = failed == 0;
        if (failed > 0) {
            // Serving what it can, but not ready: a load balancer should not send it traffic it would refuse.
            log.error("node {} serving with {} of its {} partitions unavailable; /ready stays false until they start",
                    identity.nodeId(), failed, table.partitionsOf(identity.nodeId()).size());
        }
        if (readyWhenStarted) {
            node.markReady();
        }
        return node;
    }

    /**
     * The placement table the data directory keeps. A directory that holds partition data from before the
     * node knew of clusters gets the table of a cluster of one holding every partition, so the node never
     * joins another cluster's placement with data that placement would hide.
     */
    private static PlacementTable keptPlacement(NodeSettings settings, NodeIdentity identity, boolean existed) {
        PlacementTable kept = PlacementFile.read(settings.dataDir());
        try {
            if (kept == null && existed && NodeIdentity.holdsPartitionData(settings.dataDir())) {
                kept = PlacementTable.create(identity.partitions(), List.of(identity.nodeId()));
                PlacementFile.write(settings.dataDir(), kept);
                log.info("node {}: its data predates clustering; it is now cluster {} of one node holding all {} "
                        + "partitions", identity.nodeId(), kept.clusterId(), identity.partitions());
            }
        } catch (java.io.IOException e) {
            throw new NodeStartException("cannot write the placement table in " + settings.dataDir().toAbsolutePath()
                    + ": " + e, e);
        }
        if (kept != null && kept.partitions() != identity.partitions()) {
            throw new NodeStartException(settings.dataDir().resolve(PlacementFile.FILE).toAbsolutePath() + " places "
                    + kept.partitions() + " partitions, but the node has " + identity.partitions());
        }
        return kept;
    }

    /** Why the node was shut down by its cluster rather than by its operator, if it was. */
    public Optional<String> refusal() {
        return refusalOf(system, identity);
    }

    private static Optional<String> refusalOf(ActorSystem<Void> system, NodeIdentity identity) {
        return CoordinatedShutdown.get(Adapter.toClassic(system)).getShutdownReason().flatMap(reason -> {
            if (reason instanceof RefusedByCluster refused) {
                return Optional.of(refused.why());
            }
            if (reason == CoordinatedShutdown.incompatibleConfigurationDetectedReason()) {
                return Optional.of("the cluster refused this node's configuration: its partition count ("
                        + identity.partitions() + ") differs from the cluster's, or it runs another version (the "
                        + "seed node's log names the setting)");
            }
            if (reason == CoordinatedShutdown.clusterDowningReason()) {
                return Optional.of("the cluster downed this node (it was cut off from the majority)");
            }
            return Optional.empty();
        });
    }

    /** Shut down because the cluster refused the node (it belongs to another cluster). */
    private record RefusedByCluster(String why) implements CoordinatedShutdown.Reason {
    }

    /** Reports the node ready ({@code /ready}) if every partition it holds started. */
    public void markReady() {
        if (allPartitionsStarted) {
            NodeStatus.get(Adapter.toClassic(system)).markPartitionsStarted();
            PlacementTable table = placement.table();
            log.info("node {} ready at {}: holds {} of the {} partitions of cluster {}", identity.nodeId(),
                    Cluster.get(Adapter.toClassic(system)).selfAddress(),
                    table.partitionsOf(identity.nodeId()).size(), table.partitions(), table.clusterId());
        }
    }

    /** Management first, so {@code /alive} answers (and {@code /ready} says no) while partitions recover. */
    private static URI startManagement(ActorSystem<Void> system) {
        CompletableFuture<org.apache.pekko.http.javadsl.model.Uri> bound =
                PekkoManagement.get(Adapter.toClassic(system)).start().toCompletableFuture();
        await(bound, Duration.ofSeconds(30), "starting Pekko Management on "
                + system.settings().config().getString("pekko.management.http.hostname") + ":"
                + system.settings().config().getInt("pekko.management.http.port"));
        return URI.create(bound.join().toString());
    }

    /** Starts every partition the table gives this node; returns how many could not start. */
    private int wakePartitions(ClusterSharding sharding, PlacementTable table, Duration timeout) {
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int p : table.partitionsOf(identity.nodeId())) {
            replies.add(wake(sharding, new ReplicaId(p, identity.nodeId()), deadline));
        }
        awaitRunning(CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)), timeout,
                "starting the partitions");
        int failed = 0;
        for (CompletableFuture<Reply> reply : replies) {
            Reply answer = reply.join();
            if (!(answer instanceof Started)) {
                // One partition that cannot open its data does not stop the others; it answers 503 and says why.
                log.error("a partition did not start: {}", answer);
                failed++;
            }
        }
        return failed;
    }

    /**
     * Wakes one replica, asking again until it answers or the deadline passes: a node restarted on the same
     * address can see its first wake lost, sent while sharding still knew the shard at the dead incarnation.
     * Waking is idempotent.
     */
    private static CompletableFuture<Reply> wake(ClusterSharding sharding, ReplicaId replica, long deadline) {
        return sharding.entityRefFor(PartitionReplica.TYPE_KEY, replica.toString())
                .<Reply>ask(Wake::new, WAKE_ATTEMPT).toCompletableFuture()
                .exceptionallyCompose(failure -> System.nanoTime() < deadline
                        ? wake(sharding, replica, deadline) : CompletableFuture.failedFuture(failure));
    }

    /**
     * Waits for {@code future} like {@link #await}, but gives up as soon as the node shuts down (the cluster
     * refused it), saying why.
     */
    private <T> T awaitRunning(CompletableFuture<T> future, Duration timeout, String what) {
        CompletableFuture<Object> stopped = system.getWhenTerminated().toCompletableFuture().thenApply(done -> null);
        await(CompletableFuture.anyOf(future, stopped), timeout, what);
        if (!future.isDone()) {
            throw new NodeStartException("the node shut down while " + what + ": "
                    + refusal().orElse("it was stopped"));
        }
        return future.join();
    }

    private void registerShutdownTasks() {
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(Adapter.toClassic(system));
        NodeStatus status = NodeStatus.get(Adapter.toClassic(system));
        shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "corecache-not-ready", () -> {
            status.markShuttingDown();
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "corecache-mark-clean", () -> {
            int stillOpen = host.openEngines().size();
            int failedCloses = host.failedCloses();
            try {
                if (stillOpen == 0 && failedCloses == 0) {
                    ShutdownMarker.write(settings.dataDir());
                    log.info("node {}: every partition synced and closed; clean shutdown", identity.nodeId());
                } else {
                    log.warn("node {}: {} partitions did not close in time and {} failed to sync; the next start "
                            + "will recover them", identity.nodeId(), stillOpen, failedCloses);
                }
            } catch (java.io.IOException e) {
                log.warn("cannot write the clean-shutdown marker: {}", e.toString());
            }
            return CompletableFuture.completedFuture(Done.getInstance());
        });
    }

    public ActorSystem<Void> system() {
        return system;
    }

    public NodeSettings settings() {
        return settings;
    }

    public NodeIdentity identity() {
        return identity;
    }

    public Router router() {
        return router;
    }

    /** This node's copy of the placement table. */
    public Placement placement() {
        return placement;
    }

    /** The cluster's nodes as this node sees them. */
    public NodeLiveness liveness() {
        return liveness;
    }

    /** Where Pekko Management answers ({@code /ready}, {@code /cluster/members}), with the port it bound. */
    public URI managementUri() {
        return managementUri;
    }

    /** The engines open on this node, for statistics. */
    public ReplicaHost host() {
        return host;
    }

    /**
     * Runs the coordinated shutdown (as SIGTERM does); completes once the actor system has terminated and
     * the data directory is unlocked, so a new node may start on it at once.
     */
    public CompletionStage<Done> stop() {
        return CoordinatedShutdown.get(Adapter.toClassic(system))
                .runAll(CoordinatedShutdown.unknownReason())
                .thenCompose(done -> released);
    }

    private static void await(CompletableFuture<?> future, Duration timeout, String what) {
        try {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new NodeStartException("timed out after " + timeout.toSeconds() + " s " + what);
        } catch (ExecutionException e) {
            throw new NodeStartException(what + " failed: " + rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeStartException("interrupted while " + what, e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
