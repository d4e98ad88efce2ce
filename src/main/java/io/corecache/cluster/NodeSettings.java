package io.corecache.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.corecache.engine.Durability;
import io.corecache.engine.Limits;
import io.corecache.engine.bitcask.BitcaskOptions;
import io.corecache.engine.lsm.LsmOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

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
        Duration httpBodyTimeout,
        Duration requestTimeout,
        int maxInFlightPerPartition,
        Duration retryAfter,
        int scanDefaultLimit,
        int scanMaxLimit,
        int scanPageSize,
        long bitcaskMaxFileBytes,
        double bitcaskMergeDeadRatio,
        long bitcaskMergeMinDeadBytes,
        Duration bitcaskMergeCheckEvery,
        long lsmMemtableBytes,
        long lsmBlockCacheBytes,
        Duration expirySweepInterval,
        int expirySweepKeys,
        List<String> seeds,
        int initialNodes) {

    static final Set<String> ENGINES = Set.of("bitcask", "lsm");
    private static final Pattern SEED = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[^:\\[\\]\\s]+):[0-9]{1,5}");

    public static NodeSettings from(Config root) {
        try {
            Config c = root.getConfig("corecache");
            long maxKeyBytes = c.getBytes("limits.max-key-bytes");
            long maxValueBytes = c.getBytes("limits.max-value-bytes");
            // Checked before Limits is built, so the message names the setting rather than the engine's term.
            require(maxKeyBytes >= 1 && maxKeyBytes <= Limits.HARD_MAX_KEY_BYTES,
                    "corecache.limits.max-key-bytes must be 1.." + Limits.HARD_MAX_KEY_BYTES + ", got " + maxKeyBytes);
            require(maxValueBytes >= 0 && maxValueBytes <= Limits.HARD_MAX_VALUE_BYTES,
                    "corecache.limits.max-value-bytes must be 0.." + Limits.HARD_MAX_VALUE_BYTES + " (64 MiB), got "
                            + maxValueBytes);
            NodeSettings settings = new NodeSettings(
                    Path.of(c.getString("data-dir")),
                    c.getString("engine"),
                    c.getInt("partitions"),
                    durability(c.getString("durability")),
                    c.getDuration("sync-interval"),
                    new Limits((int) maxKeyBytes, (int) maxValueBytes),
                    c.getString("http.host"),
                    c.getInt("http.port"),
                    c.getDuration("http.shutdown-deadline"),
                    c.getDuration("http.body-timeout"),
                    c.getDuration("request-timeout"),
                    c.getInt("max-in-flight-per-partition"),
                    c.getDuration("retry-after"),
                    c.getInt("scan.default-limit"),
                    c.getInt("scan.max-limit"),
                    c.getInt("scan.page-size"),
                    c.getBytes("bitcask.max-file-size"),
                    c.getDouble("bitcask.merge-dead-ratio"),
                    c.getBytes("bitcask.merge-min-dead-bytes"),
                    c.getDuration("bitcask.merge-check-every"),
                    c.getBytes("lsm.memtable-size"),
                    c.getBytes("lsm.block-cache-size"),
                    c.getDuration("expiry.sweep-interval"),
                    c.getInt("expiry.sweep-keys"),
                    List.copyOf(c.getStringList("cluster.seeds")),
                    c.getInt("cluster.initial-nodes"));
            settings.check();
            return settings;
        } catch (ConfigException | IllegalArgumentException e) {
            throw new NodeStartException("bad setting: " + e.getMessage(), e);
        }
    }

    private static Durability durability(String text) {
        try {
            return Durability.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("corecache.durability must be sync, interval or none, got '" + text + "'");
        }
    }

    /**
     * Everything an engine or the HTTP front would otherwise refuse later, one partition at a time, is refused
     * here, at start, naming the setting: a node never starts with partitions that cannot open.
     */
    private void check() {
        require(!dataDir.toString().isBlank(), "corecache.data-dir must not be empty");
        require(ENGINES.contains(engine), "corecache.engine must be bitcask or lsm, got '" + engine + "'");
        require(partitions >= 1 && partitions <= 4096, "corecache.partitions must be 1..4096, got " + partitions);
        require(positive(syncInterval), "corecache.sync-interval must be positive, got " + syncInterval);
        require(httpPort >= 0 && httpPort <= 65535, "corecache.http.port must be 0..65535, got " + httpPort);
        require(!httpShutdownDeadline.isNegative(), "corecache.http.shutdown-deadline must not be negative");
        require(!httpBodyTimeout.isNegative() && !httpBodyTimeout.isZero(), "corecache.http.body-timeout must be positive");
        require(maxInFlightPerPartition >= 1, "corecache.max-in-flight-per-partition must be at least 1, got "
                + maxInFlightPerPartition);
        require(positive(requestTimeout), "corecache.request-timeout must be positive, got " + requestTimeout);
        require(!retryAfter.isNegative(), "corecache.retry-after must not be negative, got " + retryAfter);
        require(scanMaxLimit >= 1, "corecache.scan.max-limit must be at least 1, got " + scanMaxLimit);
        require(scanDefaultLimit >= 1 && scanDefaultLimit <= scanMaxLimit,
                "corecache.scan.default-limit must be 1..scan.max-limit (" + scanMaxLimit + "), got " + scanDefaultLimit);
        require(scanPageSize >= 1, "corecache.scan.page-size must be at least 1, got " + scanPageSize);
        require(bitcaskMaxFileBytes >= BitcaskOptions.MIN_FILE_BYTES && bitcaskMaxFileBytes <= BitcaskOptions.MAX_FILE_BYTES,
                "corecache.bitcask.max-file-size must be 1MiB..1GiB, got " + bitcaskMaxFileBytes + " bytes");
        require(bitcaskMergeDeadRatio > 0 && bitcaskMergeDeadRatio <= 1,
                "corecache.bitcask.merge-dead-ratio must be in (0, 1], got " + bitcaskMergeDeadRatio);
        require(bitcaskMergeMinDeadBytes >= 0, "corecache.bitcask.merge-min-dead-bytes must not be negative");
        require(!bitcaskMergeCheckEvery.isNegative(), "corecache.bitcask.merge-check-every must not be negative");
        require(lsmMemtableBytes >= LsmOptions.MIN_MEMTABLE_BYTES && lsmMemtableBytes <= LsmOptions.MAX_MEMTABLE_BYTES,
                "corecache.lsm.memtable-size must be 4KiB..1GiB, got " + lsmMemtableBytes + " bytes");
        require(lsmBlockCacheBytes >= 0, "corecache.lsm.block-cache-size must not be negative");
        require(!expirySweepInterval.isNegative(), "corecache.expiry.sweep-interval must not be negative, got "
                + expirySweepInterval);
        require(expirySweepKeys >= 1 && expirySweepKeys <= 1_000_000,
                "corecache.expiry.sweep-keys must be 1..1000000, got " + expirySweepKeys);
        for (String seed : seeds) {
            require(SEED.matcher(seed).matches(), "corecache.cluster.seeds must be HOST:PORT addresses (IPv6 as "
                    + "[::1]:PORT), got '" + seed + "'");
        }
        require(initialNodes >= 1 && initialNodes <= 1000, "corecache.cluster.initial-nodes must be 1..1000, got "
                + initialNodes);
    }

    private static boolean positive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The Pekko addresses of the seed nodes, {@code pekko://corecache@HOST:PORT}. */
    public List<String> seedNodeAddresses() {
        return seeds.stream().map(seed -> "pekko://corecache@" + seed).toList();
    }

    /** Where partition {@code partition}'s engine keeps its files. */
    public Path partitionDir(int partition) {
        return dataDir.resolve(NodeIdentity.PARTITIONS_DIR).resolve(Integer.toString(partition));
    }
}
