package io.corecache.api.http.seed;

import io.corecache.api.http.Json;
import io.corecache.api.http.NodeRouteTest;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed-compatible routes against a real node, as the old systems' scripts see them: exact bodies,
 * content types and statuses, every error leaving the data as it was, and every key shared with
 * {@code /v1/kv}. Limits are small here so oversized input is cheap to send; scan pages hold 3 keys so a
 * range crosses pages and partitions. Tests use disjoint keys; numeric keys from 5000 to 69999 belong to
 * the first numeric range test alone, 8000 to 80999 to the second.
 */
class SeedRoutesTest extends NodeRouteTest {

    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain; charset=UTF-8";

    @Override
    protected Map<String, Object> settings() {
        return Map.of("corecache.limits.max-key-bytes", 64,
                "corecache.limits.max-value-bytes", 1024,
                "corecache.scan.page-size", 3);
    }

    // ---------------------------------------------------------------- the CoreCache seed (FastAPI)

    @Test
    void coreCacheAddThenGetAnswersTheSeedsDataModel() {
        long before = System.currentTimeMillis() / 1000;
        TestRouteResult added = addJson("/add/", "{\"key\":\"cc-a\",\"value\":\"v1\"}");
        added.assertStatusCode(StatusCodes.OK).assertEntity("null");
        assertEquals(JSON, added.response().entity().getContentType().toString());

        TestRouteResult got = api.run(HttpRequest.GET("/get/?key=cc-a")).assertStatusCode(StatusCodes.OK);
        String body = got.entityString();
        assertTrue(body.matches("\\{\"key\":\"cc-a\",\"value\":\"v1\",\"timestamp\":\\d+,\"deleted\":false}"), body);
        long timestamp = json(body).get("timestamp").asLong();
        assertTrue(timestamp >= before - 1 && timestamp <= System.currentTimeMillis() / 1000 + 1, body);
    }

    @Test
    void coreCacheMissingKeyIs404NoDataFound() {
        api.run(HttpRequest.GET("/get/?key=cc-never")).assertStatusCode(StatusCodes.NOT_FOUND)
                .assertEntity("{\"detail\":\"No data found\"}");
    }

    @Test
    void coreCacheDeleteAnswersNullThenTheKeyIsGone() {
        addJson("/add/", "{\"key\":\"cc-d\",\"value\":\"x\"}").assertStatusCode(StatusCodes.OK);
        api.run(HttpRequest.POST("/delete/?key=cc-d")).assertStatusCode(StatusCodes.OK).assertEntity("null");
        api.run(HttpRequest.GET("/get/?key=cc-d")).assertStatusCode(StatusCodes.NOT_FOUND);
        api.run(HttpRequest.POST("/delete/?key=cc-d")).assertStatusCode(StatusCodes.NOT_FOUND)
                .assertEntity("{\"detail\":\"No data found\"}");
    }

    @Test
    void coreCachePathsWorkWithoutTheTrailingSlashAndIgnoreToken() {
        addJson("/add?token=leader", "{\"key\":\"cc-s\",\"value\":\"s\"}").assertStatusCode(StatusCodes.OK);
        assertEquals("s", json(api.run(HttpRequest.GET("/get?key=cc-s")).entityString()).get("value").asText());
        api.run(HttpRequest.POST("/delete?key=cc-s")).assertStatusCode(StatusCodes.OK);
        api.run(HttpRequest.GET("/get/?key=cc-s")).assertStatusCode(StatusCodes.NOT_FOUND);
    }

    @Test
    void coreCacheAddAcceptsAnyContentTypeAndAClientTimestamp() {
        api.run(HttpRequest.POST("/add/").withEntity(ContentTypes.TEXT_PLAIN_UTF8,
                "{\"key\":\"cc-t\",\"value\":\"t\",\"timestamp\":\"12\",\"extra\":1}"))
                .assertStatusCode(StatusCodes.OK);
        JsonNode data = json(api.run(HttpRequest.GET("/get/?key=cc-t")).entityString());
        assertEquals("t", data.get("value").asText());
        assertTrue(data.get("timestamp").asLong() > 1_600_000_000L, "CoreCache's write time, not the client's");
    }

    @Test
    void coreCacheAddWithDeletedTrueDeletesTheKey() {
        addJson("/add/", "{\"key\":\"cc-tomb\",\"value\":\"x\"}").assertStatusCode(StatusCodes.OK);
        addJson("/add/", "{\"key\":\"cc-tomb\",\"value\":\"x\",\"deleted\":\"yes\"}").assertStatusCode(StatusCodes.OK)
                .assertEntity("null");
        api.run(HttpRequest.GET("/get/?key=cc-tomb")).assertStatusCode(StatusCodes.NOT_FOUND);
    }

