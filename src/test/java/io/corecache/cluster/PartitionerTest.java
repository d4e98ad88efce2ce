package io.corecache.cluster;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A key's partition is CRC-32C (unsigned) of the key, or of its hash tag, modulo P. It is recorded nowhere:
 * every node and every version must compute the same, or keys written before an upgrade are looked for in
 * the wrong partition. So the expected values here are pinned, computed by an independent CRC-32C (a
 * bitwise implementation of the Castagnoli polynomial 0x82F63B78), not by the code under test.
 */
class PartitionerTest {

    private static final Partitioner P64 = new Partitioner(64);

    private static byte[] b(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theHashIsCrc32cWhoseStandardCheckValueFixesThePartitions() {
        // CRC-32C("123456789") = 0xE3069283, the standard's check value; its high bit is set, so the unsigned
        // value counts: 3808858755 mod 10 = 5 (a signed int would give -1).
        assertEquals(0xE3069283L % 64, P64.partitionOf(b("123456789")));
        assertEquals(3, P64.partitionOf(b("123456789")));
        assertEquals(5, new Partitioner(10).partitionOf(b("123456789")));
        assertEquals(2, new Partitioner(7).partitionOf(b("123456789")));
        assertEquals(643, new Partitioner(4096).partitionOf(b("123456789")));
    }

    @Test
    void knownKeysKeepTheirPartitionsForP64() {
        assertEquals(48, P64.partitionOf(b("a")));
        assertEquals(12, P64.partitionOf(b("hello")));
        assertEquals(18, P64.partitionOf(b("corecache")));
        assertEquals(18, P64.partitionOf(b("key-0")));
        assertEquals(17, P64.partitionOf(b("key-1")));
        assertEquals(0, P64.partitionOf(b("user:7")));
        assertEquals(10, P64.partitionOf(b("\u00e9t\u00e9")));
        assertEquals(17, P64.partitionOf(new byte[] {0}));
        assertEquals(0, P64.partitionOf(new byte[] {(byte) 0xFF}));
    }

    @Test
    void aHashTagIsHashedAloneSoTaggedKeysShareAPartition() {
        int tag = P64.partitionOf(b("user:7"));
        for (String key : new String[] {"{user:7}:name", "{user:7}:mail", "prefix{user:7}", "a{user:7}b{other}",
                "{user:7}}", "x{user:7}{y}"}) {
            assertEquals(tag, P64.partitionOf(b(key)), key);
        }
        assertEquals(5, new Partitioner(10).partitionOf(b("{123456789}anything")));
    }

    @Test
    void anEmptyTagOrAnUnclosedBraceHashesTheWholeKey() {
        for (String key : new String[] {"{}user:7", "user:7{", "{user:7", "}user:7{", "a{}b{c}"}) {
            assertEquals(wholeKey(key), P64.partitionOf(b(key)), key);
        }
    }

    @Test
    void theTagRunsFromTheFirstOpenBraceToTheFirstCloseBraceAfterIt() {
        // "{{a}}": the first '{' is at 0, the first '}' after it at 3, so the tag is "{a".
        assertEquals(P64.partitionOf(b("{a")), P64.partitionOf(b("{{a}}")));
        // "a}b{c}": a '}' before the first '{' does not count; the tag is "c".
        assertEquals(P64.partitionOf(b("c")), P64.partitionOf(b("a}b{c}")));
        // "{}{x}": the first tag is empty, so the whole key is hashed, not "x".
        assertEquals(wholeKey("{}{x}"), P64.partitionOf(b("{}{x}")));
    }

    @Test
    void tagsWorkInBinaryKeys() {
        byte[] tagged = {0, (byte) 0xFF, '{', 1, 2, (byte) 0x80, '}', 0, 0};
        assertEquals(P64.partitionOf(new byte[] {1, 2, (byte) 0x80}), P64.partitionOf(tagged));
        // Multi-byte UTF-8 never contains 0x7B or 0x7D, so a tag in a UTF-8 key is found by bytes exactly.
        assertEquals(P64.partitionOf(b("\u00e9t\u00e9")), P64.partitionOf(b("\u00fc{\u00e9t\u00e9}\u00fc")));
    }

    @Test
    void keysSpreadEvenlyOverThePartitions() {
        int partitions = 64;
        int keys = 64_000;
        int[] counts = new int[partitions];
        for (int i = 0; i < keys; i++) {
            counts[new Partitioner(partitions).partitionOf(b("user:" + i))]++;
        }
        double expected = (double) keys / partitions;
        double chiSquare = 0;
        for (int count : counts) {
            assertTrue(Math.abs(count - expected) < expected * 0.15, "partition count " + count + " vs " + expected);
            chiSquare += (count - expected) * (count - expected) / expected;
        }
        // 63 degrees of freedom: the 0.999 quantile is about 103.4.
        assertTrue(chiSquare < 103.4, "chi-square " + chiSquare);
    }

    @Test
    void everyPartitionIsInRangeForOddCounts() {
        for (int partitions : new int[] {1, 3, 7, 100, 4096}) {
            Partitioner partitioner = new Partitioner(partitions);
            for (int i = 0; i < 2000; i++) {
                int p = partitioner.partitionOf(b("k" + i));
                assertTrue(p >= 0 && p < partitions, p + " of " + partitions);
            }
        }
    }

    @Test
    void aPartitionCountBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Partitioner(0));
        assertThrows(IllegalArgumentException.class, () -> new Partitioner(-64));
    }

    private static int wholeKey(String key) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b(key));
        return (int) (crc.getValue() % 64);
    }
}
