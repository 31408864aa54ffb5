package storelog.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
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
