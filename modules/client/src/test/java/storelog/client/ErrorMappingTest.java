package storelog.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.DataType;

class ErrorMappingTest {

    private TestNode node;
    private StoreLogClient client;

    @BeforeEach
    void start(TestInfo test) {
        node = TestNode.start(test, Map.of("MAX_BODY_BYTES", "2048"));
        client = node.client();
    }

    @AfterEach
    void stop() {
        client.close();
        node.close();
    }

    @Test
    void anUnknownPartitionIs404UnknownPartition() {
        StoreLogClientException e = catchThrowableOfType(StoreLogClientException.class, () -> client.read("nowhere", 0));

        assertThat(e.status()).isEqualTo(404);
        assertThat(e.code()).isEqualTo("unknown_partition");
        assertThat(e.serverMessage()).contains("nowhere");
        assertThat(e.nextOffset()).isEmpty();
    }

    @Test
    void anOffsetPastTheEndIs404OffsetOutOfRangeWithTheNextOffset() {
        client.publish("a", DataType.STRING, "p");
        client.publish("b", DataType.STRING, "p");

        StoreLogClientException e = catchThrowableOfType(StoreLogClientException.class, () -> client.read("p", 7));

        assertThat(e.status()).isEqualTo(404);
        assertThat(e.code()).isEqualTo("offset_out_of_range");
        assertThat(e.nextOffset()).hasValue(2);
    }

    @Test
    void aReservedPartitionIs400InvalidPartitionKey() {
        StoreLogClientException e = catchThrowableOfType(StoreLogClientException.class,
                () -> client.publish("x", DataType.STRING, "__x"));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("invalid_partition_key");
    }

    @Test
    void aBodyOverTheLimitIs413PayloadTooLarge() {
        StoreLogClientException e = catchThrowableOfType(StoreLogClientException.class,
                () -> client.publish("x".repeat(3000), DataType.STRING, "p"));

        assertThat(e.status()).isEqualTo(413);
        assertThat(e.code()).isEqualTo("payload_too_large");
        assertThat(e.getMessage()).contains("413", "payload_too_large", "MAX_BODY_BYTES");
    }
}
