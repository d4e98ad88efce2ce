package io.corecache.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.corecache.cluster.ReplicaProtocol.BatchOp;
import io.corecache.engine.InvalidArgumentException;
import io.corecache.engine.Limits;
import org.apache.pekko.http.javadsl.model.StatusCodes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /v1/batch}, parsed and checked as a whole before anything is written, so a bad
 * operation anywhere in the batch changes nothing:
 * {@code {"ops":[{"op":"put","key":"k","value":"v","ttl":60},{"op":"delete","key":"k"}],"encoding":"utf8"}}.
 */
record BatchRequest(List<BatchOp> ops, List<String> kinds) {

    static final int MAX_OPS = 10_000;
    private static final long MAX_TTL_SECONDS = 100L * 366 * 24 * 3600;

    static BatchRequest parse(byte[] body, Limits limits) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiError.badRequest("bad_json", "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest("bad_json", "the body is not valid JSON");
        }
        if (root == null || !root.isObject() || !root.path("ops").isArray()) {
            throw ApiError.badRequest("bad_batch", "the body must be {\"ops\":[...]}");
        }
        boolean base64 = switch (root.path("encoding").asText("utf8")) {
            case "utf8", "utf-8" -> false;
            case "base64" -> true;
            default -> throw ApiError.badRequest("bad_parameter", "encoding must be utf8 or base64");
        };
        JsonNode array = root.get("ops");
        if (array.isEmpty()) {
            throw ApiError.badRequest("bad_batch", "the batch has no operations");
        }
        if (array.size() > MAX_OPS) {
            throw ApiError.badRequest("batch_too_large", "the batch has " + array.size()
                    + " operations; the limit is " + MAX_OPS);
        }
        List<BatchOp> ops = new ArrayList<>(array.size());
        List<String> kinds = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode op = array.get(i);
            String kind = op.path("op").asText("");
            byte[] key = bytes(op, "key", i, base64);
            check(() -> limits.checkKey(key), i);
            switch (kind) {
                case "put" -> {
                    byte[] value = bytes(op, "value", i, base64);
                    check(() -> limits.checkValue(value), i);
                    ops.add(new BatchOp(key, value, ttlMillis(op, i)));
                }
                case "delete" -> ops.add(new BatchOp(key, null, 0));
                default -> throw ApiError.badRequest("bad_op", "ops[" + i + "].op must be put or delete, got '"
                        + kind + "'");
            }
            kinds.add(kind);
        }
        return new BatchRequest(ops, kinds);
    }

    private static byte[] bytes(JsonNode op, String field, int index, boolean base64) {
        JsonNode node = op.get(field);
        if (node == null || !node.isTextual()) {
            throw ApiError.badRequest(field.equals("key") ? "key_empty" : "value_missing",
                    "ops[" + index + "]." + field + " must be a string");
        }
        return base64 ? KeyCodec.fromBase64("ops[" + index + "]." + field, node.asText())
                : node.asText().getBytes(StandardCharsets.UTF_8);
    }

    private static long ttlMillis(JsonNode op, int index) {
        JsonNode ttl = op.get("ttl");
        if (ttl == null || ttl.isNull()) {
            return 0;
        }
        if (!ttl.canConvertToLong() || !ttl.isIntegralNumber() || ttl.asLong() < 1 || ttl.asLong() > MAX_TTL_SECONDS) {
            throw ApiError.badRequest("bad_parameter", "ops[" + index + "].ttl must be a whole number of seconds from 1 to "
                    + MAX_TTL_SECONDS);
        }
        return ttl.asLong() * 1000;
    }

    private static void check(Runnable check, int index) {
        try {
            check.run();
        } catch (InvalidArgumentException e) {
            String message = "ops[" + index + "]: " + e.getMessage();
            throw e.code().equals("value_too_large")
                    ? new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, e.code(), message)
                    : ApiError.badRequest(e.code(), message);
        }
    }
}
