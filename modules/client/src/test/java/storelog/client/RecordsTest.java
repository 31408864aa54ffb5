package storelog.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.DataType;
import storelog.api.PartitionInfo;

class RecordsTest {

    @RegisterExtension
    final TestNode.PerTest node = new TestNode.PerTest();

    @BeforeEach
    void fill() {
        node.client().publishBatch("r", IntStream.range(0, 5).mapToObj(i -> Entry.string("r" + i)).toList());
    }

    @Test
    void aRangeReturnsUpToMaxRecordsInOrderFromItsStart() {
        List<Record> range = node.client().records("r", 1, 3);

        assertThat(range).extracting(Record::offset).containsExactly(1L, 2L, 3L);
        assertThat(range).extracting(Record::asString).containsExactly("r1", "r2", "r3");
    }

    @Test
    void aRangeStopsAtThePartitionsEnd() {
        assertThat(node.client().records("r", 3, 100)).extracting(Record::offset).containsExactly(3L, 4L);
    }

    @Test
    void aRangeFromTheEndIsEmpty() {
        assertThat(node.client().records("r", 5, 10)).isEmpty();
    }

    @Test
    void partitionsListsEachPartitionWithItsNextOffset() {
        node.client().publish(new byte[] {1}, DataType.BYTES, "a");

        List<PartitionInfo> partitions = node.client().partitions();

        assertThat(partitions).extracting(p -> p.partition().value()).containsExactly("a", "r");
        assertThat(partitions).extracting(PartitionInfo::nextOffset).containsExactly(1L, 5L);
        assertThat(partitions).allSatisfy(p -> assertThat(p.bytes()).isPositive());
    }
}
