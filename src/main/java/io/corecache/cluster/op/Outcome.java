package io.corecache.cluster.op;

import io.corecache.cluster.ReplicaProtocol.Applied;

/**
 * What applying an operation decided: leave the key, store a new version, or delete it; and what to
 * answer. {@code value} and {@code expiresAt} matter only for a store.
 */
public record Outcome(Change change, byte[] value, long expiresAt, Applied reply) {

    public enum Change { NONE, STORE, DELETE }

    public static Outcome unchanged(Applied reply) {
        return new Outcome(Change.NONE, null, 0, reply);
    }

    public static Outcome store(byte[] value, long expiresAt, Applied reply) {
        return new Outcome(Change.STORE, value, expiresAt, reply);
    }

    public static Outcome delete(Applied reply) {
        return new Outcome(Change.DELETE, null, 0, reply);
    }
}
