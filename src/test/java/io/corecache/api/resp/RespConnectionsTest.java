package io.corecache.api.resp;

import io.corecache.api.resp.RespWireTest.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The endpoint's connections: many at once, the connection limit, the idle timeout, a client that does not
 * read its replies, and what CLIENT and INFO say about them. Each test starts its own node, since each
 * needs other settings or counts the node's connections.
 */
class RespConnectionsTest {

    @TempDir
    Path dataDir;

    @Test
    void aThousandConcurrentConnectionsEachSetAndGetTheirOwnKey() throws Exception {
        int n = 1000;
        try (RespNode node = RespNode.start(dataDir)) {
            List<RawClient> clients = new ArrayList<>(n);
            try {
                for (int i = 0; i < n; i++) {
                    clients.add(RawClient.connect(node.port()));
                }
                // Every connection has sent its commands before any reply is read: all are open and busy at once.
                for (int i = 0; i < n; i++) {
                    clients.get(i).send("SET conn:" + i + " value-" + i + "\r\nGET conn:" + i + "\r\n");
                }
                for (int i = 0; i < n; i++) {
                    assertEquals("+OK", clients.get(i).read(), "SET on connection " + i);
                    assertEquals("value-" + i, clients.get(i).read(), "GET on connection " + i);
                }
                try (RawClient observer = RawClient.connect(node.port())) {
                    assertEquals(n + 1, connectedClients(observer));
                }
            } finally {
                for (RawClient client : clients) {
                    client.close();
                }
            }
            try (RawClient observer = RawClient.connect(node.port())) {
                waitFor(() -> connectedClients(observer) == 1, "the closed connections to be forgotten");
                assertEquals("value-" + (n - 1), observer.call("GET", "conn:" + (n - 1)));
            }
        }
    }

    @Test
    void connectionsBeyondMaxConnectionsAreRefusedAndClosed() throws Exception {
        try (RespNode node = RespNode.start(dataDir, Map.of("corecache.resp.max-connections", 5))) {
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    RawClient client = RawClient.connect(node.port());
                    clients.add(client);
                    assertEquals("+PONG", client.call("PING"), "connection " + (i + 1) + " of 5");
                }
                try (RawClient sixth = RawClient.connect(node.port())) {
                    assertEquals("-ERR max number of clients reached", sixth.read());
                    sixth.assertClosed();
                }
                // The five are unaffected.
                for (RawClient client : clients) {
                    assertEquals("+PONG", client.call("PING"));
                }
                RawClient first = clients.get(0);
                String info = (String) first.call("INFO", "stats");
                assertTrue(info.contains("rejected_connections:1\r\n"), info);

                // Once one leaves, a new one gets its place.
                clients.remove(0).close();
                waitFor(() -> {
                    try (RawClient again = RawClient.connect(node.port())) {
                        return "+PONG".equals(again.call("PING"));
                    } catch (IOException e) {
                        return false; // refused and closed while the old one was still counted
                    }
                }, "a free place after a connection closed");
            } finally {
                for (RawClient client : clients) {
                    client.close();
                }
            }
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeoutAndABusyOneIsNot() throws Exception {
        try (RespNode node = RespNode.start(dataDir, Map.of("corecache.resp.idle-timeout", "1s"))) {
            try (RawClient idle = RawClient.connect(node.port(), 10_000);
                 RawClient busy = RawClient.connect(node.port())) {
                assertEquals("+PONG", idle.call("PING"));
                long idleSince = System.nanoTime();
                // The busy one talks every 250 ms for 2 s, twice the timeout.
                for (int i = 0; i < 8; i++) {
                    Thread.sleep(250); // the pace of the client is what is tested, not a wait for a condition
                    assertEquals("+PONG", busy.call("PING"), "the busy connection at " + (i + 1) * 250 + " ms");
                }
                assertTrue(idle.closedWithin(8_000), "the idle connection was not closed");
                long idleMillis = (System.nanoTime() - idleSince) / 1_000_000;
                assertTrue(idleMillis >= 900, "closed after " + idleMillis + " ms, before the 1 s timeout");
            }
        }
    }

    @Test
    void aClientThatDoesNotReadItsRepliesDoesNotHoldUpAnother() throws Exception {
        int valueBytes = 100 * 1024;
        int gets = 1000; // 100 MiB of replies if nothing pushed back
        try (RespNode node = RespNode.start(dataDir)) {
            String value = "v".repeat(valueBytes - 8) + "12345678";
            try (RawClient setup = RawClient.connect(node.port())) {
                assertEquals("+OK", setup.call("SET", "slow:big", value));
            }
            try (RawClient slow = RawClient.connect(node.port());
                 RawClient other = RawClient.connect(node.port(), 2_000)) {
                slow.socket.setReceiveBufferSize(16 * 1024);
                ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
                for (int i = 0; i < gets; i++) {
                    pipeline.writeBytes(RawClient.multibulk("GET", "slow:big"));
                }
                CompletableFuture<Void> written = slow.sendInBackground(pipeline.toByteArray());
                // Give the slow client's replies time to fill every buffer between it and the node: wait until
                // its requests are in (the node has read them) or its writer is blocked.
                waitFor(() -> written.isDone() || commandsProcessed(other) > 100, "the slow client's GETs to start");

                for (int i = 0; i < 50; i++) {
                    long start = System.nanoTime();
                    assertEquals("+OK", other.call("SET", "slow:other:" + i, "x" + i));
                    assertEquals("x" + i, other.call("GET", "slow:other:" + i));
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    assertTrue(millis < 1_000, "round " + i + " took " + millis + " ms beside the slow reader");
                }

                // The slow client's replies are all still there, in order, once it reads.
                for (int i = 0; i < 3; i++) {
                    assertEquals(value, slow.read(), "reply " + i + " to the slow client");
                }
            }
            try (RawClient after = RawClient.connect(node.port())) {
                assertEquals("+PONG", after.call("PING"));
            }
        }
    }

