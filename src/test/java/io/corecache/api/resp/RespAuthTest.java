package io.corecache.api.resp;

import io.corecache.api.resp.RespWireTest.RawClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AUTH and HELLO, with {@code corecache.resp.password} set and without it, over raw sockets and through Jedis. */
class RespAuthTest {

    private static final String PASSWORD = "s3cret pass";
    private static final String NOAUTH = "-NOAUTH Authentication required.";
    private static final String WRONGPASS = "-WRONGPASS invalid username-password pair or user is disabled.";

    @TempDir
    static Path passwordDataDir;
    @TempDir
    Path dataDir;
    /** Shared by the tests with a password; each uses keys of its own. */
    private static RespNode passwordNode;

    @BeforeAll
    static void startNodeWithPassword() {
        passwordNode = RespNode.start(passwordDataDir, Map.of("corecache.resp.password", PASSWORD));
    }

    @AfterAll
    static void stopNodeWithPassword() {
        if (passwordNode != null) {
            passwordNode.close();
        }
    }

    @Test
    void commandsBeforeAuthAreRefusedAndChangeNothing() throws IOException {
        try (RawClient c = RawClient.connect(passwordNode.port())) {
            assertEquals("+OK", c.call("AUTH", PASSWORD));
            assertEquals("+OK", c.call("SET", "auth:before:k", "original"));
        }
        try (RawClient c = RawClient.connect(passwordNode.port())) {
            assertEquals(NOAUTH, c.call("GET", "auth:before:k"));
            assertEquals(NOAUTH, c.call("SET", "auth:before:k", "changed"));
            assertEquals(NOAUTH, c.call("DEL", "auth:before:k"));
            assertEquals(NOAUTH, c.call("FLUSHALL"));
            assertEquals(NOAUTH, c.call("PING"));
            assertEquals(NOAUTH, c.call("CLIENT", "LIST"));
            c.send("INC auth:before:n 5\r\n");
            assertEquals(NOAUTH, c.read(), "inline too");
            // An unknown command is answered as such, as Redis does, and runs nothing.
            assertTrue(((String) c.call("NOSUCH")).startsWith("-ERR unknown command 'NOSUCH'"));

            assertEquals("+OK", c.call("AUTH", PASSWORD));
            assertEquals("original", c.call("GET", "auth:before:k"), "nothing sent before AUTH changed the data");
            assertNull(c.call("GET", "auth:before:n"));
            assertEquals("+PONG", c.call("PING"));
        }
    }

    @Test
    void aWrongPasswordIsRefusedAndTheConnectionStaysUnauthenticated() throws IOException {
        try (RawClient c = RawClient.connect(passwordNode.port())) {
            assertEquals(WRONGPASS, c.call("AUTH", "guess"));
            assertEquals(WRONGPASS, c.call("AUTH", PASSWORD + "x"));
            assertEquals(WRONGPASS, c.call("AUTH", ""));
            assertEquals(WRONGPASS, c.call("AUTH", "someone", PASSWORD), "only the default user exists");
            assertEquals("-ERR wrong number of arguments for 'auth' command", c.call("AUTH"));
            assertEquals(NOAUTH, c.call("GET", "auth:wrong:k"));

            assertEquals("+OK", c.call("AUTH", "default", PASSWORD));
            assertEquals("+OK", c.call("SET", "auth:wrong:k", "v"));
            assertEquals("v", c.call("GET", "auth:wrong:k"));
            // A later wrong AUTH is refused; the connection stays authenticated, as in Redis.
            assertEquals(WRONGPASS, c.call("AUTH", "guess"));
            assertEquals("v", c.call("GET", "auth:wrong:k"));
        }
    }

    @Test
    void authenticationIsPerConnection() throws IOException {
        try (RawClient a = RawClient.connect(passwordNode.port());
             RawClient b = RawClient.connect(passwordNode.port())) {
            assertEquals("+OK", a.call("AUTH", PASSWORD));
            assertEquals("+PONG", a.call("PING"));
            assertEquals(NOAUTH, b.call("PING"));
        }
    }

