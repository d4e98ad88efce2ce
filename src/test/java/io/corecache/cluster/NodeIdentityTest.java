package io.corecache.cluster;

import io.corecache.cluster.ReplicaProtocol.Found;
import io.corecache.cluster.ReplicaProtocol.Get;
import io.corecache.cluster.ReplicaProtocol.Precondition;
import io.corecache.cluster.ReplicaProtocol.Put;
import io.corecache.cluster.ReplicaProtocol.Written;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node's identity (node.json) is created once with the data directory and never changes: the node id,
 * the partition count and the engine. A start that disagrees with it, or finds it damaged, is refused with a
 * message naming both values or the file, and changes nothing on disk.
 */
class NodeIdentityTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("node.json");
    }

    @Test
    void theIdentityIsCreatedOnceAndReadBackUnchanged() throws IOException {
        NodeIdentity created = NodeIdentity.openOrCreate(dir, 64, "bitcask");
        assertTrue(created.nodeId().matches("[a-z0-9][a-z0-9-]{0,62}"), created.nodeId());
        assertEquals(64, created.partitions());
        assertEquals("bitcask", created.engine());
        byte[] onDisk = Files.readAllBytes(file());

        for (int i = 0; i < 3; i++) {
            assertEquals(created, NodeIdentity.openOrCreate(dir, 64, "bitcask"));
        }
        assertArrayEquals(onDisk, Files.readAllBytes(file()), "opening does not rewrite node.json");
        assertFalse(Files.exists(dir.resolve("node.json.tmp")), "no temporary file is left behind");
    }

    @Test
    void twoDirectoriesGetDifferentNodeIds() {
        NodeIdentity a = NodeIdentity.openOrCreate(dir.resolve("a"), 8, "bitcask");
        NodeIdentity b = NodeIdentity.openOrCreate(dir.resolve("b"), 8, "bitcask");
        assertFalse(a.nodeId().equals(b.nodeId()));
    }

    @Test
    void anotherPartitionCountIsRefusedNamingBothAndNothingChanges() throws IOException {
        NodeIdentity.openOrCreate(dir, 64, "bitcask");
        byte[] before = Files.readAllBytes(file());
        NodeStartException refused = assertThrows(NodeStartException.class,
                () -> NodeIdentity.openOrCreate(dir, 128, "bitcask"));
        assertTrue(refused.getMessage().contains("64 partitions"), refused.getMessage());
        assertTrue(refused.getMessage().contains("corecache.partitions is 128"), refused.getMessage());
        assertTrue(refused.getMessage().contains(dir.toAbsolutePath().toString()), refused.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file()));
    }

    @Test
    void anotherEngineIsRefusedNamingBothAndNothingChanges() throws IOException {
        NodeIdentity.openOrCreate(dir, 64, "bitcask");
        byte[] before = Files.readAllBytes(file());
        NodeStartException refused = assertThrows(NodeStartException.class,
                () -> NodeIdentity.openOrCreate(dir, 64, "lsm"));
        assertTrue(refused.getMessage().contains("holds bitcask partitions"), refused.getMessage());
        assertTrue(refused.getMessage().contains("corecache.engine is lsm"), refused.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file()));
    }

    @Test
    void aCorruptNodeJsonIsRefusedNamingTheFile() throws IOException {
        for (String content : new String[] {"{not json", "", "null", "[]"}) {
            Files.writeString(file(), content);
            NodeStartException refused = assertThrows(NodeStartException.class,
                    () -> NodeIdentity.openOrCreate(dir, 64, "bitcask"), content);
            assertTrue(refused.getMessage().contains(file().toAbsolutePath().toString()), refused.getMessage());
            assertEquals(content, Files.readString(file()), "the damaged file is left for the operator");
        }
    }

    @Test
    void aNodeJsonWithBadValuesIsRefusedNamingTheFile() throws IOException {
        String[] damaged = {
                "{\"format\":1,\"nodeId\":\"Not An Id!\",\"partitions\":64,\"engine\":\"bitcask\",\"createdAt\":\"x\"}",
                "{\"format\":1,\"nodeId\":\"n1\",\"engine\":\"bitcask\",\"createdAt\":\"x\"}",
                "{\"format\":1,\"nodeId\":\"n1\",\"partitions\":64,\"createdAt\":\"x\"}",
                "{\"format\":2,\"nodeId\":\"n1\",\"partitions\":64,\"engine\":\"bitcask\",\"createdAt\":\"x\"}"};
        for (String content : damaged) {
            Files.writeString(file(), content);
            NodeStartException refused = assertThrows(NodeStartException.class,
                    () -> NodeIdentity.openOrCreate(dir, 64, "bitcask"), content);
            assertTrue(refused.getMessage().contains(file().toAbsolutePath().toString()), refused.getMessage());
        }
    }

    @Test
    void partitionDataWithoutNodeJsonIsRefusedRatherThanGivenANewIdentity() throws IOException {
        Files.createDirectories(dir.resolve("partitions").resolve("3"));
        Files.writeString(dir.resolve("partitions").resolve("3").resolve("000001.data"), "data");
        NodeStartException refused = assertThrows(NodeStartException.class,
                () -> NodeIdentity.openOrCreate(dir, 64, "bitcask"));
        assertTrue(refused.getMessage().contains("no node.json"), refused.getMessage());
        assertFalse(Files.exists(file()), "no identity was invented");
    }

    @Test
    void emptyPartitionDirectoriesOrStrayFilesAreNotData() throws IOException {
        Files.createDirectories(dir.resolve("partitions").resolve("0"));
        Files.writeString(dir.resolve("partitions").resolve("1"), "a file, not a partition directory");
        assertEquals(8, NodeIdentity.openOrCreate(dir, 8, "bitcask").partitions());
    }

    /** The same, through a real node start: identity kept across restarts, a mismatch refused, data intact. */
    @Test
    void aNodeKeepsItsIdentityAndRefusesAnotherPartitionCountWithoutTouchingItsData() throws IOException {
        byte[] key = "kept".getBytes(StandardCharsets.UTF_8);
        CoreCacheNode node = TestNodes.start(dir, Map.of("corecache.partitions", 8));
        String nodeId;
        try {
            nodeId = node.identity().nodeId();
            assertInstanceOf(Written.class, node.router().ask(key, replyTo -> new Put(key,
                    "value".getBytes(StandardCharsets.UTF_8), 0, Precondition.NONE, replyTo)).toCompletableFuture().join());
        } finally {
            TestNodes.stop(node);
        }
        byte[] identity = Files.readAllBytes(file());

        NodeStartException refused = assertThrows(NodeStartException.class,
                () -> TestNodes.start(dir, Map.of("corecache.partitions", 16)));
        assertTrue(refused.getMessage().contains("8 partitions") && refused.getMessage().contains("is 16"),
                refused.getMessage());
        assertArrayEquals(identity, Files.readAllBytes(file()));

        CoreCacheNode again = TestNodes.start(dir, Map.of("corecache.partitions", 8));
        try {
            assertEquals(nodeId, again.identity().nodeId(), "the identity is stable across restarts");
            Found found = (Found) again.router().ask(key, replyTo -> new Get(key, replyTo)).toCompletableFuture().join();
            assertArrayEquals("value".getBytes(StandardCharsets.UTF_8), found.value().value());
        } finally {
            TestNodes.stop(again);
        }
    }

    @Test
    void aNodeRefusesToStartOnACorruptNodeJsonNamingTheFile() throws IOException {
        Files.createDirectories(dir);
        Files.writeString(file(), "{\"format\":1,");
        NodeStartException refused = assertThrows(NodeStartException.class, () -> TestNodes.start(dir));
        assertTrue(refused.getMessage().contains(file().toAbsolutePath().toString()), refused.getMessage());
    }
}
