package io.corecache.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchRoutesTest extends NodeRouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonNode post(String body, org.apache.pekko.http.javadsl.model.StatusCode expected) {
        try {
            return JSON.readTree(api.run(HttpRequest.POST("/v1/batch").withEntity(ContentTypes.APPLICATION_JSON, body))
                    .assertStatusCode(expected).entityString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void opsApplyInOrderWithAnOutcomeEach() {
        api.run(HttpRequest.PUT("/v1/kv/b-existing").withEntity("old")).assertStatusCode(StatusCodes.CREATED);
        JsonNode reply = post("""
                {"ops":[{"op":"put","key":"b-new","value":"1"},
                        {"op":"put","key":"b-existing","value":"2"},
                        {"op":"delete","key":"b-missing"},
                        {"op":"put","key":"{t}a","value":"3"},
                        {"op":"delete","key":"{t}a"}]}""", StatusCodes.OK);
        assertEquals("per_partition", reply.get("atomic").asText());
        List<String> statuses = reply.get("results").findValuesAsText("status");
        assertEquals(List.of("created", "replaced", "not_found", "created", "deleted"), statuses);
        api.run(HttpRequest.GET("/v1/kv/b-new")).assertEntity("1");
        api.run(HttpRequest.GET("/v1/kv/b-existing")).assertEntity("2");
        api.run(HttpRequest.GET("/v1/kv/%7Bt%7Da")).assertStatusCode(StatusCodes.NOT_FOUND);
        // Both {t} ops share a partition, so one revision covers them.
        assertEquals(reply.get("results").get(3).get("revision"), reply.get("results").get(4).get("revision"));
    }

    @Test
    void aBadOpAnywhereChangesNothing() {
        String tooLong = "k".repeat(4097);
        for (String body : List.of(
                "not json",
                "{\"ops\":[]}",
                "{\"nope\":1}",
                "{\"ops\":[{\"op\":\"put\",\"key\":\"b-bad\",\"value\":\"x\"},{\"op\":\"frobnicate\",\"key\":\"k\"}]}",
                "{\"ops\":[{\"op\":\"put\",\"key\":\"b-bad\",\"value\":\"x\"},{\"op\":\"put\",\"key\":\"\",\"value\":\"x\"}]}",
                "{\"ops\":[{\"op\":\"put\",\"key\":\"b-bad\",\"value\":\"x\"},{\"op\":\"put\",\"key\":\"" + tooLong + "\",\"value\":\"x\"}]}",
                "{\"ops\":[{\"op\":\"put\",\"key\":\"b-bad\",\"value\":\"x\"},{\"op\":\"put\",\"key\":\"k\"}]}",
                "{\"ops\":[{\"op\":\"put\",\"key\":\"b-bad\",\"value\":\"x\",\"ttl\":-5}]}",
                "{\"ops\":[{\"op\":\"put\",\"key\":\"b-bad\",\"value\":\"x\"}],\"encoding\":\"rot13\"}")) {
            JsonNode error = post(body, StatusCodes.BAD_REQUEST);
            assertTrue(error.has("error") && error.has("message"), body);
        }
        api.run(HttpRequest.GET("/v1/kv/b-bad")).assertStatusCode(StatusCodes.NOT_FOUND);
    }

    @Test
    void anOversizedValueIs413AndChangesNothing() {
        String big = "v".repeat((1 << 20) + 1);
        post("{\"ops\":[{\"op\":\"put\",\"key\":\"b-big-ok\",\"value\":\"x\"},{\"op\":\"put\",\"key\":\"b-big\",\"value\":\""
                + big + "\"}]}", StatusCodes.PAYLOAD_TOO_LARGE);
        api.run(HttpRequest.GET("/v1/kv/b-big-ok")).assertStatusCode(StatusCodes.NOT_FOUND);
    }

    @Test
    void base64EncodingCarriesBinaryKeysAndValues() {
        post("{\"encoding\":\"base64\",\"ops\":[{\"op\":\"put\",\"key\":\"Yi1iaW7/\",\"value\":\"AAE=\"}]}", StatusCodes.OK);
        api.run(HttpRequest.GET("/v1/kv/b-bin%FF").addHeader(
                        org.apache.pekko.http.javadsl.model.headers.RawHeader.create("Raw-Request-URI", "/v1/kv/b-bin%FF")))
                .assertStatusCode(StatusCodes.OK);
    }

    @Test
    void getIs405() {
        api.run(HttpRequest.GET("/v1/batch")).assertStatusCode(StatusCodes.METHOD_NOT_ALLOWED)
                .assertHeaderExists("Allow", "POST");
    }
}
