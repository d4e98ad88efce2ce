package io.corecache.api.resp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a client wrote through the Redis protocol, expiries included, is there after the node restarts. */
class RespRestartTest {

    @TempDir
    Path dir;

    @Test
    void valuesAndExpiriesSurviveARestart() throws InterruptedException {
        long expiresAt;
        try (RespNode node = RespNode.start(dir); Jedis jedis = new Jedis("127.0.0.1", node.port(), 10_000)) {
            jedis.set("kept", "v", SetParams.setParams().ex(1000));
            expiresAt = jedis.pexpireTime("kept");
            assertEquals(3, jedis.incrBy("counter", 3));
            jedis.set("short", "v", SetParams.setParams().px(300));
            jedis.append("text", "abc");
        }
        try (RespNode node = RespNode.start(dir); Jedis jedis = new Jedis("127.0.0.1", node.port(), 10_000)) {
            assertEquals("v", jedis.get("kept"));
            assertEquals(expiresAt, jedis.pexpireTime("kept"), "the same absolute expiry");
            assertEquals(4, jedis.incr("counter"));
            assertEquals("abc", jedis.get("text"));
            long deadline = System.currentTimeMillis() + 10_000;
            while (jedis.exists("short") && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertNull(jedis.get("short"), "a key that expired while the node was down, or since, is gone");
            assertTrue(jedis.ttl("kept") > 900);
        }
    }
}
