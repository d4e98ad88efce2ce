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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Asks partition replicas on behalf of the routes and turns what goes wrong into {@link ApiError}s: a
 * {@code Failed} reply by its code, an overloaded, slow or unavailable partition into 503 with Retry-After.
 */
public final class ReplicaCalls {

    private final Router router;
    private final Duration retryAfter;
    /** Refusals by a partition, by their code (the reason), for metrics. */
    private final ConcurrentMap<String, LongAdder> unavailable = new ConcurrentHashMap<>();

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

    /** The error to answer for {@code failure}; a partition's refusal is counted by its reason. */
    public ApiError toApiError(Throwable failure) {
        return classify(failure, true);
    }

    /** The error {@code failure} stands for, to show (as /v1/cluster does), not counted as a refusal. */
    public ApiError describe(Throwable failure) {
        return classify(failure, false);
    }

    public ApiError fromFailed(Failed failed) {
        return fromFailed(failed, true);
    }

    private ApiError classify(Throwable failure, boolean count) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof PartitionUnavailableException refused) {
            return unavailable(refused.code(), refused.getMessage(), count);
        }
        if (cause instanceof ReplicaFailedException replicaFailed) {
            return fromFailed(replicaFailed.failed(), count);
        }
        if (cause instanceof ApiError api) {
            return api;
        }
        return unavailable("partition_unavailable", cause.toString(), count);
    }

    private ApiError fromFailed(Failed failed, boolean count) {
        return switch (failed.code()) {
            case "value_too_large" -> new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, failed.code(), failed.message());
            // The engine's argument errors (Limits): the client's to fix.
            case "key_empty", "key_too_large", "value_missing", "bad_expiry", "bad_limit", "batch_too_large" ->
                    ApiError.badRequest(failed.code(), failed.message());
            // Anything else is the server's trouble, which may pass: overloaded, unavailable, a disk failure.
            default -> unavailable(failed.code(), failed.message(), count);
        };
    }

    /**
     * Requests (and batch operations) a partition could not serve so far, by reason (overloaded, timeout,
     * partition_unavailable, storage_unavailable): each was answered 503, or that error inside a batch.
     */
    public Map<String, Long> unavailableByReason() {
        Map<String, Long> counts = new TreeMap<>();
        unavailable.forEach((reason, count) -> counts.put(reason, count.sum()));
        return counts;
    }

    private ApiError unavailable(String code, String message, boolean count) {
        if (count) {
            unavailable.computeIfAbsent(code, reason -> new LongAdder()).increment();
        }
        return ApiError.unavailable(code, message, retryAfter);
    }
}
