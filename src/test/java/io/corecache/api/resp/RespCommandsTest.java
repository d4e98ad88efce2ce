package io.corecache.api.resp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.SafeEncoder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis's string and key commands and memento's, through Jedis (a real Redis client) over a real socket to
 * a real node: what a user of either would see.
 */
class RespCommandsTest {

    @TempDir
    static Path dir;
    private static RespNode node;
    private static Jedis jedis;

    @BeforeAll
    static void start() {
        node = RespNode.start(dir, Map.of("corecache.durability", "interval"));
        jedis = new Jedis("127.0.0.1", node.port(), 10_000);
    }

    @AfterAll
    static void stop() {
        if (jedis != null) {
            jedis.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @BeforeEach
    void empty() {
        assertEquals("OK", jedis.flushAll());
    }

    private static Object memento(String command, String... args) {
        ProtocolCommand cmd = () -> SafeEncoder.encode(command);
        return jedis.sendCommand(cmd, args);
    }

    private static String text(Object reply) {
        return reply == null ? null : new String((byte[]) reply, StandardCharsets.UTF_8);
    }

    @Test
    void setAndGetWithTheirOptions() {
        assertEquals("OK", jedis.set("k", "v1"));
        assertEquals("v1", jedis.get("k"));
        assertNull(jedis.set("k", "v2", SetParams.setParams().nx()), "NX on an existing key sets nothing");
        assertEquals("v1", jedis.get("k"));
        assertNull(jedis.set("absent", "v", SetParams.setParams().xx()), "XX on an absent key sets nothing");
        assertFalse(jedis.exists("absent"));
        assertEquals("v1", jedis.setGet("k", "v3"));
        assertEquals("v3", jedis.get("k"));
        assertEquals("OK", jedis.set("t", "v", SetParams.setParams().ex(100)));
        assertTrue(jedis.ttl("t") > 90 && jedis.ttl("t") <= 100);
        jedis.set("t", "w", SetParams.setParams().keepTtl());
        assertTrue(jedis.pttl("t") > 90_000, "KEEPTTL keeps the expiry");
        jedis.set("t", "x");
        assertEquals(-1, jedis.ttl("t"), "a plain SET clears the expiry");
        JedisDataException bad = assertThrows(JedisDataException.class,
                () -> jedis.set("k", "v", SetParams.setParams().ex(0)));
        assertEquals("ERR invalid expire time in 'set' command", bad.getMessage());
        assertEquals("ERR syntax error", assertThrows(JedisDataException.class,
                () -> jedis.sendCommand(() -> SafeEncoder.encode("SET"), "k", "v", "NX", "XX")).getMessage());
        assertEquals("x", jedis.get("t"), "a refused SET changes nothing");
        assertEquals(1, jedis.setnx("n", "1"));
        assertEquals(0, jedis.setnx("n", "2"));
        assertEquals("OK", jedis.setex("e", 50, "v"));
        assertTrue(jedis.ttl("e") > 40);
        assertEquals("OK", jedis.psetex("p", 50_000, "v"));
        assertTrue(jedis.pttl("p") > 40_000);
        assertEquals("1", jedis.getSet("n", "3"));
        assertEquals("3", jedis.getDel("n"));
        assertFalse(jedis.exists("n"));
        assertEquals("v", jedis.getEx("e", GetExParams.getExParams().persist()));
        assertEquals(-1, jedis.ttl("e"));
        assertEquals("v", jedis.getEx("e", GetExParams.getExParams().px(60_000)));
        assertTrue(jedis.pttl("e") > 50_000);
    }

    @Test
    void countersAreIntegersOrDecimals() {
        assertEquals(1, jedis.incr("c"));
        assertEquals(11, jedis.incrBy("c", 10));
        assertEquals(10, jedis.decr("c"));
        assertEquals(-5, jedis.decrBy("c", 15));
        jedis.set("big", Long.toString(Long.MAX_VALUE));
        assertEquals("ERR increment or decrement would overflow",
                assertThrows(JedisDataException.class, () -> jedis.incr("big")).getMessage());
        jedis.set("word", "hello");
        assertEquals("ERR value is not an integer or out of range",
                assertThrows(JedisDataException.class, () -> jedis.incr("word")).getMessage());
        assertEquals("hello", jedis.get("word"), "a failed INCR leaves the value");
        jedis.set("f", "10.50");
        assertEquals(10.6, jedis.incrByFloat("f", 0.1), 1e-9);
        assertEquals("10.6", jedis.get("f"));
        jedis.set("f", "5.0e3");
        assertEquals("5200", text(jedis.sendCommand(() -> SafeEncoder.encode("INCRBYFLOAT"), "f", "2.0e2")));
        jedis.set("huge", "1e308");
        assertEquals("ERR increment would produce NaN or Infinity", assertThrows(JedisDataException.class,
                () -> jedis.sendCommand(() -> SafeEncoder.encode("INCRBYFLOAT"), "huge", "1e308")).getMessage());
        assertEquals("ERR value is not a valid float", assertThrows(JedisDataException.class,
                () -> jedis.sendCommand(() -> SafeEncoder.encode("INCRBYFLOAT"), "f", "abc")).getMessage());
        jedis.set("ttl", "1", SetParams.setParams().ex(100));
        jedis.incr("ttl");
        assertTrue(jedis.ttl("ttl") > 90, "INCR keeps the expiry");
    }

    @Test
    void stringsAppendMeasureAndSlice() {
        assertEquals(5, jedis.append("s", "Hello"));
        assertEquals(11, jedis.append("s", " World"));
        assertEquals(11, jedis.strlen("s"));
        assertEquals(0, jedis.strlen("nope"));
        assertEquals("Hello", jedis.getrange("s", 0, 4));
        assertEquals("World", jedis.getrange("s", -5, -1));
        assertEquals("Hello World", jedis.getrange("s", 0, 100));
        assertEquals("", jedis.getrange("s", 5, 3));
        assertEquals(11, jedis.setrange("s", 6, "Redis"));
        assertEquals("Hello Redis", jedis.get("s"));
        assertEquals(8, jedis.setrange("pad", 5, "abc"));
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 'a', 'b', 'c'}, jedis.get("pad".getBytes()));
        assertEquals("ERR offset is out of range",
                assertThrows(JedisDataException.class, () -> jedis.setrange("s", -1, "x")).getMessage());
        JedisDataException huge = assertThrows(JedisDataException.class, () -> jedis.setrange("s", 1L << 40, "x"));
        assertTrue(huge.getMessage().startsWith("ERR string exceeds maximum allowed size"), huge.getMessage());
    }

