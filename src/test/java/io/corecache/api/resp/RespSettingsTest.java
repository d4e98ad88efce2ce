package io.corecache.api.resp;

import com.typesafe.config.ConfigFactory;
import io.corecache.cluster.CoreCacheNode;
import io.corecache.cluster.NodeStartException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The endpoint's settings: the documented defaults, and a bad value refused at start naming its setting. */
class RespSettingsTest {

    private static RespSettings with(Map<String, Object> settings) {
        return RespSettings.from(CoreCacheNode.configWith(ConfigFactory.parseMap(settings)));
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        RespSettings s = with(Map.of());
        assertTrue(s.enabled());
        assertEquals("127.0.0.1", s.host());
        assertEquals(6380, s.port());
        assertFalse(s.requiresAuth());
        assertEquals(Duration.ZERO, s.idleTimeout());
        assertEquals(10_000, s.maxConnections());
        assertEquals(64, s.pipelineDepth());
        assertEquals(512L << 20, s.maxBulkLength());
        assertTrue(with(Map.of("corecache.resp.password", "pw")).requiresAuth());
    }

    @Test
    void badValuesAreRefusedNamingTheSetting() {
        Object[][] bad = {
                {"corecache.resp.port", 70000},
                {"corecache.resp.idle-timeout", "-1s"},
                {"corecache.resp.max-connections", 0},
                {"corecache.resp.pipeline-depth", 0},
                {"corecache.resp.pipeline-depth", 5000},
                {"corecache.resp.max-bulk-length", "4GiB"},
        };
        for (Object[] setting : bad) {
            NodeStartException e = assertThrows(NodeStartException.class,
                    () -> with(Map.of((String) setting[0], setting[1])), setting[0] + " = " + setting[1]);
            assertTrue(e.getMessage().contains((String) setting[0]), e.getMessage());
        }
    }
}
