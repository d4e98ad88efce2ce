package io.corecache.multijvm;

import io.corecache.cluster.Partitioner;

import java.nio.charset.StandardCharsets;

/** Keys chosen by the partition they fall in, with the node's own mapping ({@link Partitioner}). */
final class Keys {

    private Keys() {
    }

    static int partitionOf(String key, int partitions) {
        return new Partitioner(partitions).partitionOf(key.getBytes(StandardCharsets.UTF_8));
    }

    /** One key in every partition: element {@code p} is {@code PREFIX.p.i} for the first {@code i} that lands in p. */
    static String[] onePerPartition(String prefix, int partitions) {
        Partitioner partitioner = new Partitioner(partitions);
        String[] keys = new String[partitions];
        for (int p = 0; p < partitions; p++) {
            for (int i = 0; keys[p] == null; i++) {
                String key = prefix + "." + p + "." + i;
                if (partitioner.partitionOf(key.getBytes(StandardCharsets.UTF_8)) == p) {
                    keys[p] = key;
                }
            }
        }
        return keys;
    }
}
