package storelog.http;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.http.TestServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import storelog.testkit.TestData;

class PublishEndpointTest {

    private TestServer server;

    @BeforeEach
    void start(TestInfo test) {
        server = TestServer.builder(TestData.directory(test)).limits(HttpLimits.defaults().withMaxBodyBytes(64 * 1024)).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest(name = "type {1}: {0}")
    @CsvSource(delimiter = '|', value = {
            "{\"user\":\"ann\",\"n\":[1,2.5,true,null]}|0|{\"user\":\"ann\",\"n\":[1,2.5,true,null]}",
            "[1,2,3]|0|[1,2,3]",
            "42|0|42",
            "\"just text\"|0|\"just text\"",
            "\"aGVsbG8gd29ybGQ=\"|1|hello world",
            "\"héllo wörld 😀\"|2|héllo wörld 😀"})
    void eachDataTypeRoundTripsWithGoStoreLogsWireFormat(String data, int type, String stored) {
        HttpResponse<String> published = server.post("/publish",
                "{\"data\":" + data + ",\"data_type\":" + type + ",\"partition_key\":\"p\"}");
        assertThat(published.statusCode()).isEqualTo(200);
        assertThat(json(published).get("status").asText()).isEqualTo("ok");
        assertThat(json(published).get("partition_key").asText()).isEqualTo("p");
        assertThat(json(published).get("offset").asLong()).isZero();

        JsonNode read = json(server.get("/read?partition=p&offset=0"));
        assertThat(read.get("offset").asLong()).isZero();
        assertThat(read.get("data_type").asInt()).isEqualTo(type);
        assertThat(read.get("partition_key").asText()).isEqualTo("p");
        assertThat(read.get("timestamp").asLong()).isPositive();
        assertThat(new String(Base64.getDecoder().decode(read.get("data").asText()), StandardCharsets.UTF_8)).isEqualTo(stored);
        JsonNode value = read.get("value");
        switch (type) {
            case 0 -> assertThat(value).isEqualTo(TestServer.JSON.valueToTree(parse(data)));
            case 1 -> assertThat(value.asText()).isEqualTo(data.replace("\"", ""));
            default -> assertThat(value.asText()).isEqualTo(stored);
        }
    }

    private static Object parse(String json) {
        try {
            return TestServer.JSON.readValue(json, Object.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void offsetsGrowByOnePerPartition() {
        for (int i = 0; i < 5; i++) {
            assertThat(json(server.post("/publish", "{\"data\":" + i + ",\"data_type\":0,\"partition_key\":\"a\"}"))
                    .get("offset").asLong()).isEqualTo(i);
        }
        assertThat(json(server.post("/publish", "{\"data\":0,\"data_type\":0,\"partition_key\":\"b\"}")).get("offset").asLong())
                .isZero();
    }

    @Test
    void aMissingDataTypeMeansJsonAsInGoStoreLog() {
        assertThat(server.post("/publish", "{\"data\":{\"x\":1},\"partition_key\":\"p\"}").statusCode()).isEqualTo(200);
        assertThat(json(server.get("/read?partition=p&offset=0")).get("data_type").asInt()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not json|{nope|invalid_json",
            "not an object|[1,2]|invalid_json",
            "trailing data|{\"data\":1,\"partition_key\":\"p\"} {}|invalid_json",
            "missing key|{\"data\":1,\"data_type\":0}|missing_field",
            "missing data|{\"data_type\":0,\"partition_key\":\"p\"}|missing_field",
            "key not a string|{\"data\":1,\"data_type\":0,\"partition_key\":7}|invalid_field",
            "unknown type|{\"data\":1,\"data_type\":7,\"partition_key\":\"p\"}|invalid_record",
            "type not a number|{\"data\":1,\"data_type\":\"0\",\"partition_key\":\"p\"}|invalid_field",
            "bytes not base64|{\"data\":\"not base64!\",\"data_type\":1,\"partition_key\":\"p\"}|invalid_record",
            "bytes not a string|{\"data\":[1,2],\"data_type\":1,\"partition_key\":\"p\"}|invalid_record",
            "string not a string|{\"data\":{\"a\":1},\"data_type\":2,\"partition_key\":\"p\"}|invalid_record",
            "empty key|{\"data\":1,\"data_type\":0,\"partition_key\":\"\"}|invalid_partition_key",
            "reserved key|{\"data\":1,\"data_type\":0,\"partition_key\":\"__gaps\"}|invalid_partition_key",
            "lone high surrogate in a string|{\"data\":\"a\\ud800b\",\"data_type\":2,\"partition_key\":\"p\"}|invalid_record",
            "lone low surrogate in a string|{\"data\":\"\\udc00\",\"data_type\":2,\"partition_key\":\"p\"}|invalid_record",
            "lone surrogate as a JSON string|{\"data\":\"x\\ud800\",\"data_type\":0,\"partition_key\":\"p\"}|invalid_record",
            "lone surrogate inside JSON|{\"data\":{\"k\":[\"\\udbff\"]},\"data_type\":0,\"partition_key\":\"p\"}|invalid_record",
            "swapped surrogates inside JSON|{\"data\":[\"\\ude00\\ud83d\"],\"partition_key\":\"p\"}|invalid_record",
            "lone surrogate in a JSON name|{\"data\":{\"\\ud800\":1},\"partition_key\":\"p\"}|invalid_json",
            "lone surrogate in the key|{\"data\":1,\"partition_key\":\"\\ud800\"}|invalid_partition_key"})
    void badInputIs400WithItsCode(String what, String body, String code) {
        HttpResponse<String> response = server.post("/publish", body);
        assertThat(response.statusCode()).as(what).isEqualTo(400);
        assertThat(json(response).get("code").asText()).isEqualTo(code);
        assertThat(json(response).get("error").asText()).isNotBlank();
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(server.engine.partitions()).isEmpty();
    }

    @Test
    void anEscapedSurrogatePairIsOneCharacter() {
        assertThat(server.post("/publish", "{\"data\":\"\\ud83d\\ude00\",\"data_type\":2,\"partition_key\":\"p\"}").statusCode())
                .isEqualTo(200);
        assertThat(server.post("/publish", "{\"data\":{\"e\":\"\\ud83d\\ude00\"},\"partition_key\":\"p\"}").statusCode())
                .isEqualTo(200);
        assertThat(json(server.get("/read?partition=p&offset=0")).get("value").asText()).isEqualTo("\uD83D\uDE00");
        assertThat(json(server.get("/read?partition=p&offset=1")).get("value").get("e").asText()).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void aNumberLongerThanTheParserAllowsIs400NumberTooLong() {
        HttpResponse<String> response = server.post("/publish", "{\"data\":1" + "0".repeat(1000) + ",\"partition_key\":\"p\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("code").asText()).isEqualTo("number_too_long");
    }

    @Test
    void aKeyOver255BytesIs400() {
        HttpResponse<String> response = server.post("/publish", "{\"data\":1,\"partition_key\":\"" + "k".repeat(256) + "\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("code").asText()).isEqualTo("invalid_partition_key");
    }

    @Test
    void tenThousandDeepJsonIs400WithoutAStackOverflow() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        HttpResponse<String> response = server.post("/publish", "{\"data\":" + deep + ",\"data_type\":0,\"partition_key\":\"p\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("code").asText()).isEqualTo("json_too_deep");
        assertThat(server.post("/publish", "{\"data\":[[[1]]],\"partition_key\":\"p\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyOverTheLimitIs413WithTheJsonErrorBody() {
        String big = "{\"data\":\"" + "x".repeat(70 * 1024) + "\",\"data_type\":2,\"partition_key\":\"p\"}";
        HttpResponse<String> response = server.post("/publish", big);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json(response).get("code").asText()).isEqualTo("payload_too_large");
        assertThat(json(response).get("error").asText()).contains("65536");
    }

    @Test
    void aChunkedBodyOverTheLimitIs413Too() {
        byte[] big = ("{\"data\":\"" + "x".repeat(70 * 1024) + "\",\"data_type\":2,\"partition_key\":\"p\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/publish"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json(response).get("code").asText()).isEqualTo("payload_too_large");
        assertThat(server.engine.partitions()).isEmpty();
    }

    @Test
    void aBodyThatIsNotJsonByTypeIs415() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/publish"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":1,\"partition_key\":\"p\"}")).build());
        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(json(response).get("code").asText()).isEqualTo("unsupported_media_type");
    }

    @Test
    void aJsonContentTypeWithACharsetIsAccepted() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/publish"))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":1,\"partition_key\":\"p\"}")).build());
        assertThat(response.statusCode()).isEqualTo(200);
    }

    /** Pins the content-type check around its fast path for a bare {@code application/json} (Requests.requireJson). */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "application/json|200", "APPLICATION/JSON|200", "Application/Json|200", "application/json;charset=UTF-8|200",
            "application/json-seq|415", "application/jsonx|415", "application/problem+json|415", "text/json|415",
            "'application/json, text/plain'|415"})
    void theContentTypeIsCheckedWhateverItsCase(String type, int status) {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri("/publish"))
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":1,\"partition_key\":\"p\"}")).build());
        assertThat(response.statusCode()).isEqualTo(status);
    }

    @Test
    void aWrongMethodIs405WithAllow() {
        HttpResponse<String> response = server.get("/publish");
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).contains("POST");
        assertThat(json(response).get("code").asText()).isEqualTo("method_not_allowed");
    }
}
