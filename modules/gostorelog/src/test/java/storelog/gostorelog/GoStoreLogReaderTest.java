package storelog.gostorelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.DataType;
import storelog.testkit.GoStoreLogWriter.Frame;
import storelog.testkit.GoStoreLogWriter.Written;
import storelog.testkit.GoStoreLogWriter;
import storelog.testkit.TestData;

class GoStoreLogReaderTest {

    private Path source;
    private GoStoreLogWriter writer;

    @BeforeEach
    void setUp(TestInfo test) {
        source = TestData.directory(test).resolve("gostorelog");
        writer = new GoStoreLogWriter(source, 400);
    }

    @Test
    void partitionsSegmentsAndRecordsAreListedInOrderWithTypeAndPayload() throws IOException {
        List<Frame> frames = Fixtures.mixed("orders", 40, 1);
        writer.write("orders", frames);
        writer.write("audit", List.of(Frame.string("one")));
        Files.writeString(source.resolve("README.txt"), "not a partition");

        List<GoPartition> partitions = GoStoreLogDirectory.open(source).partitions();

        assertThat(partitions).extracting(GoPartition::name).containsExactly("audit", "orders");
        GoPartition orders = partitions.get(1);
        assertThat(orders.segments()).hasSizeGreaterThan(3).extracting(GoSegment::base).isSorted();
        assertThat(orders.firstOffset()).hasValue(0);
        assertThat(orders.indexedRecords()).isEqualTo(40);
        List<GoRecord> records = readAll(orders);
        assertThat(records).extracting(GoRecord::offset).containsExactlyElementsOf(offsets(0, 40));
        for (int i = 0; i < frames.size(); i++) {
            assertThat(records.get(i).type()).isEqualTo(DataType.fromCode(frames.get(i).type()));
            assertThat(records.get(i).payload()).isEqualTo(frames.get(i).payload());
        }
    }

    @Test
    void aPartitionThatDoesNotStartAtZeroReportsItsFirstOffsetAndReadsFromThere() throws IOException {
        writer.write("trimmed", 1000, Fixtures.mixed("trimmed", 12, 2));

        GoPartition trimmed = GoStoreLogDirectory.open(source).partitions().getFirst();

        assertThat(trimmed.firstOffset()).hasValue(1000);
        assertThat(readAll(trimmed)).extracting(GoRecord::offset).containsExactlyElementsOf(offsets(1000, 12));
    }

    @Test
    void aTruncatedStoreNamesTheFrameThatRunsPastTheEndAfterReturningTheRecordsBeforeIt() throws IOException {
        List<Written> written = writer.write("p", Fixtures.mixed("p", 10, 3));
        Written last = written.getLast();
        Fixtures.truncate(last.store(), Files.size(last.store()) - 3);

        GoStoreLogFormatException e = readUntilProblem(9);

        assertThat(e.file()).isEqualTo(last.store());
        assertThat(e.position()).isEqualTo(last.position());
        assertThat(e.problem().offset()).isEqualTo(9);
        assertThat(e).hasMessageContaining(last.store().toString()).hasMessageContaining("runs past the end");
    }

    @Test
    void anIndexEntryPointingPastTheStoreIsNamed() throws IOException {
        Written third = writer.write("p", Fixtures.mixed("p", 10, 4)).get(2);
        Fixtures.overwriteLong(third.index(), third.indexPosition() + 8, Files.size(third.store()) + 100);

        GoStoreLogFormatException e = readUntilProblem(2);

        assertThat(e.file()).isEqualTo(third.index());
        assertThat(e.position()).isEqualTo(third.indexPosition());
        assertThat(e).hasMessageContaining("past the end of " + third.store().getFileName());
    }

    @Test
    void nonConsecutiveOffsetsInAnIndexAreNamed() throws IOException {
        Written fifth = writer.write("p", Fixtures.mixed("p", 10, 5)).get(4);
        Fixtures.overwriteLong(fifth.index(), fifth.indexPosition(), 5);

        GoStoreLogFormatException e = readUntilProblem(4);

        assertThat(e.file()).isEqualTo(fifth.index());
        assertThat(e.position()).isEqualTo(fifth.indexPosition());
        assertThat(e).hasMessageContaining("offset 5 where offset 4 was expected");
    }

    @Test
    void aMissingSegmentBreaksTheOffsetsAcrossSegmentsAndIsNamed() throws IOException {
        List<Written> written = writer.write("p", Fixtures.mixed("p", 40, 6));
        GoPartition partition = GoStoreLogDirectory.open(source).partitions().getFirst();
        GoSegment second = partition.segments().get(1);
        Files.delete(second.store());
        Files.delete(second.index());
        GoSegment third = GoStoreLogDirectory.open(source).partitions().getFirst().segments().get(1);

        GoStoreLogFormatException e = readUntilProblem(second.base());

        assertThat(e.file()).isEqualTo(third.index());
        assertThat(e).hasMessageContaining("segment base " + third.base() + " does not continue the partition");
        assertThat(written).hasSize(40);
    }

