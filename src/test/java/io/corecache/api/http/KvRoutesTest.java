package io.corecache.api.http;

import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KvRoutesTest extends NodeRouteTest {

    @Test
    void putThenGetReturnsTheValueWithItsRevision() {
        api.run(HttpRequest.PUT("/v1/kv/first").withEntity("one"))
                .assertStatusCode(StatusCodes.CREATED)
                .assertHeaderExists("ETag", "\"1\"");
        api.run(HttpRequest.GET("/v1/kv/first"))
                .assertStatusCode(StatusCodes.OK)
                .assertEntity("one")
                .assertHeaderExists("ETag", "\"1\"");
        api.run(HttpRequest.PUT("/v1/kv/first").withEntity("two"))
                .assertStatusCode(StatusCodes.OK);
    }

    @Test
    void ifMatchWithAStaleRevisionIsRefusedAndChangesNothing() {
        api.run(HttpRequest.PUT("/v1/kv/guarded").withEntity("v1")).assertStatusCode(StatusCodes.CREATED);
        String etag = api.run(HttpRequest.GET("/v1/kv/guarded"))
                .header(org.apache.pekko.http.javadsl.model.headers.ETag.class).value();
        api.run(HttpRequest.PUT("/v1/kv/guarded").withEntity("v2").addHeader(RawHeader.create("If-Match", "\"999\"")))
                .assertStatusCode(StatusCodes.PRECONDITION_FAILED);
        api.run(HttpRequest.GET("/v1/kv/guarded")).assertEntity("v1");
        api.run(HttpRequest.PUT("/v1/kv/guarded").withEntity("v2").addHeader(RawHeader.create("If-Match", etag)))
                .assertStatusCode(StatusCodes.OK);
        assertEquals("v2", api.run(HttpRequest.GET("/v1/kv/guarded")).entityString());
    }
}
