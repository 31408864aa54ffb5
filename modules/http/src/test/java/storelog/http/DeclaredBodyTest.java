package storelog.http;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.http.TestServer.json;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.testkit.TestData;

/** A body of declared length is read whole and byte for byte, whether it fits the first read or grows past it. */
class DeclaredBodyTest {

    @ParameterizedTest(name = "{0} characters of data")
    // bodies (45 bytes around the data) of 64 KiB, the first read, and a byte more; of 128 KiB and a byte more
    @ValueSource(ints = {0, 1, 65_491, 65_492, 131_027, 131_028, 200_001})
    void aBodyIsStoredExactlyWhateverItsLength(int characters, TestInfo test) {
        StringBuilder data = new StringBuilder(characters);
        for (int i = 0; i < characters; i++) {
            data.append((char) ('a' + i * 7919 % 26)); // no run repeats at the size of an array's growth
        }
        try (TestServer server = TestServer.builder(TestData.directory(test)).limits(HttpLimits.defaults().withMaxBodyBytes(1 << 20)).start()) {
            HttpResponse<String> published = server.post("/publish", "{\"data\":\"" + data + "\",\"data_type\":2,\"partition_key\":\"p\"}");
            assertThat(published.statusCode()).isEqualTo(200);

            String stored = new String(Base64.getDecoder().decode(json(server.get("/read?partition=p&offset=0")).get("data").asText()),
                    StandardCharsets.UTF_8);
            assertThat(stored).isEqualTo(data.toString());
        }
    }
}
