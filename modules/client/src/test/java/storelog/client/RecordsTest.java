package storelog.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.DataType;
import storelog.api.PartitionInfo;

class RecordsTest {

    private TestNode node;
    private StoreLogClient client;

    @BeforeEach
    void start(TestInfo test) {
        node = TestNode.start(test);
        client = node.client();
        client.publishBatch("r", IntStream.range(0, 5).mapToObj(i -> Entry.string("r" + i)).toList());
    }

    @AfterEach
    void stop() {
        client.close();
        node.close();
    }

    @Test
    void aRangeReturnsUpToMaxRecordsInOrderFromItsStart() {
        List<Record> range = client.records("r", 1, 3);

        assertThat(range).extracting(Record::offset).containsExactly(1L, 2L, 3L);
        assertThat(range).extracting(Record::asString).containsExactly("r1", "r2", "r3");
    }

    @Test
    void aRangeStopsAtThePartitionsEnd() {
        assertThat(client.records("r", 3, 100)).extracting(Record::offset).containsExactly(3L, 4L);
    }

    @Test
    void aRangeFromTheEndIsEmpty() {
        assertThat(client.records("r", 5, 10)).isEmpty();
    }

    @Test
    void partitionsListsEachPartitionWithItsNextOffset() {
        client.publish(new byte[] {1}, DataType.BYTES, "a");

        List<PartitionInfo> partitions = client.partitions();

        assertThat(partitions).extracting(p -> p.partition().value()).containsExactly("a", "r");
        assertThat(partitions).extracting(PartitionInfo::nextOffset).containsExactly(1L, 5L);
        assertThat(partitions).allSatisfy(p -> assertThat(p.bytes()).isPositive());
    }
}
