package storelog.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.DataType;

class PublishAndReadTest {

    record Reading(String sensor, double celsius, List<String> tags) {
    }

    @RegisterExtension
    final TestNode.PerTest node = new TestNode.PerTest();

    @Test
    void aJsonRecordReadsBackAsTheSameValue() {
        Reading reading = new Reading("s-1", 21.5, List.of("attic", "north"));
        long offset = node.client().publish(reading, DataType.JSON, "sensors");

        Record record = node.client().read("sensors", offset);
        assertThat(record.type()).isEqualTo(DataType.JSON);
        assertThat(record.partition()).isEqualTo("sensors");
        assertThat(record.offset()).isEqualTo(offset);
        assertThat(record.asJson(Reading.class)).isEqualTo(reading);
        assertThat(record.asJsonNode().get("tags").get(1).asText()).isEqualTo("north");
        assertThat(record.timestamp()).isPositive();
    }

    @Test
    void aJsonRecordReadsBackAsItsJsonText() {
        long offset = node.client().publish(Map.of("n", 1), DataType.JSON, "p");
        assertThat(node.client().read("p", offset).asString()).isEqualTo("{\"n\":1}");
    }

    @Test
    void everyByteValueSurvivesABytesRecord() {
        byte[] bytes = {0x00, (byte) 0xFF, 0x7F, (byte) 0x80, 0x0A, 0x00};
        long offset = node.client().publish(bytes, DataType.BYTES, "blobs");

        Record record = node.client().read("blobs", offset);
        assertThat(record.type()).isEqualTo(DataType.BYTES);
        assertThat(record.asBytes()).containsExactly(bytes);
    }

    @Test
    void aNonAsciiStringSurvivesAStringRecord() {
        String text = "grüße, 東京 🚀 \"quoted\"\n";
        long offset = node.client().publish(text, DataType.STRING, "text");

        Record record = node.client().read("text", offset);
        assertThat(record.type()).isEqualTo(DataType.STRING);
        assertThat(record.asString()).isEqualTo(text);
    }

    @Test
    void offsetsOfAPartitionStartAtZeroWithoutGaps() {
        assertThat(node.client().publish("a", DataType.STRING, "p")).isEqualTo(0);
        assertThat(node.client().publish(new byte[] {1}, DataType.BYTES, "p")).isEqualTo(1);
        assertThat(node.client().publish(List.of(1, 2), DataType.JSON, "p")).isEqualTo(2);
        assertThat(node.client().publish("first", DataType.STRING, "other")).isEqualTo(0);
    }

    @Test
    void partitionKeysWithSpacesAndNonAsciiRoundTrip() {
        String key = "a b/ü&x=1?+";
        long offset = node.client().publish("v", DataType.STRING, key);

        assertThat(node.client().read(key, offset).partition()).isEqualTo(key);
        assertThat(node.client().partitions()).extracting(p -> p.partition().value()).containsExactly(key);
    }

    @Test
    void dataOfTheWrongJavaTypeIsRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> node.client().publish("text", DataType.BYTES, "p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("byte[]");
        assertThatThrownBy(() -> node.client().publish(new byte[] {1}, DataType.STRING, "p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("String");
        assertThatThrownBy(() -> node.client().publish(new byte[] {1}, DataType.JSON, "p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BYTES");
        assertThatThrownBy(() -> node.client().publish(new Object(), DataType.JSON, "p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON");
        assertThat(node.client().partitions()).isEmpty();
    }

    @Test
    void anAccessorThatDoesNotFitTheTypeNamesTheType() {
        node.client().publish(new byte[] {1, 2}, DataType.BYTES, "b");
        node.client().publish("text", DataType.STRING, "s");
        Record bytes = node.client().read("b", 0);
        Record string = node.client().read("s", 0);

        assertThatThrownBy(() -> bytes.asJson(JsonNode.class))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("BYTES");
        assertThatThrownBy(bytes::asString)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("BYTES");
        assertThatThrownBy(string::asJsonNode)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("STRING");
    }
}