    @Test
    void coreCacheInvalidBodiesAre422InFastApisShapeAndChangeNothing() {
        addJson("/add/", "{\"key\":\"cc-guard\",\"value\":\"kept\"}").assertStatusCode(StatusCodes.OK);
        assertInvalid("{\"key\":\"cc-guard\"}", "missing", "[\"body\",\"value\"]");
        assertInvalid("{\"key\":\"cc-guard\",\"value\":5}", "string_type", "[\"body\",\"value\"]");
        assertInvalid("{\"key\":7,\"value\":\"new\"}", "string_type", "[\"body\",\"key\"]");
        assertInvalid("{\"key\":\"cc-guard\",\"value\":\"new\",\"timestamp\":\"soon\"}", "int_parsing",
                "[\"body\",\"timestamp\"]");
        assertInvalid("{\"key\":\"cc-guard\",\"value\":\"new\",\"timestamp\":1.5}", "int_from_float",
                "[\"body\",\"timestamp\"]");
        assertInvalid("{\"key\":\"cc-guard\",\"value\":\"new\",\"deleted\":\"maybe\"}", "bool_parsing",
                "[\"body\",\"deleted\"]");
        assertInvalid("{\"key\":\"cc-guard\",\"value\":\"new\",\"deleted\":[]}", "bool_type", "[\"body\",\"deleted\"]");
        assertInvalid("[\"cc-guard\",\"new\"]", "model_attributes_type", "[\"body\"]");
        assertInvalid("", "missing", "[\"body\"]");
        assertInvalid("{\"key\":\"cc-guard\",\"value\":", "json_invalid", null);
        assertInvalid("{\"key\":\"\",\"value\":\"new\"}", "string_too_short", "[\"body\",\"key\"]");
        assertInvalid("{\"key\":\"" + "k".repeat(65) + "\",\"value\":\"new\"}", "string_too_long",
                "[\"body\",\"key\"]");
        assertEquals("kept", json(api.run(HttpRequest.GET("/get/?key=cc-guard")).entityString()).get("value").asText());
    }

    @Test
    void coreCacheTwoBadFieldsAreBothReported() {
        JsonNode detail = json(addJson("/add/", "{\"value\":1}").assertStatusCode(StatusCodes.UNPROCESSABLE_ENTITY)
                .entityString()).get("detail");
        assertEquals(2, detail.size());
        assertEquals("[\"body\",\"key\"]", detail.get(0).get("loc").toString());
        assertEquals("Field required", detail.get(0).get("msg").asText());
        assertEquals("[\"body\",\"value\"]", detail.get(1).get("loc").toString());
    }

    @Test
    void coreCacheOversizedValueIs413AndChangesNothing() {
        addJson("/add/", "{\"key\":\"cc-big\",\"value\":\"small\"}").assertStatusCode(StatusCodes.OK);
        TestRouteResult refused = addJson("/add/", "{\"key\":\"cc-big\",\"value\":\"" + "v".repeat(1025) + "\"}")
                .assertStatusCode(StatusCodes.PAYLOAD_TOO_LARGE);
        assertEquals("value is 1025 bytes; the limit is 1024", json(refused.entityString()).get("detail").asText());
        assertEquals(JSON, refused.response().entity().getContentType().toString());
        assertEquals("small", json(api.run(HttpRequest.GET("/get/?key=cc-big")).entityString()).get("value").asText());
    }

    @Test
    void coreCacheQueryKeyErrorsAre422AndDeleteNothing() {
        addJson("/add/", "{\"key\":\"cc-q\",\"value\":\"q\"}").assertStatusCode(StatusCodes.OK);
        for (HttpRequest request : new HttpRequest[]{HttpRequest.GET("/get/"), HttpRequest.POST("/delete/")}) {
            JsonNode error = json(api.run(request).assertStatusCode(StatusCodes.UNPROCESSABLE_ENTITY).entityString())
                    .get("detail").get(0);
            assertEquals("missing", error.get("type").asText());
            assertEquals("[\"query\",\"key\"]", error.get("loc").toString());
        }
        api.run(HttpRequest.POST("/delete/?key=" + "k".repeat(65))).assertStatusCode(StatusCodes.UNPROCESSABLE_ENTITY);
        api.run(HttpRequest.GET("/get/?key=")).assertStatusCode(StatusCodes.UNPROCESSABLE_ENTITY);
        api.run(HttpRequest.GET("/get/?key=cc-q")).assertStatusCode(StatusCodes.OK);
    }

