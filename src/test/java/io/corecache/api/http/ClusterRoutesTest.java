package io.corecache.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterRoutesTest extends NodeRouteTest {

    @Test
    void describesTheNodeAndEveryPartitionWithItsKeys() throws Exception {
        for (int i = 0; i < 20; i++) {
            api.run(HttpRequest.PUT("/v1/kv/c" + i).withEntity("v")).assertStatusCode(StatusCodes.CREATED);
        }
        JsonNode body = new ObjectMapper().readTree(api.run(HttpRequest.GET("/v1/cluster"))
                .assertStatusCode(StatusCodes.OK).entityString());
        assertEquals(node.identity().nodeId(), body.get("node").get("id").asText());
        assertEquals("up", body.get("node").get("status").asText());
        assertTrue(body.get("node").get("address").asText().startsWith("pekko://corecache@127.0.0.1:"));
        assertEquals(8, body.get("partitions").size());
        long keys = 0;
        for (JsonNode partition : body.get("partitions")) {
            assertEquals("serving", partition.get("status").asText());
            assertEquals(partition.get("partition").asInt() + "@" + node.identity().nodeId(),
                    partition.get("replica").asText());
            keys += partition.get("keys").asLong();
            assertTrue(partition.get("disk_bytes").asLong() >= 0);
        }
        assertEquals(20, keys);
        assertEquals(20, body.get("keys").asLong());
    }
}
