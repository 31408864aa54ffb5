package storelog.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import com.fasterxml.jackson.core.StreamReadConstraints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import storelog.api.InvalidRecordException;

/** GoStoreLog's wire format as the handlers parse it: limits enforced while parsing. */
class WireFormatTest {

    private final WireFormat wire = new WireFormat(WireFormat.DEFAULT_MAX_DEPTH);

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A batch body of {@code count} records, then {@code tail} before the closing brackets. */
    private static byte[] batch(int count, String tail) {
        StringBuilder body = new StringBuilder("{\"partition_key\":\"b\",\"records\":[");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",").append("{\"data\":").append(i).append('}');
        }
        return utf8(body.append(tail).append("]}").toString());
    }

    /** A string given as {@code data} of a JSON record is stored as that JSON string: escaped where it must be. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "plain ASCII|x y~z\u007f|\"x y~z\u007f\"",
            "empty|''|\"\"",
            "quote and backslash|a\\\"b\\\\c|\"a\\\"b\\\\c\"",
            "controls|a\\n\\t\\r\\u0001|\"a\\n\\t\\r\\u0001\"",
            "beyond ASCII|é日😀|\"é日😀\""})
    void aStringAsJsonDataIsStoredQuotedAndEscaped(String name, String escapedInBody, String stored) {
        String json = "{\"data\":\"" + escapedInBody + "\",\"data_type\":0,\"partition_key\":\"p\"}";
        Payload payload = wire.publish(utf8(json)).payload();
        assertThat(new String(payload.bytes(), StandardCharsets.UTF_8)).isEqualTo(stored);
        assertThat(payload.type()).isEqualTo(storelog.api.DataType.JSON);
    }

    @Test
    void aLoneSurrogateInAStringAsJsonDataIsRefused() {
        assertThatThrownBy(() -> wire.publish(utf8("{\"data\":\"ab\\ud800\",\"data_type\":0,\"partition_key\":\"p\"}")))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("lone surrogate");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{\"data\":[[[[[1]]]]],\"partition_key\":\"p\"}|json_too_deep|nests deeper than 4 levels",
            "{\"data\":123456789,\"partition_key\":\"p\"}|number_too_long|a number in the JSON is longer than 5 characters",
            "{\"data\":1.2345678,\"partition_key\":\"p\"}|number_too_long|a number in the JSON is longer than 5 characters",
            "{\"data\":\"0123456789abc\",\"partition_key\":\"p\"}|string_too_long|a string in the JSON is longer than 10 characters",
            "{\"data\":{\"abcdefghijklmnop\":1},\"partition_key\":\"p\"}|name_too_long|a field name in the JSON is longer than 10 characters",
            "{\"data\":[1,2,3,4,5,6,7,8,9,1,2,3,4,5,6,7,8,9,1,2,3,4,5,6,7,8,9,1,2,3],\"partition_key\":\"p\"}|json_too_large|more than 30 tokens"})
    void eachJacksonLimitHasItsOwnCode(String body, String code, String message) {
        WireFormat small = new WireFormat(StreamReadConstraints.builder().maxNestingDepth(4).maxNumberLength(5)
                .maxStringLength(10).maxNameLength(10).maxTokenCount(30).build());
        assertThatThrownBy(() -> small.publish(utf8(body))).isInstanceOfSatisfying(BadRequestException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void aDocumentLongerThanJacksonAllowsIsJsonTooLarge() {
        WireFormat small = new WireFormat(StreamReadConstraints.builder().maxDocumentLength(40).build());
        assertThatThrownBy(() -> small.publish(utf8("{\"data\":\"" + "x".repeat(8000) + "\",\"partition_key\":\"p\"}")))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.code()).isEqualTo("json_too_large"));
    }

    @Test
    void aBatchOfTenThousandRecordsIsParsed() {
        assertThat(wire.batch(batch(LogService.MAX_BATCH_RECORDS, "")).payloads()).hasSize(LogService.MAX_BATCH_RECORDS);
    }

    @Test
    void theRecordAfterTheTenThousandthStopsTheParse() {
        // what follows the 10,001st record is not even JSON: only a parse that stops at the limit says "at most"
        assertThatThrownBy(() -> wire.batch(batch(LogService.MAX_BATCH_RECORDS + 1, ",{\"data\":")))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("at most 10000 records");
    }

    @Test
    void replicationBatchesHaveTheSameLimit() {
        StringBuilder body = new StringBuilder("{\"partition_key\":\"b\",\"offset\":0,\"epoch\":1,\"records\":[");
        for (int i = 0; i <= LogService.MAX_BATCH_RECORDS; i++) {
            body.append(i == 0 ? "" : ",").append("{\"data\":\"MQ==\"}");
        }
        assertThatThrownBy(() -> wire.replicate(utf8(body.append(",garbage").toString())))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("at most 10000 records");
    }
}
