package io.corecache.cluster;

import io.corecache.cluster.ReplicaProtocol.Batch;
import io.corecache.cluster.ReplicaProtocol.BatchApplied;
import io.corecache.cluster.ReplicaProtocol.BatchOp;
import io.corecache.cluster.ReplicaProtocol.Delete;
import io.corecache.cluster.ReplicaProtocol.Failed;
import io.corecache.cluster.ReplicaProtocol.Found;
import io.corecache.cluster.ReplicaProtocol.Get;
import io.corecache.cluster.ReplicaProtocol.Precondition;
import io.corecache.cluster.ReplicaProtocol.Put;
import io.corecache.cluster.ReplicaProtocol.Reply;
import io.corecache.cluster.ReplicaProtocol.Scan;
import io.corecache.cluster.ReplicaProtocol.ScanPage;
import io.corecache.cluster.ReplicaProtocol.StoredEntry;
import io.corecache.cluster.ReplicaProtocol.StoredValue;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every message that may cross nodes goes through Jackson CBOR and comes back equal, binary keys and
 * values included. (The route and node tests also run with serialize-messages on; this pins the format.)
 */
class ReplicaProtocolSerializationTest {

    private static CborWire wire;

    @BeforeAll
    static void start() {
        wire = CborWire.start();
    }

    @AfterAll
    static void stop() {
        wire.close();
    }

    private static <T> T roundTrip(T message) {
        return wire.roundTrip(message);
    }

    @Test
    void commandsRoundTripWithBinaryBytes() {
        TestProbe<Reply> probe = wire.testKit().createTestProbe();
        byte[] key = {0, (byte) 0xFF, 'k'};
        byte[] value = {1, 2, (byte) 0x80};

        Put put = roundTrip(new Put(key, value, 5000, Precondition.revision(7), probe.getRef()));
        assertArrayEquals(key, put.key());
        assertArrayEquals(value, put.value());
        assertEquals(5000, put.ttlMillis());
        assertEquals(Precondition.revision(7), put.precondition());
        assertEquals(probe.getRef(), put.replyTo());

        assertArrayEquals(key, roundTrip(new Get(key, probe.getRef())).key());
        assertEquals(Precondition.ABSENT, roundTrip(new Delete(key, Precondition.ABSENT, probe.getRef())).precondition());

        Batch batch = roundTrip(new Batch(List.of(new BatchOp(key, value, 0), new BatchOp(key, null, 0)), probe.getRef()));
        assertArrayEquals(value, batch.ops().get(0).value());
        assertTrue(batch.ops().get(1).isDelete());

        Scan scan = roundTrip(new Scan(key, null, 10, true, probe.getRef()));
        assertArrayEquals(key, scan.start());
        assertNull(scan.end());
        assertEquals(new ReplicaProtocol.Stop(), roundTrip(new ReplicaProtocol.Stop()));
    }

    @Test
    void repliesRoundTrip() {
        byte[] key = {(byte) 0xFE};
        StoredValue stored = new StoredValue(new byte[]{9}, 1, 2, 3, 4);
        Found found = roundTrip(new Found(stored));
        assertArrayEquals(new byte[]{9}, found.value().value());
        assertEquals(3, found.value().revision());

        ScanPage page = roundTrip(new ScanPage(List.of(new StoredEntry(key, stored)), true));
        assertArrayEquals(key, page.entries().get(0).key());
        assertTrue(page.more());

        assertEquals(new BatchApplied(List.of("created", "deleted"), 9),
                roundTrip(new BatchApplied(List.of("created", "deleted"), 9)));
        assertEquals(new Failed("overloaded", "m"), roundTrip(new Failed("overloaded", "m")));
        assertEquals(new ReplicaProtocol.Written(true, 5), roundTrip(new ReplicaProtocol.Written(true, 5)));
        assertEquals(new ReplicaProtocol.NotFound(), roundTrip(new ReplicaProtocol.NotFound()));
    }
}
