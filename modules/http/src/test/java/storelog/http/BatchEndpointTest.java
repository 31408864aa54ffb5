package storelog.http;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.http.TestServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

class BatchEndpointTest {

    private TestServer server;

    @BeforeEach
    void start(TestInfo test) {
        server = new TestServer(TestData.directory(test));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aBatchIsStoredAtConsecutiveOffsets() {
        server.post("/publish", "{\"data\":0,\"partition_key\":\"b\"}");
        HttpResponse<String> response = server.post("/publish/batch", "{\"partition_key\":\"b\",\"records\":["
                + "{\"data\":{\"n\":1},\"data_type\":0},{\"data\":\"AAEC\",\"data_type\":1},{\"data\":\"three\",\"data_type\":2}]}");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("status").asText()).isEqualTo("ok");
        assertThat(body.get("partition_key").asText()).isEqualTo("b");
        assertThat(body.get("base_offset").asLong()).isEqualTo(1);
        assertThat(body.get("count").asInt()).isEqualTo(3);
        assertThat(json(server.get("/read?partition=b&offset=3")).get("value").asText()).isEqualTo("three");
        assertThat(json(server.get("/read?partition=b&offset=2")).get("data").asText()).isEqualTo("AAEC");
    }

    @Test
    void aBatchWithOneBadRecordLeavesNothingBehind() {
        server.post("/publish", "{\"data\":0,\"partition_key\":\"b\"}");
        HttpResponse<String> response = server.post("/publish/batch", "{\"partition_key\":\"b\",\"records\":["
                + "{\"data\":1,\"data_type\":0},{\"data\":\"%%%\",\"data_type\":1},{\"data\":3,\"data_type\":0}]}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("code").asText()).isEqualTo("invalid_record");
        assertThat(json(response).get("error").asText()).startsWith("record 1: ");
        assertThat(json(server.get("/partitions")).get(0).get("next_offset").asLong()).isEqualTo(1);
    }

    @Test
    void anEmptyOrMissingRecordListIs400() {
        assertThat(server.post("/publish/batch", "{\"partition_key\":\"b\",\"records\":[]}").statusCode()).isEqualTo(400);
        HttpResponse<String> missing = server.post("/publish/batch", "{\"partition_key\":\"b\"}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(json(missing).get("code").asText()).isEqualTo("missing_field");
        assertThat(server.post("/publish/batch", "{\"partition_key\":\"b\",\"records\":{}}").statusCode()).isEqualTo(400);
    }

    @Test
    void moreThanTenThousandRecordsIs400() {
        StringBuilder body = new StringBuilder("{\"partition_key\":\"b\",\"records\":[");
        for (int i = 0; i <= 10_000; i++) {
            body.append(i == 0 ? "" : ",").append("{\"data\":1}");
        }
        HttpResponse<String> response = server.post("/publish/batch", body.append("]}").toString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("error").asText()).contains("at most 10000");
        assertThat(server.engine.partitions()).isEmpty();
    }

    @Test
    void batchesToReservedPartitionsAreRefused() {
        HttpResponse<String> response = server.post("/publish/batch", "{\"partition_key\":\"__gaps\",\"records\":[{\"data\":1}]}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("code").asText()).isEqualTo("invalid_partition_key");
    }
}
