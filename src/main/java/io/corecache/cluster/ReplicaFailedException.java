package io.corecache.cluster;

import io.corecache.cluster.ReplicaProtocol.Failed;

/**
 * A replica answered {@link Failed} to a request made on the caller's behalf (a page of a scan): carries
 * the reply, so the front can answer by its code (a bad argument is the client's mistake, not a 503).
 */
public final class ReplicaFailedException extends RuntimeException {

    private final Failed failed;

    public ReplicaFailedException(int partition, Failed failed) {
        super("partition " + partition + ": " + failed.message(), null, false, false);
        this.failed = failed;
    }

    public Failed failed() {
        return failed;
    }
}
