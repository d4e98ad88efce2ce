package io.corecache.cluster;

import io.corecache.cluster.ReplicaProtocol.Found;
import io.corecache.cluster.ReplicaProtocol.NotFound;
import io.corecache.cluster.ReplicaProtocol.Reply;
import io.corecache.engine.StorageEngine;
import io.corecache.engine.Versioned;

/**
 * Lets a front read a key of a partition running on this node straight from its engine, without a
 * message to the replica: the engine's readers are thread-safe and never wait for its writer.
 *
 * <p>Implementation notes: what must hold is that no read returns a write that is not yet durable (in
 * {@code sync} mode). The replica raises {@code unsynced} before it applies a write and lowers it only once
 * an fsync covered every applied write. A direct read checks the flag before and after reading the engine:
 * if a write it saw was not durable, that write was applied after the flag rose, so the second check sees
 * the flag still up (it comes down only after that write's fsync) and the read goes to the replica instead,
 * which answers after the fsync. In {@code interval} and {@code none} modes the flag never rises.
 */
final class DirectReads {

    private final StorageEngine engine;
    private volatile boolean unsynced;

    DirectReads(StorageEngine engine) {
        this.engine = engine;
    }

    /** Called by the replica before it applies a write whose reply waits for an fsync. */
    void writePending() {
        unsynced = true;
    }

    /** Called by the replica when every write it applied is durable. */
    void allDurable() {
        unsynced = false;
    }

    /** The answer to a Get, or null when only the replica can give it (a write awaits its fsync; an error). */
    Reply get(byte[] key) {
        if (unsynced) {
            return null;
        }
        Versioned version;
        try {
            version = engine.get(key);
        } catch (RuntimeException e) {
            return null; // the replica reports it (a corrupt record, a closed engine) with the right code
        }
        if (unsynced) {
            return null;
        }
        return version == null ? new NotFound() : new Found(PartitionReplica.stored(version));
    }
}