    @Test
    void helloTwoWithAuthAuthenticatesAndHelloThreeIsRefused() throws IOException {
        try (RawClient c = RawClient.connect(passwordNode.port())) {
            String noauth = (String) c.call("HELLO", "2");
            assertTrue(noauth.startsWith("-NOAUTH "), noauth);
            assertEquals(WRONGPASS, c.call("HELLO", "2", "AUTH", "default", "guess"));
            assertEquals(NOAUTH, c.call("GET", "auth:hello:k"));

            List<?> hello = assertInstanceOf(List.class, c.call("HELLO", "2", "AUTH", "default", PASSWORD,
                    "SETNAME", "hello-client"));
            Map<Object, Object> fields = pairs(hello);
            assertEquals(":2", fields.get("proto"));
            assertEquals("redis", fields.get("server"));
            assertEquals(c.call("CLIENT", "ID"), fields.get("id"));
            assertEquals("hello-client", c.call("CLIENT", "GETNAME"));
            assertEquals("+OK", c.call("SET", "auth:hello:k", "v"));
            assertEquals("v", c.call("GET", "auth:hello:k"));
            assertTrue(((String) c.call("HELLO", "3")).startsWith("-NOPROTO "));
        }
        try (RawClient c = RawClient.connect(passwordNode.port())) {
            String noproto = (String) c.call("HELLO", "3", "AUTH", "default", PASSWORD);
            assertTrue(noproto.startsWith("-NOPROTO "), noproto);
            assertEquals(NOAUTH, c.call("GET", "auth:hello:k"), "a refused HELLO 3 does not authenticate");
            String notInteger = (String) c.call("HELLO", "two");
            assertTrue(notInteger.startsWith("-ERR Protocol version is not an integer"), notInteger);
        }
    }

    @Test
    void withoutAPasswordOneArgumentAuthIsAnErrorAndEverythingIsAllowed() throws IOException {
        try (RespNode node = RespNode.start(dataDir); RawClient c = RawClient.connect(node.port())) {
            assertEquals("+PONG", c.call("PING"));
            String auth = (String) c.call("AUTH", "anything");
            assertTrue(auth.startsWith("-ERR AUTH <password> called without any password configured"), auth);
            // The default user needs no password (Redis's nopass): clients configured with user and password connect.
            assertEquals("+OK", c.call("AUTH", "default", "anything"));
            assertTrue(((String) c.call("AUTH", "someone", "anything")).startsWith("-WRONGPASS "));
            assertEquals(":2", pairs(assertInstanceOf(List.class, c.call("HELLO", "2", "AUTH", "default", "x"))).get("proto"));
            assertEquals("+OK", c.call("SET", "auth:k", "v"));
            assertEquals(":2", pairs(assertInstanceOf(List.class, c.call("HELLO", "2"))).get("proto"));
            assertTrue(((String) c.call("HELLO", "3")).startsWith("-NOPROTO "));
            assertEquals("v", c.call("GET", "auth:k"));
        }
    }

    @Test
    void jedisWithThePasswordWorksAndWithoutItIsRefused() {
        HostAndPort address = new HostAndPort("127.0.0.1", passwordNode.port());
        try (Jedis jedis = new Jedis(address, DefaultJedisClientConfig.builder().password(PASSWORD)
                .clientName("jedis-auth").socketTimeoutMillis(5_000).build())) {
            assertEquals("OK", jedis.set("auth:jedis", "v"));
            assertEquals("v", jedis.get("auth:jedis"));
            assertEquals(3, jedis.incrBy("auth:count", 3));
            assertEquals("jedis-auth", jedis.clientGetname());
        }
        try (Jedis jedis = new Jedis(address, DefaultJedisClientConfig.builder().socketTimeoutMillis(5_000).build())) {
            JedisDataException refused = assertThrows(JedisDataException.class, () -> jedis.get("auth:jedis"));
            assertTrue(refused.getMessage().startsWith("NOAUTH"), refused.getMessage());
            assertEquals("OK", jedis.auth(PASSWORD));
            assertEquals("v", jedis.get("auth:jedis"));
        }
        assertThrows(JedisDataException.class, () -> {
            try (Jedis jedis = new Jedis(address, DefaultJedisClientConfig.builder().password("guess")
                    .socketTimeoutMillis(5_000).build())) {
                jedis.get("auth:jedis");
            }
        });
    }

    private static Map<Object, Object> pairs(List<?> flat) {
        Map<Object, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            map.put(flat.get(i), flat.get(i + 1));
        }
        return map;
    }
}
