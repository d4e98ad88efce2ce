package io.corecache.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Real nodes for tests, in this JVM: a data directory the test owns, every port chosen by the OS (HTTP is
 * not bound; route tests drive the routes directly), and {@code serialize-messages = on}, so every message
 * goes through Jackson CBOR as if it crossed nodes.
 */
public final class TestNodes {

    private TestNodes() {
    }

    public static Config config(Path dataDir, Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>();
        all.put("corecache.data-dir", dataDir.toString());
        all.put("corecache.partitions", 8);
        all.put("pekko.remote.artery.canonical.port", 0);
        all.put("pekko.management.http.port", 0);
        all.put("pekko.actor.serialize-messages", "on");
        all.put("pekko.coordinated-shutdown.terminate-actor-system", "on");
        all.put("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
        all.put("pekko.cluster.run-coordinated-shutdown-when-down", "off");
        all.putAll(settings);
        return CoreCacheNode.configWith(ConfigFactory.parseMap(all));
    }

    public static CoreCacheNode start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    public static CoreCacheNode start(Path dataDir, Map<String, Object> settings) {
        return CoreCacheNode.start(config(dataDir, settings));
    }

    public static void stop(CoreCacheNode node) {
        if (node != null) {
            node.stop().toCompletableFuture().join();
        }
    }
}