    @Test
    void anUnknownDataTypeByteIsNamedWithItsPosition() throws IOException {
        Written sixth = writer.write("p", Fixtures.mixed("p", 10, 7)).get(5);
        Fixtures.overwrite(sixth.store(), sixth.position() + 4, (byte) 7);

        GoStoreLogFormatException e = readUntilProblem(5);

        assertThat(e.file()).isEqualTo(sixth.store());
        assertThat(e.position()).isEqualTo(sixth.position() + 4);
        assertThat(e).hasMessageContaining("unknown data type byte 7");
    }

    @Test
    void aFrameLengthOfZeroIsNamed() throws IOException {
        Written first = writer.write("p", Fixtures.mixed("p", 3, 8)).getFirst();
        Fixtures.overwrite(first.store(), first.position(), (byte) 0, (byte) 0, (byte) 0, (byte) 0);

        GoStoreLogFormatException e = readUntilProblem(0);

        assertThat(e.file()).isEqualTo(first.store());
        assertThat(e).hasMessageContaining("frame length 0");
    }

    @Test
    void bytesAfterTheLastIndexedFrameAreReportedNotDropped() throws IOException {
        List<Written> written = writer.write("p", Fixtures.mixed("p", 4, 9));
        Path store = written.getLast().store();
        long end = Files.size(store);
        Fixtures.append(store, (byte) 0, (byte) 0, (byte) 0, (byte) 3, (byte) 2, (byte) 'h', (byte) 'i');

        GoStoreLogFormatException e = readUntilProblem(4);

        assertThat(e.file()).isEqualTo(store);
        assertThat(e.position()).isEqualTo(end);
        assertThat(e).hasMessageContaining("7 bytes after the last indexed frame are not referenced");
    }

    @Test
    void aPartialIndexEntryIsReported() throws IOException {
        Written last = writer.write("p", Fixtures.mixed("p", 4, 10)).getLast();
        Fixtures.append(last.index(), (byte) 0, (byte) 0, (byte) 0);

        GoStoreLogFormatException e = readUntilProblem(4);

        assertThat(e.file()).isEqualTo(last.index());
        assertThat(e.position()).isEqualTo(last.indexPosition() + 16);
        assertThat(e).hasMessageContaining("partial entry of 3 bytes");
    }

    @Test
    void aStoreFileWithoutItsIndexIsNamed() throws IOException {
        Written first = writer.write("p", Fixtures.mixed("p", 3, 11)).getFirst();
        Files.delete(first.index());
        GoPartition partition = GoStoreLogDirectory.open(source).partitions().getFirst();

        assertThatThrownBy(partition::segments).isInstanceOf(GoStoreLogFormatException.class)
                .hasMessageContaining(first.store().toString()).hasMessageContaining("has no index file");
    }

    @Test
    void aSegmentFileNameWithoutADecimalBaseIsNamed() throws IOException {
        writer.write("p", Fixtures.mixed("p", 3, 12));
        Path odd = Files.writeString(source.resolve("p").resolve("segment_x1.store"), "");
        GoPartition partition = GoStoreLogDirectory.open(source).partitions().getFirst();

        assertThatThrownBy(partition::segments).isInstanceOf(GoStoreLogFormatException.class)
                .hasMessageContaining(odd.toString()).hasMessageContaining("decimal base offset");
    }

    @Test
    void aMissingDataDirectoryIsAnError() {
        assertThatThrownBy(() -> GoStoreLogDirectory.open(source.resolve("nope")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class).hasMessageContaining("nope");
    }

    /** Reads the single partition, expecting {@code goodRecords} records and then a format problem. */
    private GoStoreLogFormatException readUntilProblem(long goodRecords) throws IOException {
        GoPartition partition = GoStoreLogDirectory.open(source).partitions().getFirst();
        List<GoRecord> good = new ArrayList<>();
        try (GoRecordCursor cursor = partition.records()) {
            GoStoreLogFormatException problem = null;
            try {
                for (GoRecord r = cursor.next(); r != null; r = cursor.next()) {
                    good.add(r);
                }
            } catch (GoStoreLogFormatException e) {
                problem = e;
            }
            assertThat(problem).as("a format problem").isNotNull();
            assertThat(cursor.next()).as("the cursor is finished after a problem").isNull();
            assertThat(good).extracting(GoRecord::offset).containsExactlyElementsOf(offsets(0, goodRecords));
            return problem;
        }
    }

    private static List<GoRecord> readAll(GoPartition partition) throws IOException {
        List<GoRecord> all = new ArrayList<>();
        try (GoRecordCursor cursor = partition.records()) {
            for (GoRecord r = cursor.next(); r != null; r = cursor.next()) {
                all.add(r);
            }
        }
        return all;
    }

    static List<Long> offsets(long from, long count) {
        List<Long> offsets = new ArrayList<>();
        for (long o = from; o < from + count; o++) {
            offsets.add(o);
        }
        return offsets;
    }
}
