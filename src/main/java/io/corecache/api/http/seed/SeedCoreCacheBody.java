package io.corecache.api.http.seed;

import io.corecache.api.http.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * The CoreCache seed's {@code POST /add/} body, {@code {"key":str,"value":str,"timestamp":int,"deleted":bool}},
 * read the way its FastAPI/Pydantic model read it: unknown fields ignored, {@code timestamp} and
 * {@code deleted} optional and parsed leniently as Pydantic's default (lax) mode does, and every problem
 * reported at once as a 422 {@code {"detail":[{"type","loc","msg","input"}]}} list, the shape a script
 * written against FastAPI already handles.
 */
record SeedCoreCacheBody(byte[] key, byte[] value, boolean deleted) {

    private static final ObjectReader READER = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Set<String> TRUE = Set.of("1", "on", "t", "true", "y", "yes");
    private static final Set<String> FALSE = Set.of("0", "off", "f", "false", "n", "no");

    /** Parses the body or throws a {@link SeedReject} with FastAPI's 422 answer; never half-parses. */
    static SeedCoreCacheBody parse(byte[] body) {
        JsonNode root;
        try {
            root = body.length == 0 ? null : READER.readTree(body);
        } catch (JsonProcessingException e) {
            // Jackson reading bytes knows the byte offset; FastAPI reports the character offset of the error.
            long offset = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getCharOffset() >= 0
                    ? e.getLocation().getCharOffset() : e.getLocation().getByteOffset());
            ArrayNode errors = Json.MAPPER.createArrayNode();
            ObjectNode error = error(errors, "json_invalid", "JSON decode error", Json.MAPPER.createObjectNode());
            error.set("loc", Json.MAPPER.createArrayNode().add("body").add(offset));
            error.putObject("ctx").put("error", e.getOriginalMessage());
            throw unprocessable(errors);
        } catch (IOException e) {
            throw new IllegalStateException("reading a byte array failed", e);
        }
        ArrayNode errors = Json.MAPPER.createArrayNode();
        if (root == null || root.isMissingNode()) {
            error(errors, "missing", "Field required", NullNode.getInstance()).set("loc", loc());
            throw unprocessable(errors);
        }
        if (!root.isObject()) {
            error(errors, "model_attributes_type",
                    "Input should be a valid dictionary or object to extract fields from", root).set("loc", loc());
            throw unprocessable(errors);
        }
        String key = string(root, "key", errors);
        String value = string(root, "value", errors);
        checkTimestamp(root.get("timestamp"), errors);
        Boolean deleted = bool(root.get("deleted"), errors);
        if (!errors.isEmpty()) {
            throw unprocessable(errors);
        }
        return new SeedCoreCacheBody(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8),
                deleted != null && deleted);
    }

    /** A 422 for one field of {@code location} ("body" or "query"), as FastAPI words a length violation. */
    static SeedReject lengthProblem(String location, String field, byte[] key, int maxBytes) {
        ArrayNode errors = Json.MAPPER.createArrayNode();
        String text = new String(key, StandardCharsets.UTF_8);
        ObjectNode error = key.length == 0
                ? error(errors, "string_too_short", "String should have at least 1 character",
                        Json.MAPPER.valueToTree(text))
                : error(errors, "string_too_long", "String should have at most " + maxBytes + " bytes (UTF-8)",
                        Json.MAPPER.valueToTree(text));
        error.set("loc", Json.MAPPER.createArrayNode().add(location).add(field));
        if (key.length == 0) {
            error.putObject("ctx").put("min_length", 1);
        } else {
            error.putObject("ctx").put("max_length", maxBytes);
        }
        return unprocessable(errors);
    }

    /** FastAPI's 422 for a required query parameter that is absent. */
    static SeedReject missingQuery(String name) {
        ArrayNode errors = Json.MAPPER.createArrayNode();
        error(errors, "missing", "Field required", NullNode.getInstance())
                .set("loc", Json.MAPPER.createArrayNode().add("query").add(name));
        return unprocessable(errors);
    }

    private static String string(JsonNode root, String field, ArrayNode errors) {
        JsonNode node = root.get(field);
        if (node == null) {
            error(errors, "missing", "Field required", root).set("loc", loc(field));
            return null;
        }
        if (!node.isTextual()) {
            error(errors, "string_type", "Input should be a valid string", node).set("loc", loc(field));
            return null;
        }
        return node.textValue();
    }

    /** The seed stored a client's timestamp; CoreCache keeps its own write time, so it is only validated. */
    private static void checkTimestamp(JsonNode node, ArrayNode errors) {
        if (node == null || node.isIntegralNumber()) {
            return;
        }
        if (node.isFloatingPointNumber()) {
            if (node.doubleValue() != Math.rint(node.doubleValue()) || !Double.isFinite(node.doubleValue())) {
                error(errors, "int_from_float", "Input should be a valid integer, got a number with a fractional part",
                        node).set("loc", loc("timestamp"));
            }
            return;
        }
        if (node.isTextual()) {
            if (!node.textValue().trim().matches("[+-]?[0-9](_?[0-9])*")) {
                error(errors, "int_parsing", "Input should be a valid integer, unable to parse string as an integer",
                        node).set("loc", loc("timestamp"));
            }
            return;
        }
        error(errors, "int_type", "Input should be a valid integer", node).set("loc", loc("timestamp"));
    }

    private static Boolean bool(JsonNode node, ArrayNode errors) {
        if (node == null) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber() && (node.longValue() == 0 || node.longValue() == 1)) {
            return node.longValue() == 1;
        }
        if (node.isTextual()) {
            String text = node.textValue().trim().toLowerCase(Locale.ROOT);
            if (TRUE.contains(text)) {
                return true;
            }
            if (FALSE.contains(text)) {
                return false;
            }
            error(errors, "bool_parsing", "Input should be a valid boolean, unable to interpret input", node)
                    .set("loc", loc("deleted"));
            return null;
        }
        if (node.isNumber()) {
            error(errors, "bool_parsing", "Input should be a valid boolean, unable to interpret input", node)
                    .set("loc", loc("deleted"));
        } else {
            error(errors, "bool_type", "Input should be a valid boolean", node).set("loc", loc("deleted"));
        }
        return null;
    }

    private static ObjectNode error(ArrayNode errors, String type, String msg, JsonNode input) {
        ObjectNode error = errors.addObject();
        error.put("type", type);
        error.putNull("loc");
        error.put("msg", msg);
        error.set("input", input);
        return error;
    }

    private static ArrayNode loc(String... fields) {
        ArrayNode loc = Json.MAPPER.createArrayNode().add("body");
        for (String field : fields) {
            loc.add(field);
        }
        return loc;
    }

    private static SeedReject unprocessable(ArrayNode errors) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("detail", errors);
        return new SeedReject(Json.response(StatusCodes.UNPROCESSABLE_ENTITY, body));
    }
}
