package io.corecache.api.resp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.corecache.cluster.NodeStartException;

import java.time.Duration;

/**
 * The Redis-protocol endpoint's settings ({@code corecache.resp} in conf/application.conf), checked at start.
 *
 * @param password         what AUTH must give before any other command; empty for none
 * @param idleTimeout      a connection silent this long is closed; zero for never (Redis's default)
 * @param pipelineDepth    commands of one connection in flight at once; more wait (backpressure)
 * @param maxBulkLength    a bulk string longer than this is a protocol error that closes the connection;
 *                         one longer than the value limit (but not this) is read, dropped and refused
 */
public record RespSettings(boolean enabled, String host, int port, String password, Duration idleTimeout,
                           int maxConnections, int pipelineDepth, long maxBulkLength) {

    public static RespSettings from(Config root) {
        try {
            Config c = root.getConfig("corecache.resp");
            RespSettings settings = new RespSettings(c.getBoolean("enabled"), c.getString("host"), c.getInt("port"),
                    c.getString("password"), c.getDuration("idle-timeout"), c.getInt("max-connections"),
                    c.getInt("pipeline-depth"), c.getBytes("max-bulk-length"));
            settings.check();
            return settings;
        } catch (ConfigException | IllegalArgumentException e) {
            throw new NodeStartException("bad setting: " + e.getMessage(), e);
        }
    }

    public boolean requiresAuth() {
        return !password.isEmpty();
    }

    private void check() {
        require(port >= 0 && port <= 65535, "corecache.resp.port must be 0..65535, got " + port);
        require(!idleTimeout.isNegative(), "corecache.resp.idle-timeout must not be negative, got " + idleTimeout);
        require(maxConnections >= 1, "corecache.resp.max-connections must be at least 1, got " + maxConnections);
        require(pipelineDepth >= 1 && pipelineDepth <= 4096,
                "corecache.resp.pipeline-depth must be 1..4096, got " + pipelineDepth);
        require(maxBulkLength >= 1 && maxBulkLength <= (1L << 31) - 1,
                "corecache.resp.max-bulk-length must be 1..2GiB, got " + maxBulkLength);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
