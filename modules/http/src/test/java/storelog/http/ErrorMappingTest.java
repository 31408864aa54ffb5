package storelog.http;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.http.TestServer.json;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import storelog.testkit.TestData;

/** Failures below the HTTP layer become typed JSON errors, and the server keeps serving. */
class ErrorMappingTest {

    private TestServer server;

    @BeforeEach
    void start(TestInfo test) {
        server = TestServer.builder(TestData.directory(test)).limits(HttpLimits.defaults().withMaxBodyBytes(64 * 1024)).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anUnexpectedExceptionIs500AndTheServerKeepsServing() {
        HttpResponse<String> response = server.post("/publish", "{\"data\":1,\"partition_key\":\"boom\"}");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(json(response).get("code").asText()).isEqualTo("internal_error");
        assertThat(json(response).get("error").asText()).doesNotContain("a bug").contains("IllegalStateException");
        assertThat(server.post("/publish", "{\"data\":1,\"partition_key\":\"fine\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void aFullDiskIs507() {
        HttpResponse<String> response = server.post("/publish", "{\"data\":1,\"partition_key\":\"full\"}");
        assertThat(response.statusCode()).isEqualTo(507);
        assertThat(json(response).get("code").asText()).isEqualTo("storage_full");
    }

    @Test
    void aFailedPartitionIs503() {
        HttpResponse<String> response = server.post("/publish", "{\"data\":1,\"partition_key\":\"failed\"}");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response).get("code").asText()).isEqualTo("storage_failed");
    }

    @ParameterizedTest
    @CsvSource({"unreplicated, true", "unstored, false"})
    void notEnoughReplicasSaysWhetherTheWriteWasStored(String partition, boolean stored) {
        HttpResponse<String> response = server.post("/publish", "{\"data\":1,\"partition_key\":\"" + partition + "\"}");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response).get("code").asText()).isEqualTo("not_enough_replicas");
        assertThat(json(response).get("stored").asBoolean(!stored)).as(response.body()).isEqualTo(stored);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void aCorruptRecordIs500NamingTheDamageWhileOnlyTheLogNamesThePath() {
        try (LogCapture log = new LogCapture()) {
            HttpResponse<String> response = server.get("/read?partition=corrupt&offset=0");
            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(json(response).get("code").asText()).isEqualTo("corrupt_record");
            assertThat(json(response).get("error").asText()).contains("CRC-32C").contains("segment_0.store").doesNotContain("/data");
            assertThat(log.records()).anySatisfy(r -> assertThat(r.getMessage()).contains("/data/corrupt/segment_0.store"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "full|507|storage_full|the disk under .../full is full: the append to partition \"full\" was not stored",
            "failed|503|storage_failed|(java.nio.file.AccessDeniedException: .../segment_0.index); it recovers"})
    void storageFailuresTellTheClientWhatHappenedButNotWhereOnDisk(String partition, int status, String code, String message) {
        try (LogCapture log = new LogCapture()) {
            HttpResponse<String> response = server.post("/publish", "{\"data\":1,\"partition_key\":\"" + partition + "\"}");
            assertThat(response.statusCode()).isEqualTo(status);
            assertThat(json(response).get("code").asText()).isEqualTo(code);
            assertThat(json(response).get("error").asText()).contains(message).doesNotContain("/data");
            assertThat(log.records()).anySatisfy(r -> assertThat(r.getMessage()).contains("/data/" + partition)
                    .contains("POST /publish"));
        }
    }

    @Test
    void aPartitionKeyThatLooksLikeAPathIsQuotedAsItIs() {
        HttpResponse<String> response = server.get("/read?partition=%2Fetc%2Fpasswd&offset=0");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).get("error").asText()).contains("\"/etc/passwd\"");
    }

    @Test
    void aDeclaredBodyFarOverTheLimitIsRefusedByTheListenerWithTheJsonBody() throws Exception {
        String response = raw("POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 413");
        assertThat(response).contains("\"code\":\"payload_too_large\"").contains("65536");
    }

    @Test
    void aMalformedRequestLineGetsTheJsonBody() throws Exception {
        String response = raw("NOT A REQUEST\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 400");
        assertThat(response).contains("\"code\":\"bad_request\"");
    }

    @Test
    void anAbortedUploadIsOneWarningLineNotAnErrorWithAStack() throws Exception {
        try (LogCapture log = new LogCapture()) {
            try (Socket socket = new Socket("127.0.0.1", server.web.port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n"
                        + "Expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                socket.setSoTimeout(10_000);
                assertThat(new String(socket.getInputStream().readNBytes(25), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 100");
                out.write("{\"data\":\"only the begi".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            await("a warning").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                    .until(() -> log.records().stream().anyMatch(r -> r.getLevel().intValue() >= Level.WARNING.intValue()));
            assertThat(server.post("/publish", "{\"data\":1,\"partition_key\":\"after\"}").statusCode()).isEqualTo(200);
            assertThat(log.records()).filteredOn(r -> r.getLevel().intValue() >= Level.WARNING.intValue()).singleElement().satisfies(r -> {
                assertThat(r.getLevel()).isEqualTo(Level.WARNING);
                assertThat(r.getThrown()).isNull();
                assertThat(r.getMessage()).contains("POST /publish").contains("closed").doesNotContain("\n");
            });
        }
    }

    private String raw(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.web.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
