package io.corecache.api.resp;

import io.corecache.cluster.CoreCacheNode;
import io.corecache.cluster.TestNodes;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real node in this JVM serving the Redis protocol on a port the OS chose, for tests that talk to it over
 * real sockets (Jedis, redis-cli, raw bytes).
 */
final class RespNode implements AutoCloseable {

    final CoreCacheNode node;
    final RespServer server;

    private RespNode(CoreCacheNode node, RespServer server) {
        this.node = node;
        this.server = server;
    }

    static RespNode start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    static RespNode start(Path dataDir, Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>();
        all.put("corecache.resp.port", 0);
        all.putAll(settings);
        var config = TestNodes.config(dataDir, all);
        CoreCacheNode node = CoreCacheNode.start(config);
        try {
            return new RespNode(node, RespServer.start(node, RespSettings.from(config)).orElseThrow());
        } catch (RuntimeException e) {
            TestNodes.stop(node);
            throw e;
        }
    }

    int port() {
        return server.localAddress().getPort();
    }

    @Override
    public void close() {
        TestNodes.stop(node);
    }
}
