package storelog.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The publish answers written without the generator: byte for byte what the generator writes. */
class PublishedJsonTest {

    private static final long[] NUMBERS = {0, 1, 9, 10, 99, 12_345, Integer.MAX_VALUE, 1L << 40, Long.MAX_VALUE - 1, Long.MAX_VALUE, -1, Long.MIN_VALUE};

    private static byte[] generated(String partition, long offset) {
        return Json.bytes(json -> {
            json.writeStartObject();
            json.writeStringField("status", "ok");
            json.writeStringField("partition_key", partition);
            json.writeNumberField("offset", offset);
            json.writeEndObject();
        });
    }

    private static byte[] generatedBatch(String partition, long base, int count) {
        return Json.bytes(json -> {
            json.writeStartObject();
            json.writeStringField("status", "ok");
            json.writeStringField("partition_key", partition);
            json.writeNumberField("base_offset", base);
            json.writeNumberField("count", count);
            json.writeEndObject();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"p", "orders-2026/eu west~1", " !#$%&'()*+,-./:;<=>?@[]^_`{|}~", "__gaps", "x\u007f", "quote\"d",
        "back\\slash", "new\nline", "tab\tcr\r", "ctl\u0001\u001f", "é", "日本語", "emoji 😀", "nbsp\u00a0", "u2028\u2028",
        "lone\ud800 surrogate"})
    void theBytesAreTheGeneratorsForEveryKeyAndOffset(String partition) {
        for (long n : NUMBERS) {
            assertThat(PublishedJson.published(partition, n)).as("%s %d", partition, n).isEqualTo(generated(partition, n));
            for (int count : new int[] {0, 1, 10_000, Integer.MAX_VALUE}) {
                assertThat(PublishedJson.batchPublished(partition, n, count)).as("%s %d %d", partition, n, count)
                        .isEqualTo(generatedBatch(partition, n, count));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"p", "a longer key of printable ASCII ~"})
    void aPlainKeyIsWrittenWithoutTheGenerator(String partition) {
        assertThat(PublishedJson.plain(partition)).isTrue();
        assertThat(new String(PublishedJson.published(partition, 42), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"status\":\"ok\",\"partition_key\":\"" + partition + "\",\"offset\":42}");
    }
}
