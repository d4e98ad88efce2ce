package io.corecache.cluster;

import com.typesafe.config.ConfigFactory;
import io.corecache.engine.Durability;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code corecache} settings: the defaults are the ones conf/application.conf documents, and every bad
 * value stops the start with a message naming the setting, before anything opens (so a node never comes up
 * with partitions that cannot open their engines).
 */
class NodeSettingsTest {

    private static NodeSettings with(Map<String, Object> overrides) {
        return NodeSettings.from(CoreCacheNode.configWith(ConfigFactory.parseMap(overrides)));
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        NodeSettings s = with(Map.of());
        assertEquals(Path.of("data"), s.dataDir());
        assertEquals("bitcask", s.engine());
        assertEquals(64, s.partitions());
        assertEquals(Durability.SYNC, s.durability());
        assertEquals(Duration.ofMillis(100), s.syncInterval());
        assertEquals(4096, s.limits().maxKeyBytes());
        assertEquals(1 << 20, s.limits().maxValueBytes());
        assertEquals("127.0.0.1", s.httpHost());
        assertEquals(8080, s.httpPort());
        assertEquals(Duration.ofSeconds(5), s.requestTimeout());
        assertEquals(4096, s.maxInFlightPerPartition());
        assertEquals(Duration.ofSeconds(1), s.retryAfter());
        assertEquals(100, s.scanDefaultLimit());
        assertEquals(10_000, s.scanMaxLimit());
        assertEquals(256L << 20, s.bitcaskMaxFileBytes());
        assertEquals(Path.of("data", "partitions", "7"), s.partitionDir(7));
    }

    @Test
    void sizesAndDurationsAcceptHoconUnits() {
        NodeSettings s = with(Map.of("corecache.limits.max-value-bytes", "64MiB", "corecache.request-timeout", "250ms",
                "corecache.durability", " Interval "));
        assertEquals(64 << 20, s.limits().maxValueBytes());
        assertEquals(Duration.ofMillis(250), s.requestTimeout());
        assertEquals(Durability.INTERVAL, s.durability());
    }

    @Test
    void everyBadValueIsRefusedNamingItsSetting() {
        Object[][] bad = {
                {"corecache.engine", "rocks"},
                {"corecache.partitions", 0},
                {"corecache.partitions", 4097},
                {"corecache.partitions", "many"},
                {"corecache.durability", "always"},
                {"corecache.sync-interval", "0s"},
                {"corecache.limits.max-key-bytes", 0},
                {"corecache.limits.max-key-bytes", 65536},
                {"corecache.limits.max-value-bytes", "65MiB"},
                {"corecache.limits.max-value-bytes", "8GiB"},
                {"corecache.http.port", 70000},
                {"corecache.http.shutdown-deadline", "-1s"},
                {"corecache.request-timeout", "0s"},
                {"corecache.max-in-flight-per-partition", 0},
                {"corecache.retry-after", "-1s"},
                {"corecache.scan.default-limit", 0},
                {"corecache.scan.default-limit", 20_000},
                {"corecache.scan.page-size", 0},
                {"corecache.bitcask.max-file-size", "1KiB"},
                {"corecache.bitcask.max-file-size", "2GiB"},
                {"corecache.bitcask.merge-dead-ratio", 0},
                {"corecache.bitcask.merge-dead-ratio", 1.5},
                {"corecache.bitcask.merge-min-dead-bytes", -1},
                {"corecache.bitcask.merge-check-every", "-1s"},
                {"corecache.lsm.memtable-size", "1KiB"},
                {"corecache.lsm.memtable-size", "2GiB"},
                {"corecache.lsm.block-cache-size", "-1"},
                {"corecache.data-dir", ""},
        };
        for (Object[] setting : bad) {
            String path = (String) setting[0];
            NodeStartException refused = assertThrows(NodeStartException.class,
                    () -> with(Map.of(path, setting[1])), path + " = " + setting[1]);
            String name = path.substring(path.lastIndexOf('.') + 1);
            assertTrue(refused.getMessage().startsWith("bad setting: "), refused.getMessage());
            assertTrue(refused.getMessage().contains(name), path + " = " + setting[1] + ": " + refused.getMessage());
        }
    }

    @Test
    void aMissingSectionIsRefusedNotACrash() {
        NodeStartException refused = assertThrows(NodeStartException.class,
                () -> NodeSettings.from(ConfigFactory.parseMap(Map.of("other", 1))));
        assertTrue(refused.getMessage().contains("corecache"), refused.getMessage());
    }
}
