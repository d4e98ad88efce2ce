package io.corecache.api.resp;

import io.corecache.cluster.PartitionUnavailableException;
import io.corecache.cluster.ReplicaFailedException;
import io.corecache.cluster.ReplicaProtocol.Failed;
import io.corecache.cluster.op.OperationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;

/**
 * Turns what went wrong into the error a Redis client expects. A partition that cannot serve now
 * (overloaded, timed out, unavailable) answers {@code -TRYAGAIN}, which clients may retry; the client's
 * mistakes answer {@code -ERR} in Redis's words, naming the setting when a limit was hit.
 */
final class ErrorReplies {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorReplies.class);

    private ErrorReplies() {
    }

    static RespValue toReply(Throwable failure, String command) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof CommandError error) {
            return new RespValue.Error(error.reply());
        }
        if (cause instanceof PartitionUnavailableException unavailable) {
            return new RespValue.Error("TRYAGAIN " + unavailable.getMessage());
        }
        if (cause instanceof ReplicaFailedException replicaFailed) {
            return new RespValue.Error(text(replicaFailed.failed(), command));
        }
        LOG.warn("'{}' failed unexpectedly", command, cause);
        return RespValue.err("internal error: " + cause);
    }

    static CommandError fromFailed(Failed failed, String command) {
        return new CommandError(text(failed, command));
    }

    private static String text(Failed failed, String command) {
        return switch (failed.code()) {
            case OperationException.NOT_INTEGER -> "ERR value is not an integer or out of range";
            case OperationException.NOT_FLOAT -> "ERR value is not a valid float";
            case OperationException.BAD_EXPIRY -> "ERR invalid expire time in '" + command + "' command";
            case "key_too_large" -> "ERR " + failed.message() + " (corecache.limits.max-key-bytes)";
            case "value_too_large" -> "ERR " + failed.message() + " (corecache.limits.max-value-bytes)";
            case "key_empty" -> "ERR key must not be empty";
            case "overloaded", "timeout", "partition_unavailable" -> "TRYAGAIN " + failed.message();
            default -> "ERR " + failed.message();
        };
    }
}
