package io.corecache.cluster;

/**
 * A request that a partition cannot serve now, for a reason that may pass: it is {@code overloaded} (too
 * many requests in flight), did not answer in time ({@code timeout}; a write's outcome is then unknown), or
 * is {@code partition_unavailable}. The HTTP front answers 503 with Retry-After.
 */
public final class PartitionUnavailableException extends RuntimeException {

    private final String code;
    private final int partition;

    public PartitionUnavailableException(String code, int partition, String message) {
        super(message, null, false, false);
        this.code = code;
        this.partition = partition;
    }

    public String code() {
        return code;
    }

    public int partition() {
        return partition;
    }
}