    @Test
    void clientSetnameGetnameIdAndList() throws Exception {
        try (RespNode node = RespNode.start(dataDir);
             RawClient a = RawClient.connect(node.port());
             RawClient b = RawClient.connect(node.port())) {
            assertNull(a.call("CLIENT", "GETNAME"));
            assertEquals("+OK", a.call("CLIENT", "SETNAME", "conn-a"));
            assertEquals("conn-a", a.call("CLIENT", "GETNAME"));
            assertEquals("+OK", b.call("client", "setname", "conn-b"));
            assertEquals("conn-b", b.call("CLIENT", "GETNAME"));
            assertEquals("conn-a", a.call("CLIENT", "GETNAME"), "names are per connection");
            String spaced = (String) a.call("CLIENT", "SETNAME", "has space");
            assertTrue(spaced.startsWith("-ERR Client names cannot contain spaces"), spaced);
            assertEquals("conn-a", a.call("CLIENT", "GETNAME"));

            long idA = integer(a.call("CLIENT", "ID"));
            long idB = integer(b.call("CLIENT", "ID"));
            assertNotEquals(idA, idB);
            assertEquals(idA, integer(a.call("CLIENT", "ID")), "a connection's id does not change");

            String list = (String) a.call("CLIENT", "LIST");
            assertEquals(2, list.lines().count(), list);
            String lineA = lineWith(list, "id=" + idA + " ");
            assertTrue(lineA.contains(" name=conn-a "), lineA);
            assertTrue(lineA.contains("addr=127.0.0.1:" + a.socket.getLocalPort() + " "), lineA);
            assertTrue(lineA.contains(" cmd=client"), lineA);
            String lineB = lineWith(list, "id=" + idB + " ");
            assertTrue(lineB.contains(" name=conn-b "), lineB);

            b.close();
            waitFor(() -> !((String) a.call("CLIENT", "LIST")).contains("id=" + idB + " "),
                    "the closed connection to leave CLIENT LIST");
            try (RawClient c = RawClient.connect(node.port())) {
                assertTrue(integer(c.call("CLIENT", "ID")) > idB, "ids are not reused");
            }
        }
    }

    @Test
    void infoClientsCountsConnectedClients() throws Exception {
        try (RespNode node = RespNode.start(dataDir);
             RawClient observer = RawClient.connect(node.port())) {
            assertEquals(1, connectedClients(observer));
            List<RawClient> more = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    RawClient client = RawClient.connect(node.port());
                    more.add(client);
                    assertEquals("+PONG", client.call("PING"));
                }
                assertEquals(5, connectedClients(observer));
                String clients = (String) observer.call("INFO", "clients");
                assertTrue(clients.startsWith("# Clients\r\n"), clients);
                assertFalse(clients.contains("# Server"), "only the section asked for: " + clients);
            } finally {
                for (RawClient client : more) {
                    client.close();
                }
            }
            waitFor(() -> connectedClients(observer) == 1, "connected_clients to fall back to 1");
            // A connection refused by a protocol error leaves the count too.
            try (RawClient bad = RawClient.connect(node.port())) {
                bad.send("*x\r\n");
                assertTrue(((String) bad.read()).startsWith("-ERR Protocol error"));
                bad.assertClosed();
            }
            waitFor(() -> connectedClients(observer) == 1, "connected_clients after a protocol error");
        }
    }

    // ---- helpers

    private static int connectedClients(RawClient client) throws IOException {
        return Integer.parseInt(infoField((String) client.call("INFO", "clients"), "connected_clients"));
    }

    private static long commandsProcessed(RawClient client) throws IOException {
        return Long.parseLong(infoField((String) client.call("INFO", "stats"), "total_commands_processed"));
    }

    private static String infoField(String info, String field) {
        Matcher m = Pattern.compile("(?m)^" + field + ":(\\S+)\r?$").matcher(info);
        if (!m.find()) {
            fail("no " + field + " in INFO: " + info);
        }
        return m.group(1);
    }

    private static long integer(Object reply) {
        String text = assertInstanceOf(String.class, reply);
        assertTrue(text.startsWith(":"), "not an integer reply: " + text);
        return Long.parseLong(text.substring(1));
    }

    private static String lineWith(String list, String part) {
        return list.lines().filter(line -> line.contains(part)).findFirst()
                .orElseGet(() -> fail("no line with " + part + " in CLIENT LIST: " + list));
    }

    interface Check {
        boolean holds() throws Exception;
    }

    /** Polls {@code condition} for up to 10 s. */
    private static void waitFor(Check condition, String what) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
