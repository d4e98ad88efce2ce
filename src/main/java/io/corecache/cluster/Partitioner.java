package io.corecache.cluster;

import java.util.zip.CRC32C;

/**
 * Maps a key to its partition: CRC-32C of the key, unsigned, modulo the partition count. CRC-32C is fixed
 * by a standard, so the mapping never changes between versions, JVMs or machines.
 *
 * <p>As in Redis Cluster, a key holding a non-empty hash tag {@code {...}} (the first '{' and the first '}'
 * after it) is hashed by the tag alone, so {@code {user:7}:name} and {@code {user:7}:mail} share a partition
 * and can be written in one atomic batch.
 */
public final class Partitioner {

    private final int partitions;

    public Partitioner(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partition count must be at least 1, got " + partitions);
        }
        this.partitions = partitions;
    }

    public int partitions() {
        return partitions;
    }

    public int partitionOf(byte[] key) {
        int from = 0;
        int to = key.length;
        int open = indexOf(key, (byte) '{', 0);
        if (open >= 0) {
            int close = indexOf(key, (byte) '}', open + 1);
            if (close > open + 1) {
                from = open + 1;
                to = close;
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(key, from, to - from);
        return (int) (crc.getValue() % partitions);
    }

    private static int indexOf(byte[] key, byte wanted, int from) {
        for (int i = from; i < key.length; i++) {
            if (key[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
