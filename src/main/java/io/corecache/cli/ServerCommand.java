package io.corecache.cli;

import com.typesafe.config.Config;
import io.corecache.api.http.HttpServer;
import io.corecache.api.resp.RespServer;
import io.corecache.api.resp.RespSettings;
import io.corecache.cluster.CoreCacheNode;
import io.corecache.cluster.NodeStartException;
import org.apache.pekko.http.javadsl.ServerBinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code corecache server}: runs a node until SIGTERM (or SIGINT), which shuts it down gracefully.
 * Flags override {@code CORECACHE_*} environment variables, which override the config file.
 */
@Command(name = "server", description = {
        "Runs a CoreCache node: durable data in ./data, HTTP on 127.0.0.1:8080, the Redis protocol on",
        "127.0.0.1:6380, Pekko remoting on 127.0.0.1:25520, Pekko Management on 127.0.0.1:8558. Stop it with",
        "SIGTERM (Ctrl-C): it finishes the requests in flight and syncs and closes its data.",
        "Settings: conf/application.conf."})
final class ServerCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR", description = "data directory (env CORECACHE_DATA)")
    Path data;

    @Option(names = "--http", paramLabel = "HOST:PORT", description = "HTTP API address (env CORECACHE_HTTP)")
    String http;

    @Option(names = "--resp", paramLabel = "HOST:PORT", description = "Redis-protocol address (env CORECACHE_RESP)")
    String resp;

    @Option(names = "--no-resp", description = "do not serve the Redis protocol")
    boolean noResp;

    @Option(names = "--remote", paramLabel = "HOST:PORT", description = "Pekko remoting address (env CORECACHE_REMOTE)")
    String remote;

    @Option(names = "--management", paramLabel = "HOST:PORT",
            description = "Pekko Management address (env CORECACHE_MANAGEMENT)")
    String management;

    @Option(names = "--seeds", paramLabel = "HOST:PORT,...", description = "other nodes' remoting addresses: join or "
            + "form a cluster with them (env CORECACHE_SEEDS)")
    String seeds;

    @Option(names = "--initial-nodes", paramLabel = "N", description = "how many nodes create a new cluster "
            + "together (env CORECACHE_INITIAL_NODES; default 1)")
    Integer initialNodes;

    @Option(names = "--engine", paramLabel = "bitcask|lsm", description = "storage engine (env CORECACHE_ENGINE)")
    String engine;

    @Option(names = "--config", paramLabel = "FILE", description = "settings file over conf/application.conf "
            + "(env CORECACHE_CONFIG)")
    Path config;

    @Override
    public Integer call() {
        Map<String, String> flags = new LinkedHashMap<>();
        if (data != null) {
            flags.put("corecache.data-dir", data.toString());
        }
        if (engine != null) {
            flags.put("corecache.engine", engine);
        }
        if (http != null) {
            flags.put("http", http);
        }
        if (resp != null) {
            flags.put("resp", resp);
        }
        if (noResp) {
            flags.put("corecache.resp.enabled", "false");
        }
        if (remote != null) {
            flags.put("remote", remote);
        }
        if (management != null) {
            flags.put("management", management);
        }
        if (seeds != null) {
            flags.put("seeds", seeds);
        }
        if (initialNodes != null) {
            flags.put("corecache.cluster.initial-nodes", initialNodes.toString());
        }
        CoreCacheNode node;
        Config settings;
        try {
            settings = NodeConfig.load(flags, System.getenv(), config);
            node = CoreCacheNode.start(settings, false);
        } catch (NodeStartException e) {
            System.err.println("corecache: " + e.getMessage());
            return Main.EXIT_ERROR;
        }
        ServerBinding binding;
        Optional<RespServer> respServer;
        try {
            binding = HttpServer.start(node);
            respServer = RespServer.start(node, RespSettings.from(settings));
        } catch (NodeStartException e) {
            System.err.println("corecache: " + node.refusal().orElse(e.getMessage()));
            node.stop().toCompletableFuture().join();
            return Main.EXIT_ERROR;
        }
        org.slf4j.LoggerFactory.getLogger(ServerCommand.class).info("node {} serving HTTP on http://{}",
                node.identity().nodeId(), binding.localAddress().getHostString() + ":" + binding.localAddress().getPort());
        respServer.ifPresent(server -> org.slf4j.LoggerFactory.getLogger(ServerCommand.class).info(
                "node {} serving the Redis protocol on {}", node.identity().nodeId(),
                server.localAddress().getHostString() + ":" + server.localAddress().getPort()));
        node.markReady(); // only now: a node is never ready with its HTTP port still closed
        node.system().getWhenTerminated().toCompletableFuture().join();
        if (node.refusal().isPresent()) {
            System.err.println("corecache: " + node.refusal().get());
            return Main.EXIT_ERROR;
        }
        return 0;
    }
}
