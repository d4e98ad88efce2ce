package io.corecache.cluster;

/**
 * Marks every message that may cross nodes. The binding to Jackson CBOR is in {@code reference.conf}; tests
 * run with {@code pekko.actor.serialize-messages = on}, so a message that cannot round-trip fails at once.
 */
public interface CborSerializable {
}
