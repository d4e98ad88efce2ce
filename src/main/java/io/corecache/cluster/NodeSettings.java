package io.corecache.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.corecache.engine.Durability;
import io.corecache.engine.Limits;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The {@code corecache} section of the configuration, read and checked once at start-up.
 * {@code conf/application.conf} documents every setting; a bad value stops the start with a message that
 * names the setting.
 */
public record NodeSettings(
        Path dataDir,
        String engine,
        int partitions,
        Durability durability,
        Duration syncInterval,
        Limits limits,
        String httpHost,
        int httpPort,
        Duration httpShutdownDeadline,
        Duration requestTimeout,
        int maxInFlightPerPartition,
        Duration retryAfter,
        int scanDefaultLimit,
        int scanMaxLimit,
        int scanPageSize,
        long bitcaskMaxFileBytes,
        double bitcaskMergeDeadRatio,
        long bitcaskMergeMinDeadBytes,
        Duration bitcaskMergeCheckEvery) {

    static final Set<String> ENGINES = Set.of("bitcask", "lsm");

    public static NodeSettings from(Config root) {
        try {
            Config c = root.getConfig("corecache");
            NodeSettings settings = new NodeSettings(
                    Path.of(c.getString("data-dir")),
                    c.getString("engine"),
                    c.getInt("partitions"),
                    Durability.parse(c.getString("durability")),
                    c.getDuration("sync-interval"),
                    new Limits(intBytes(c, "limits.max-key-bytes"), intBytes(c, "limits.max-value-bytes")),
                    c.getString("http.host"),
                    c.getInt("http.port"),
                    c.getDuration("http.shutdown-deadline"),
                    c.getDuration("request-timeout"),
                    c.getInt("max-in-flight-per-partition"),
                    c.getDuration("retry-after"),
                    c.getInt("scan.default-limit"),
                    c.getInt("scan.max-limit"),
                    c.getInt("scan.page-size"),
                    c.getBytes("bitcask.max-file-size"),
                    c.getDouble("bitcask.merge-dead-ratio"),
                    c.getBytes("bitcask.merge-min-dead-bytes"),
                    c.getDuration("bitcask.merge-check-every"));
            settings.check();
            return settings;
        } catch (ConfigException | IllegalArgumentException e) {
            throw new NodeStartException("bad setting: " + e.getMessage(), e);
        }
    }

    private void check() {
        require(ENGINES.contains(engine), "corecache.engine must be bitcask or lsm, got '" + engine + "'");
        require(partitions >= 1 && partitions <= 4096, "corecache.partitions must be 1..4096, got " + partitions);
        require(httpPort >= 0 && httpPort <= 65535, "corecache.http.port must be 0..65535, got " + httpPort);
        require(maxInFlightPerPartition >= 1, "corecache.max-in-flight-per-partition must be at least 1");
        require(!requestTimeout.isNegative() && !requestTimeout.isZero(), "corecache.request-timeout must be positive");
        require(scanDefaultLimit >= 1 && scanDefaultLimit <= scanMaxLimit,
                "corecache.scan.default-limit must be 1..scan.max-limit");
        require(scanPageSize >= 1, "corecache.scan.page-size must be at least 1");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static int intBytes(Config c, String path) {
        long bytes = c.getBytes(path);
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("corecache." + path + " is too large: " + bytes);
        }
        return (int) bytes;
    }

    /** Where partition {@code partition}'s engine keeps its files. */
    public Path partitionDir(int partition) {
        return dataDir.resolve("partitions").resolve(Integer.toString(partition));
    }
}