    @Test
    void coreCacheWrongMethodIs405WithAllowAndChangesNothing() {
        api.run(HttpRequest.GET("/add/")).assertStatusCode(StatusCodes.METHOD_NOT_ALLOWED)
                .assertEntity("{\"detail\":\"Method Not Allowed\"}").assertHeaderExists("Allow", "POST");
        addJson("/add/", "{\"key\":\"cc-m\",\"value\":\"m\"}").assertStatusCode(StatusCodes.OK);
        api.run(HttpRequest.DELETE("/delete/?key=cc-m")).assertStatusCode(StatusCodes.METHOD_NOT_ALLOWED);
        api.run(HttpRequest.POST("/get/?key=cc-m")).assertStatusCode(StatusCodes.METHOD_NOT_ALLOWED)
                .assertHeaderExists("Allow", "GET");
        api.run(HttpRequest.GET("/get/?key=cc-m")).assertStatusCode(StatusCodes.OK);
    }

    // ---------------------------------------------------------------- the Bitcask store

    @Test
    void bitcaskOneLineIsKeySavedAndReadsAsValue() {
        postText("/", "1,2000").assertStatusCode(StatusCodes.OK).assertEntity("Key saved");
        TestRouteResult read = api.run(HttpRequest.GET("/?key=1")).assertStatusCode(StatusCodes.OK)
                .assertEntity("Value: 2000");
        assertEquals(TEXT, read.response().entity().getContentType().toString());
        postText("/", "key:7,value:700").assertEntity("Key saved");
        api.run(HttpRequest.GET("/?key=7")).assertEntity("Value: 700");
    }

    @Test
    void bitcaskSeveralLinesAreKeysSaved() {
        postText("/", "key:11,value:a\r\n12,b\n\nkey:13,value:c,d\n").assertStatusCode(StatusCodes.OK)
                .assertEntity("Keys saved");
        api.run(HttpRequest.GET("/?key=11")).assertEntity("Value: a");
        api.run(HttpRequest.GET("/?key=12")).assertEntity("Value: b");
        api.run(HttpRequest.GET("/?key=13")).assertEntity("Value: c,d");
    }

    @Test
    void bitcaskMissingKeyReadsAsAnEmptyValue() {
        api.run(HttpRequest.GET("/?key=bc-never")).assertStatusCode(StatusCodes.OK).assertEntity("Value: ");
    }

    @Test
    void bitcaskDeleteIsKeyDeletedWhetherOrNotTheKeyExisted() {
        postText("/", "bc-del,x").assertEntity("Key saved");
        api.run(HttpRequest.DELETE("/?key=bc-del")).assertStatusCode(StatusCodes.OK).assertEntity("Key deleted");
        api.run(HttpRequest.GET("/?key=bc-del")).assertEntity("Value: ");
        api.run(HttpRequest.DELETE("/?key=bc-del")).assertStatusCode(StatusCodes.OK).assertEntity("Key deleted");
    }

    @Test
    void bitcaskNumericRangeIsNumericInclusiveAndOrdered() {
        postText("/", "5010,j\n5002,c\n500000,x\n5000,a\n50000,y\n5005,f\n5001,b\n5003x,no\n05004,no")
                .assertEntity("Keys saved");
        api.run(HttpRequest.GET("/?start_key=5000&end_key=5010")).assertStatusCode(StatusCodes.OK)
                .assertEntity("Value: [KV { key: 5000, value: \"a\" }, KV { key: 5001, value: \"b\" }, "
                        + "KV { key: 5002, value: \"c\" }, KV { key: 5005, value: \"f\" }, "
                        + "KV { key: 5010, value: \"j\" }]");
        api.run(HttpRequest.GET("/?start_key=5005&end_key=50000"))
                .assertEntity("Value: [KV { key: 5005, value: \"f\" }, KV { key: 5010, value: \"j\" }, "
                        + "KV { key: 50000, value: \"y\" }]");
        api.run(HttpRequest.GET("/?start_key=5011&end_key=5099")).assertEntity("Value: []");
        api.run(HttpRequest.GET("/?start_key=5010&end_key=5000")).assertEntity("Value: []");
    }

