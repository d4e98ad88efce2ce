package io.corecache.api.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.corecache.cluster.ReplicaProtocol.Batch;
import io.corecache.cluster.ReplicaProtocol.BatchApplied;
import io.corecache.cluster.ReplicaProtocol.BatchOp;
import io.corecache.engine.Limits;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /v1/batch}: puts and deletes, grouped by partition; each partition's group is applied
 * atomically under one revision, in the order given. Groups of different partitions are independent: if
 * one partition cannot apply its group, the others still apply theirs, and the answer (503) says, op by
 * op, what happened.
 */
final class BatchRoutes extends AllDirectives {

    private final ReplicaCalls calls;
    private final Limits limits;
    private final Duration bodyTimeout;
    private final Duration retryAfter;
    private final Materializer materializer;

    BatchRoutes(ReplicaCalls calls, Limits limits, Duration bodyTimeout, Duration retryAfter,
                Materializer materializer) {
        this.calls = calls;
        this.limits = limits;
        this.bodyTimeout = bodyTimeout;
        this.retryAfter = retryAfter;
        this.materializer = materializer;
    }

    /** The largest body accepted: room for the ops of a batch of large values, JSON-escaped. */
    long maxBodyBytes() {
        return Math.max(16L << 20, 2L * limits.maxValueBytes() + (1 << 20));
    }

    Route route() {
        return post(() -> extractRequest(request -> completeWithFuture(apply(request))));
    }

    private CompletionStage<HttpResponse> apply(HttpRequest request) {
        long declared = request.entity().getContentLengthOption().orElse(-1);
        if (declared > maxBodyBytes()) {
            return CompletableFuture.failedFuture(new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "batch_too_large",
                    "the body is " + declared + " bytes; the limit is " + maxBodyBytes()));
        }
        return request.entity().withSizeLimit(maxBodyBytes()).toStrict(bodyTimeout.toMillis(), materializer)
                .thenCompose(body -> {
                    BatchRequest batch = BatchRequest.parse(body.getData().toArray(), limits);
                    return send(batch);
                });
    }

    private CompletionStage<HttpResponse> send(BatchRequest batch) {
        Map<Integer, List<Integer>> byPartition = new LinkedHashMap<>();
        for (int i = 0; i < batch.ops().size(); i++) {
            byPartition.computeIfAbsent(calls.router().partitionOf(batch.ops().get(i).key()),
                    p -> new ArrayList<>()).add(i);
        }
        ObjectNode[] results = new ObjectNode[batch.ops().size()];
        List<CompletableFuture<?>> groups = new ArrayList<>();
        ApiError[] firstError = new ApiError[1];
        byPartition.forEach((partition, indexes) -> {
            List<BatchOp> ops = indexes.stream().map(batch.ops()::get).toList();
            groups.add(calls.ask(partition, replyTo -> new Batch(ops, replyTo)).<Void>handle((reply, failure) -> {
                for (int k = 0; k < indexes.size(); k++) {
                    int i = indexes.get(k);
                    ObjectNode result = Json.MAPPER.createObjectNode();
                    result.put("op", batch.kinds().get(i));
                    result.put("partition", partition);
                    if (failure == null) {
                        BatchApplied applied = (BatchApplied) reply;
                        result.put("status", applied.outcomes().get(k));
                        result.put("revision", applied.revision());
                    } else {
                        ApiError error = calls.toApiError(failure);
                        result.put("status", "failed");
                        result.put("error", error.code());
                        result.put("message", error.getMessage());
                        synchronized (firstError) {
                            if (firstError[0] == null) {
                                firstError[0] = error;
                            }
                        }
                    }
                    results[i] = result;
                }
                return null;
            }).toCompletableFuture());
        });
        return CompletableFuture.allOf(groups.toArray(CompletableFuture[]::new)).thenApply(done -> {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("atomic", "per_partition");
            body.put("partitions", byPartition.size());
            ArrayNode array = body.putArray("results");
            for (ObjectNode result : results) {
                array.add(result);
            }
            ApiError error;
            synchronized (firstError) {
                error = firstError[0];
            }
            if (error == null) {
                return Json.response(StatusCodes.OK, body);
            }
            // Some partitions applied their ops and some did not: say so with the error's status.
            body.put("error", error.code());
            body.put("message", "not every partition applied its operations; see results");
            HttpResponse response = Json.response(error.status(), body);
            return error.status().intValue() == 503
                    ? response.addHeader(RetryAfter.create(Math.max(1, retryAfter.toSeconds()))) : response;
        });
    }
}