    @Test
    void manyKeysAtOnce() {
        assertEquals("OK", jedis.mset("a", "1", "b", "2", "{t}x", "3", "{t}y", "4"));
        assertEquals(List.of("1", "2"), jedis.mget("a", "b"));
        List<String> values = jedis.mget("a", "nope", "{t}y");
        assertEquals("1", values.get(0));
        assertNull(values.get(1));
        assertEquals("4", values.get(2));
        assertEquals(0, jedis.msetnx("{t}x", "9", "{t}z", "9"), "one key of the tag exists: nothing set");
        assertFalse(jedis.exists("{t}z"));
        assertEquals(1, jedis.msetnx("{t}z", "5", "{t}w", "6"));
        assertEquals(1, jedis.msetnx("c1", "1", "c2", "2", "c3", "3"), "across partitions");
        assertEquals(0, jedis.msetnx("c1", "x", "c4", "4"));
        assertFalse(jedis.exists("c4"));
        assertEquals(3, jedis.exists("a", "b", "a"));
        assertEquals(2, jedis.del("a", "b", "nope"));
        assertEquals(1, jedis.unlink("c1"));
        assertEquals(ScanExpect.keys("c2", "c3", "{t}w", "{t}x", "{t}y", "{t}z"), new TreeSet<>(jedis.keys("*")));
    }

    @Test
    void expiryFamily() {
        jedis.set("k", "v");
        assertEquals(-1, jedis.ttl("k"));
        assertEquals(-2, jedis.ttl("absent"));
        assertEquals(1, jedis.expire("k", 100));
        assertTrue(jedis.ttl("k") >= 99);
        assertEquals(0, jedis.expire("absent", 100));
        assertEquals(1, jedis.pexpire("k", 200_000));
        assertTrue(jedis.pttl("k") > 190_000);
        long at = System.currentTimeMillis() / 1000 + 500;
        assertEquals(1, jedis.expireAt("k", at));
        assertEquals(at, jedis.expireTime("k"));
        assertEquals(at * 1000, jedis.pexpireTime("k"));
        assertEquals(1, jedis.persist("k"));
        assertEquals(0, jedis.persist("k"));
        assertEquals(-1, jedis.expireTime("k"));
        assertEquals(1, jedis.expire("k", -1), "a time in the past deletes the key");
        assertFalse(jedis.exists("k"));
        jedis.set("g", "v");
        Object gt = jedis.sendCommand(() -> SafeEncoder.encode("EXPIRE"), "g", "100", "GT");
        assertEquals(0L, gt, "GT never applies to a key without expiry");
        assertEquals(1L, jedis.sendCommand(() -> SafeEncoder.encode("EXPIRE"), "g", "100", "NX"));
        assertEquals(0L, jedis.sendCommand(() -> SafeEncoder.encode("EXPIRE"), "g", "50", "GT"));
        assertEquals(1L, jedis.sendCommand(() -> SafeEncoder.encode("EXPIRE"), "g", "50", "LT"));
        assertTrue(jedis.ttl("g") <= 50);
        assertEquals(1L, jedis.sendCommand(() -> SafeEncoder.encode("EXPIRE"), "g", "80", "XX", "GT"));
        assertEquals(0L, jedis.sendCommand(() -> SafeEncoder.encode("EXPIRE"), "g", "90", "XX", "LT"));
        jedis.set("none", "v");
        assertEquals(0L, jedis.sendCommand(() -> SafeEncoder.encode("EXPIRE"), "none", "10", "XX", "LT"),
                "XX LT never applies to a key without expiry");
        assertEquals("ERR GT and LT options at the same time are not compatible", assertThrows(JedisDataException.class,
                () -> jedis.sendCommand(() -> SafeEncoder.encode("EXPIRE"), "g", "10", "GT", "LT")).getMessage());
        assertEquals("ERR NX and XX, GT or LT options at the same time are not compatible",
                assertThrows(JedisDataException.class,
                        () -> jedis.sendCommand(() -> SafeEncoder.encode("EXPIRE"), "g", "10", "NX", "GT")).getMessage());
    }

