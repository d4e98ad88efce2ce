package io.corecache.api.resp;

import io.corecache.api.http.HttpApi;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One node, both fronts: what is written through one is read through the other, expiry included. */
class RespHttpAgreementTest {

    @TempDir
    static Path dir;
    private static RespNode node;
    private static ServerBinding http;
    private static Jedis jedis;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        node = RespNode.start(dir);
        http = Http.get(node.node.system()).newServerAt("127.0.0.1", 0).bind(new HttpApi(node.node).route())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
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

    private static HttpResponse<String> send(String method, String key, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.localAddress().getPort()
                        + "/v1/kv/" + key))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void writesThroughRespAreReadThroughHttp() throws Exception {
        jedis.set("r1", "from resp", SetParams.setParams().ex(300));
        HttpResponse<String> got = send("GET", "r1", null);
        assertEquals(200, got.statusCode());
        assertEquals("from resp", got.body());
        long ttl = jedis.pttl("r1");
        Instant expires = Instant.now().plusMillis(ttl);
        String header = got.headers().firstValue("X-Expires-At").orElseThrow();
        assertTrue(Math.abs(Instant.parse(header).toEpochMilli() - expires.toEpochMilli()) < 5_000, header);
        assertEquals(1, jedis.incr("counter"));
        assertEquals("1", send("GET", "counter", null).body());
        jedis.del("r1");
        assertEquals(404, send("GET", "r1", null).statusCode());
    }

    @Test
    void writesThroughHttpAreReadThroughResp() throws Exception {
        assertEquals(201, send("PUT", "h1", "from http").statusCode());
        assertEquals("from http", jedis.get("h1"));
        assertEquals(204, send("DELETE", "h1", null).statusCode());
        assertNull(jedis.get("h1"));
        assertEquals(201, send("PUT", "h2?ttl=100", "soon gone").statusCode());
        long ttl = jedis.ttl("h2");
        assertTrue(ttl > 90 && ttl <= 100, "TTL " + ttl);
        assertEquals(200, send("PUT", "h2", "5").statusCode());
        assertEquals(6, jedis.incr("h2"));
    }
}
