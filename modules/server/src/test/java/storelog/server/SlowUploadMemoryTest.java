package storelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/**
 * A request body takes heap as its bytes arrive, not as its {@code Content-Length} promises: uploads
 * that declared large bodies and are still sending them must not, together, exhaust a small heap
 * before their bytes exist (each one fits; their declarations together do not).
 */
class SlowUploadMemoryTest {

    private static final int HEAP_MIB = 64;
    private static final int UPLOADS = 12;
    /** Below MAX_BODY_BYTES (8 MiB); twelve of them are more than the whole heap. */
    private static final int DECLARED = 6 << 20;

    @Test
    void uploadsThatDeclaredMoreThanTheHeapTogetherAreEachServedWhenTheirBodiesArrive(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        try (ServerProcess server = ServerProcess.start(dir.resolve("run"), Map.of("DATA_DIR", dir.resolve("data").toString(),
                "HTTP_PORT", "0", "HTTP_HOST", "127.0.0.1", "FSYNC", "never"), List.of("-Xmx" + HEAP_MIB + "m", "-XX:+UseSerialGC"))) {
            int port = server.awaitPort();
            List<RawConnection> uploads = new ArrayList<>();
            try {
                for (int i = 0; i < UPLOADS; i++) {
                    uploads.add(new RawConnection(port).startUpload("/publish", DECLARED)); // in flight: the handler reads the body
                }
                for (int i = 0; i < UPLOADS; i++) {
                    String record = "{\"data\":\"upload " + i + "\",\"data_type\":2,\"partition_key\":\"p\"}";
                    uploads.get(i).send(record + " ".repeat(DECLARED - record.length())); // JSON whitespace up to the declared length
                    assertThat(uploads.get(i).readResponse()).as("upload %d (server log: %s)", i, server.stderr())
                            .startsWith("HTTP/1.1 200").contains("\"offset\":" + i);
                }
            } finally {
                uploads.forEach(RawConnection::close);
            }
        }
    }
}