    @Test
    void anExpiredKeyIsNeverReturned() throws InterruptedException {
        jedis.set("short", "v", SetParams.setParams().px(50));
        long deadline = System.currentTimeMillis() + 5_000;
        while (jedis.exists("short") && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertNull(jedis.get("short"));
        assertEquals(-2, jedis.ttl("short"));
        assertFalse(jedis.keys("*").contains("short"));
        assertEquals(1, jedis.incr("short"), "an expired key counts as absent");
    }

    @Test
    void expiredKeysAreReclaimedByTheBackgroundSweep() throws InterruptedException {
        for (int i = 0; i < 20; i++) {
            jedis.set("gone:" + i, "v", SetParams.setParams().px(100));
        }
        jedis.set("stays", "v");
        assertEquals(21, jedis.dbSize(), "Bitcask counts expired keys until they are reclaimed");
        long deadline = System.currentTimeMillis() + 15_000;
        while (jedis.dbSize() > 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(1, jedis.dbSize(), "the sweep (every 1 s) deleted the expired keys");
        assertEquals("v", jedis.get("stays"));
    }

    @Test
    void renameAndCopy() {
        jedis.set("src", "v", SetParams.setParams().ex(1000));
        assertEquals("OK", jedis.rename("src", "dst"));
        assertFalse(jedis.exists("src"));
        assertEquals("v", jedis.get("dst"));
        assertTrue(jedis.ttl("dst") > 900, "the expiry moves with the key");
        assertEquals("ERR no such key", assertThrows(JedisDataException.class, () -> jedis.rename("src", "x")).getMessage());
        jedis.set("{r}a", "1");
        jedis.set("{r}b", "2");
        assertEquals(0, jedis.renamenx("{r}a", "{r}b"));
        assertEquals(1, jedis.renamenx("{r}a", "{r}c"));
        assertEquals("1", jedis.get("{r}c"));
        assertTrue(jedis.copy("dst", "copy", false));
        assertFalse(jedis.copy("dst", "copy", false), "COPY without REPLACE leaves an existing target");
        jedis.set("dst", "w");
        assertTrue(jedis.copy("dst", "copy", true));
        assertEquals("w", jedis.get("copy"));
        assertFalse(jedis.copy("missing", "copy2", false));
        assertEquals("ERR source and destination objects are the same",
                assertThrows(JedisDataException.class, () -> jedis.copy("copy", "copy", true)).getMessage());
        assertEquals("string", jedis.type("copy"));
        assertEquals("none", jedis.type("missing"));
    }

    @Test
    void keysScanAndRangeWalkKeysInOrder() {
        Set<String> all = new TreeSet<>();
        for (int i = 0; i < 250; i++) {
            String key = String.format("user:%03d", i);
            jedis.set(key, "v" + i);
            all.add(key);
        }
        jedis.set("other", "x");
        assertEquals(all, new TreeSet<>(jedis.keys("user:*")));
        assertEquals(Set.of("user:107", "user:117"), new HashSet<>(jedis.keys("user:1[01]7")));
        assertEquals(10, jedis.keys("user:0?7").size());
        assertEquals(251, jedis.dbSize());

        List<String> scanned = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        int calls = 0;
        do {
            ScanResult<String> page = jedis.scan(cursor, new ScanParams().match("user:*").count(40));
            scanned.addAll(page.getResult());
            cursor = page.getCursor();
            calls++;
        } while (!cursor.equals("0") && calls < 100);
        assertEquals(new ArrayList<>(all), scanned, "every key once, in order");

        Object range = jedis.sendCommand(() -> SafeEncoder.encode("RANGE"), "user:010", "user:013");
        @SuppressWarnings("unchecked")
        List<byte[]> pairs = (List<byte[]>) range;
        assertEquals(6, pairs.size());
        assertEquals("user:010", new String(pairs.get(0)));
        assertEquals("v10", new String(pairs.get(1)));
        assertEquals("user:012", new String(pairs.get(4)));
        @SuppressWarnings("unchecked")
        List<byte[]> limited = (List<byte[]>) jedis.sendCommand(() -> SafeEncoder.encode("RANGE"), "user:", "", "LIMIT", "2");
        assertEquals(4, limited.size());
        assertTrue(all.contains(jedis.randomKey()) || "other".equals(jedis.randomKey()));
        assertEquals("OK", jedis.flushDB());
        assertEquals(0, jedis.dbSize());
        assertNull(jedis.randomKey());
    }

    @Test
    void mementoCommands() {
        assertEquals(1L, memento("INC", "n"));
        assertEquals(6L, memento("INC", "n", "5"));
        assertEquals(5L, memento("DEC", "n"));
        assertEquals(2L, memento("DEC", "n", "3"));
        assertEquals("1.5", text(memento("INCF", "f", "1.5")));
        assertEquals("0.5", text(memento("DECF", "f")));
        assertEquals("2", text(memento("INCF", "f", "1.5")));
        assertEquals(5L, memento("APPEND", "s", "world"));
        assertEquals(11L, memento("PREPEND", "s", "hello "));
        assertEquals("hello world", jedis.get("s"));
        @SuppressWarnings("unchecked")
        List<Object> getp = (List<Object>) memento("GETP", "s");
        assertEquals("s", text(getp.get(0)));
        assertEquals("hello world", text(getp.get(1)));
        long created = (Long) getp.get(2);
        assertTrue(Math.abs(System.currentTimeMillis() - created) < 60_000, "created " + created);
        assertEquals(-1L, getp.get(3));
        assertNull(memento("GETP", "missing"));
        assertEquals("ERR value is not an integer or out of range",
                assertThrows(JedisDataException.class, () -> memento("INC", "s")).getMessage());
        assertEquals("OK", new String((byte[]) memento("FLUSH")));
        assertEquals(0, jedis.dbSize());
        assertEquals("ERR wrong number of arguments for 'inc' command",
                assertThrows(JedisDataException.class, () -> memento("INC", "a", "1", "2")).getMessage());
    }

    @Test
    void serverCommandsAnswerWhatClientsAsk() {
        assertEquals("PONG", jedis.ping());
        assertEquals("hi", jedis.echo("hi"));
        assertEquals("OK", jedis.select(0));
        assertEquals("ERR DB index is out of range",
                assertThrows(JedisDataException.class, () -> jedis.select(1)).getMessage());
        List<String> time = jedis.time();
        assertTrue(Math.abs(Long.parseLong(time.get(0)) - System.currentTimeMillis() / 1000) < 60);
        assertTrue(jedis.info().contains("redis_version:"));
        assertTrue(jedis.info("keyspace").startsWith("# Keyspace"));
        assertEquals("OK", jedis.clientSetname("tester"));
        assertEquals("tester", jedis.clientGetname());
        assertTrue(jedis.clientList().contains("name=tester"));
        assertEquals(Map.of("appendonly", "yes"), jedis.configGet("appendonly"));
        assertTrue(jedis.commandCount() > 60);
        JedisDataException unknown = assertThrows(JedisDataException.class,
                () -> jedis.sendCommand(() -> SafeEncoder.encode("NOSUCH"), "a"));
        assertEquals("ERR unknown command 'NOSUCH', with args beginning with: 'a' ", unknown.getMessage());
        assertEquals("ERR wrong number of arguments for 'get' command",
                assertThrows(JedisDataException.class, () -> jedis.sendCommand(() -> SafeEncoder.encode("GET"))).getMessage());
    }

    @Test
    void keysAndValuesAreBinarySafeAndLimited() {
        byte[] key = {0, 1, '\r', '\n', (byte) 0xFF};
        byte[] value = {'\r', '\n', 0, '$', '*', (byte) 0x80};
        assertEquals("OK", jedis.set(key, value));
        assertArrayEquals(value, jedis.get(key));
        byte[] longKey = new byte[5000];
        JedisDataException tooLong = assertThrows(JedisDataException.class, () -> jedis.set(longKey, value));
        assertEquals("ERR key is 5000 bytes; the limit is 4096 (corecache.limits.max-key-bytes)", tooLong.getMessage());
        assertEquals("PONG", jedis.ping(), "the connection goes on");
    }

    private static final class ScanExpect {
        static Set<String> keys(String... keys) {
            return new TreeSet<>(List.of(keys));
        }
    }
}
