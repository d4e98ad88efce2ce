package io.corecache.api.http;

import io.corecache.cluster.PartitionUnavailableException;
import io.corecache.cluster.ReplicaFailedException;
import io.corecache.cluster.ReplicaProtocol.Command;
import io.corecache.cluster.ReplicaProtocol.Failed;
import io.corecache.cluster.ReplicaProtocol.Reply;
import io.corecache.cluster.Router;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.japi.function.Function;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Asks partition replicas on behalf of the routes and turns what goes wrong into {@link ApiError}s: a
 * {@code Failed} reply by its code, an overloaded, slow or unavailable partition into 503 with Retry-After.
 */
public final class ReplicaCalls {

    private final Router router;
    private final Duration retryAfter;

    public ReplicaCalls(Router router, Duration retryAfter) {
        this.router = router;
        this.retryAfter = retryAfter;
    }

    public Router router() {
        return router;
    }

    /** The key's current version (Found or NotFound), by the quickest way the router has. */
    public CompletionStage<Reply> get(byte[] key) {
        return checked(router.get(key));
    }

    public CompletionStage<Reply> ask(byte[] key, Function<ActorRef<Reply>, Command> command) {
        return ask(router.partitionOf(key), command);
    }

    /** The reply, never a {@link Failed}: failures complete the stage exceptionally with an ApiError. */
    public CompletionStage<Reply> ask(int partition, Function<ActorRef<Reply>, Command> command) {
        return checked(router.ask(partition, command));
    }

    private CompletionStage<Reply> checked(CompletionStage<Reply> reply) {
        return reply.handle((answer, failure) -> {
            if (failure != null) {
                throw toApiError(failure);
            }
            if (answer instanceof Failed failed) {
                throw fromFailed(failed);
            }
            return answer;
        });
    }

    public ApiError toApiError(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof PartitionUnavailableException unavailable) {
            return ApiError.unavailable(unavailable.code(), unavailable.getMessage(), retryAfter);
        }
        if (cause instanceof ReplicaFailedException replicaFailed) {
            return fromFailed(replicaFailed.failed());
        }
        if (cause instanceof ApiError api) {
            return api;
        }
        return ApiError.unavailable("partition_unavailable", cause.toString(), retryAfter);
    }

    public ApiError fromFailed(Failed failed) {
        return switch (failed.code()) {
            case "value_too_large" -> new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, failed.code(), failed.message());
            // The engine's argument errors (Limits): the client's to fix.
            case "key_empty", "key_too_large", "value_missing", "bad_expiry", "bad_limit", "batch_too_large" ->
                    ApiError.badRequest(failed.code(), failed.message());
            // Anything else is the server's trouble, which may pass: overloaded, unavailable, a disk failure.
            default -> ApiError.unavailable(failed.code(), failed.message(), retryAfter);
        };
    }
}
