package storelog.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.DataType;

class PublishBatchTest {

    @RegisterExtension
    final TestNode.PerTest node = new TestNode.PerTest();

    @Test
    void aBatchIsStoredAtConsecutiveOffsetsFromItsBaseOffset() {
        node.client().publish("before", DataType.STRING, "b");

        long base = node.client().publishBatch("b", List.of(
                Entry.json(Map.of("n", 1)), Entry.bytes(new byte[] {0, (byte) 0xFF}), Entry.string("three")));

        assertThat(base).isEqualTo(1);
        List<Record> stored = node.client().records("b", base, 10);
        assertThat(stored).extracting(Record::offset).containsExactly(1L, 2L, 3L);
        assertThat(stored).extracting(Record::type).containsExactly(DataType.JSON, DataType.BYTES, DataType.STRING);
        assertThat(stored.get(0).asJsonNode().get("n").asInt()).isEqualTo(1);
        assertThat(stored.get(1).asBytes()).containsExactly(0, 0xFF);
        assertThat(stored.get(2).asString()).isEqualTo("three");
        assertThat(node.client().partitions().get(0).nextOffset()).isEqualTo(4);
    }

    @Test
    void aRefusedBatchIsAnInvalidRecordErrorAndStoresNothing() {
        node.client().publish("before", DataType.STRING, "b");
        List<Entry> tooMany = new ArrayList<>();
        for (int i = 0; i <= 10_000; i++) {
            tooMany.add(Entry.json(i));
        }

        StoreLogClientException refused = catchThrowableOfType(StoreLogClientException.class,
                () -> node.client().publishBatch("b", tooMany));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.code()).isEqualTo("invalid_record");
        assertThat(refused.serverMessage()).contains("at most 10000");
        assertThat(node.client().partitions().get(0).nextOffset()).isEqualTo(1);
    }

    @Test
    void anEmptyBatchIsRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> node.client().publishBatch("b", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
        assertThat(node.client().partitions()).isEmpty();
    }

    @Test
    void anEntryOfTheWrongJavaTypeIsRefusedWhenCreated() {
        assertThatThrownBy(() -> Entry.of(42, DataType.STRING))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Integer");
        assertThatThrownBy(() -> Entry.of("text", DataType.BYTES))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("byte[]");
    }
}