    @Test
    void bitcaskNumericRangeFindsItsKeysAmongRunsOfLongerOnes() {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            lines.append(80000 + i).append(",long\n"); // 80000..80999 sort between 8000 and 8009
        }
        for (int i = 0; i < 10; i++) {
            lines.append(8000 + i).append(",v").append(i).append('\n');
        }
        postText("/", lines.toString()).assertEntity("Keys saved");
        String body = api.run(HttpRequest.GET("/?start_key=8000&end_key=8009")).entityString();
        StringBuilder expected = new StringBuilder("Value: [");
        for (int i = 0; i < 10; i++) {
            expected.append(i == 0 ? "" : ", ").append("KV { key: ").append(8000 + i).append(", value: \"v")
                    .append(i).append("\" }");
        }
        assertEquals(expected.append(']').toString(), body);
        api.run(HttpRequest.GET("/?start_key=80998&end_key=81000")).assertEntity(
                "Value: [KV { key: 80998, value: \"long\" }, KV { key: 80999, value: \"long\" }]");
    }

    @Test
    void bitcaskRangeLimitCutsTheAnswerAndSaysWhereToGoOn() {
        postText("/", "70000,a\n70001,b\n70002,c").assertEntity("Keys saved");
        api.run(HttpRequest.GET("/?start_key=70000&end_key=70002&limit=2"))
                .assertEntity("Value: [KV { key: 70000, value: \"a\" }, KV { key: 70001, value: \"b\" }]")
                .assertHeaderExists("X-Truncated", "true")
                .assertHeaderExists("X-Next-Start-Key", "70002");
        TestRouteResult whole = api.run(HttpRequest.GET("/?start_key=70000&end_key=70002"));
        assertFalse(whole.response().getHeader("X-Truncated").isPresent());
    }

    @Test
    void bitcaskTextRangeUsesByteOrderAndRustsDebugFormat() {
        postText("/", "t-a,1\nt-b,2\nt-c,3\nt-d,4").assertEntity("Keys saved");
        api.run(HttpRequest.PUT("/v1/kv/t-q").withEntity("say \"hi\"\n\\")).assertStatusCode(StatusCodes.CREATED);
        api.run(HttpRequest.GET("/?start_key=t-a&end_key=t-b"))
                .assertEntity("Value: [KV { key: \"t-a\", value: \"1\" }, KV { key: \"t-b\", value: \"2\" }]");
        api.run(HttpRequest.GET("/?start_key=t-d&end_key=t-r"))
                .assertEntity("Value: [KV { key: \"t-d\", value: \"4\" }, "
                        + "KV { key: \"t-q\", value: \"say \\\"hi\\\"\\n\\\\\" }]");
    }

    @Test
    void bitcaskWithoutTheNeededParametersAnswersTheUsageText() {
        for (HttpRequest request : new HttpRequest[]{HttpRequest.GET("/"), HttpRequest.GET("/?start_key=1"),
                HttpRequest.DELETE("/"), HttpRequest.POST("/").withEntity(ContentTypes.TEXT_PLAIN_UTF8, "\n")}) {
            String body = api.run(request).assertStatusCode(StatusCodes.OK).entityString();
            assertTrue(body.startsWith("Usage:\nREAD: curl"), body);
        }
        api.run(HttpRequest.PUT("/")).assertStatusCode(StatusCodes.METHOD_NOT_ALLOWED)
                .assertHeaderExists("Allow", "GET, POST, DELETE");
    }

    @Test
    void bitcaskBadLinesRefuseTheWholeBodyAndWriteNothing() {
        postText("/", "20,x\nnocomma").assertStatusCode(StatusCodes.BAD_REQUEST)
                .assertEntity("Failed to batch put keys. Err: line 2 is neither K,V nor key:K,value:V");
        api.run(HttpRequest.GET("/?key=20")).assertEntity("Value: ");
        postText("/", "key:21,21").assertStatusCode(StatusCodes.BAD_REQUEST)
                .assertEntity("Failed to put key. Err line 1 starts with key: but has no ,value: after the key");
        postText("/", "," + "x").assertStatusCode(StatusCodes.BAD_REQUEST)
                .assertEntity("Failed to put key. Err line 1: key must not be empty");
        postText("/", "22,ok\n" + "k".repeat(65) + ",v").assertStatusCode(StatusCodes.BAD_REQUEST);
        api.run(HttpRequest.GET("/?key=21")).assertEntity("Value: ");
        api.run(HttpRequest.GET("/?key=22")).assertEntity("Value: ");
    }

    @Test
    void bitcaskOversizedValueIs413AndChangesNothing() {
        postText("/", "30,orig").assertEntity("Key saved");
        postText("/", "30," + "v".repeat(1025)).assertStatusCode(StatusCodes.PAYLOAD_TOO_LARGE)
                .assertEntity("Failed to put key. Err line 1: value is 1025 bytes; the limit is 1024");
        postText("/", "31,new\n30," + "v".repeat(1025)).assertStatusCode(StatusCodes.PAYLOAD_TOO_LARGE);
        api.run(HttpRequest.GET("/?key=30")).assertEntity("Value: orig");
        api.run(HttpRequest.GET("/?key=31")).assertEntity("Value: ");
    }

    @Test
    void bitcaskTooManyLinesAreRefusedWhole() {
        String lines = "tm,v\n".repeat(SeedBitcaskLines.MAX_LINES + 1);
        postText("/", lines).assertStatusCode(StatusCodes.BAD_REQUEST);
        api.run(HttpRequest.GET("/?key=tm")).assertEntity("Value: ");
    }

    @Test
    void bitcaskBadParametersAre400InTheSeedsWordsAndChangeNothing() {
        postText("/", "40,keep").assertEntity("Key saved");
        api.run(HttpRequest.GET("/?key=")).assertStatusCode(StatusCodes.BAD_REQUEST)
                .assertEntity("Failed to read response: key must not be empty");
        api.run(HttpRequest.DELETE("/?key=" + "k".repeat(65))).assertStatusCode(StatusCodes.BAD_REQUEST)
                .assertEntity("Failed to delete: key is 65 bytes; the limit is 64");
        api.run(HttpRequest.GET("/?start_key=40&end_key=41&limit=0")).assertStatusCode(StatusCodes.BAD_REQUEST)
                .assertEntity("Failed to read range: limit must be a whole number from 1 to 10000, got '0'");
        api.run(HttpRequest.GET("/?key=40")).assertEntity("Value: keep");
    }

    // ---------------------------------------------------------------- kalavara

    @Test
    void kalavaraPutIs201AndGetAnswersTheRawValue() {
        TestRouteResult put = api.run(HttpRequest.PUT("/store/kv-a").withEntity("val1"))
                .assertStatusCode(StatusCodes.CREATED).assertEntity("Inserted");
        assertEquals(TEXT, put.response().entity().getContentType().toString());
        TestRouteResult got = api.run(HttpRequest.GET("/store/kv-a")).assertStatusCode(StatusCodes.OK)
                .assertEntity("val1");
        assertEquals("application/octet-stream", got.response().entity().getContentType().toString());
        api.run(HttpRequest.POST("/store/kv-a").withEntity("val2")).assertStatusCode(StatusCodes.CREATED);
        api.run(HttpRequest.GET("/store/kv-a")).assertEntity("val2");
    }

    @Test
    void kalavaraMissingKeyIs404KeyNotFound() {
        api.run(HttpRequest.GET("/store/kv-never")).assertStatusCode(StatusCodes.NOT_FOUND)
                .assertEntity("Key not found");
    }

    @Test
    void kalavaraDeleteIs204ThenTheKeyIsNotFound() {
        api.run(HttpRequest.PUT("/store/kv-d").withEntity("x")).assertStatusCode(StatusCodes.CREATED);
        api.run(HttpRequest.DELETE("/store/kv-d")).assertStatusCode(StatusCodes.NO_CONTENT);
        api.run(HttpRequest.GET("/store/kv-d")).assertStatusCode(StatusCodes.NOT_FOUND);
        api.run(HttpRequest.DELETE("/store/kv-d")).assertStatusCode(StatusCodes.NOT_FOUND)
                .assertEntity("Key not found");
    }

    @Test
    void kalavaraQueryParametersAreNotPartOfTheKey() {
        api.run(HttpRequest.PUT("/store/kv-q?query=value").withEntity("val2")).assertStatusCode(StatusCodes.CREATED);
        api.run(HttpRequest.GET("/store/kv-q?que=valu")).assertEntity("val2");
        api.run(HttpRequest.DELETE("/store/kv-q?q=v")).assertStatusCode(StatusCodes.NO_CONTENT);
    }

    @Test
    void kalavaraKeysArePercentDecodedAndMayHoldSlashes() {
        api.run(HttpRequest.PUT("/store/kv%2Fa%20b/c").withEntity("deep")).assertStatusCode(StatusCodes.CREATED);
        api.run(HttpRequest.GET("/v1/kv/kv/a%20b/c")).assertStatusCode(StatusCodes.OK).assertEntity("deep");
    }

    @Test
    void kalavaraOtherMethodsAre405InKalavarasWords() {
        api.run(HttpRequest.create("/store/kv-m").withMethod(HttpMethods.PATCH))
                .assertStatusCode(StatusCodes.METHOD_NOT_ALLOWED).assertEntity("Method not allowd")
                .assertHeaderExists("Allow", "GET, PUT, POST, DELETE");
    }

    @Test
    void kalavaraBadKeysAndOversizedValuesAreRefusedAndChangeNothing() {
        api.run(HttpRequest.PUT("/store/kv-big").withEntity("small")).assertStatusCode(StatusCodes.CREATED);
        TestRouteResult big = api.run(HttpRequest.PUT("/store/kv-big").withEntity("v".repeat(1025)))
                .assertStatusCode(StatusCodes.PAYLOAD_TOO_LARGE);
        assertTrue(big.entityString().startsWith("Value too large: "), big.entityString());
        api.run(HttpRequest.GET("/store/kv-big")).assertEntity("small");
        api.run(HttpRequest.PUT("/store/").withEntity("x")).assertStatusCode(StatusCodes.BAD_REQUEST)
                .assertEntity("Bad key: key must not be empty");
        api.run(HttpRequest.PUT("/store/" + "k".repeat(65)).withEntity("x")).assertStatusCode(StatusCodes.BAD_REQUEST);
        api.run(HttpRequest.GET("/store/kv-big")).assertEntity("small");
    }

    // ---------------------------------------------------------------- one keyspace

    @Test
    void keysWrittenThroughSeedRoutesReadBackThroughV1() {
        addJson("/add/", "{\"key\":\"x-cc\",\"value\":\"from fastapi\"}").assertStatusCode(StatusCodes.OK);
        postText("/", "x-bc,from bitcask").assertEntity("Key saved");
        api.run(HttpRequest.PUT("/store/x-kv").withEntity("from kalavara")).assertStatusCode(StatusCodes.CREATED);
        api.run(HttpRequest.GET("/v1/kv/x-cc")).assertStatusCode(StatusCodes.OK).assertEntity("from fastapi");
        api.run(HttpRequest.GET("/v1/kv/x-bc")).assertStatusCode(StatusCodes.OK).assertEntity("from bitcask");
        api.run(HttpRequest.GET("/v1/kv/x-kv")).assertStatusCode(StatusCodes.OK).assertEntity("from kalavara");
    }

    @Test
    void keysWrittenThroughV1ReadBackThroughEverySeedRoute() {
        api.run(HttpRequest.PUT("/v1/kv/x-v1").withEntity("héllo")).assertStatusCode(StatusCodes.CREATED);
        assertEquals("héllo", json(api.run(HttpRequest.GET("/get/?key=x-v1")).entityString()).get("value").asText());
        api.run(HttpRequest.GET("/?key=x-v1")).assertEntity("Value: héllo");
        api.run(HttpRequest.GET("/store/x-v1")).assertEntity("héllo");
        api.run(HttpRequest.DELETE("/store/x-v1")).assertStatusCode(StatusCodes.NO_CONTENT);
        api.run(HttpRequest.GET("/v1/kv/x-v1")).assertStatusCode(StatusCodes.NOT_FOUND);
    }

    // ---------------------------------------------------------------- helpers

    private TestRouteResult addJson(String path, String body) {
        return api.run(HttpRequest.POST(path).withEntity(ContentTypes.APPLICATION_JSON, body));
    }

    private TestRouteResult postText(String path, String body) {
        return api.run(HttpRequest.POST(path).withEntity(ContentTypes.TEXT_PLAIN_UTF8, body));
    }

    /** A 422 whose first error has this type and location (null: any), as FastAPI lists it. */
    private void assertInvalid(String body, String type, String loc) {
        TestRouteResult result = addJson("/add/", body).assertStatusCode(StatusCodes.UNPROCESSABLE_ENTITY);
        assertEquals(JSON, result.response().entity().getContentType().toString());
        JsonNode error = json(result.entityString()).get("detail").get(0);
        assertEquals(type, error.get("type").asText(), result.entityString());
        if (loc != null) {
            assertEquals(loc, error.get("loc").toString(), result.entityString());
        }
        assertTrue(error.has("msg") && error.has("input"), result.entityString());
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
