package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.key;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.CorruptRecordException;
import storelog.api.NewRecord;
import storelog.api.Record;
import storelog.testkit.TestData;

/**
 * Reads of a small segment ({@link StoreWalk#WALK_BOUND}) walk the store's frames and leave its index
 * closed (issue 11, cold partitions: one descriptor per partition read), answering exactly what the
 * index path answers; damage before or at the record leaves the answer to the index path.
 */
class SmallSegmentReadTest {

    private Path data;

    @BeforeEach
    void setUp(TestInfo test) {
        data = TestData.directory(test).resolve("data");
    }


    @Test
    void aSmallSegmentIsReadWithoutOpeningItsIndex() throws IOException {
        List<NewRecord> written = write(varied());
        assertThat(Files.size(Engines.store(data, 0))).isLessThanOrEqualTo(StoreWalk.WALK_BOUND);
        IndexOpens disk = new IndexOpens();
        try (OpenFiles files = new OpenFiles(disk, 16)) {
            Segment segment = sealed(files, written.size());
            for (int i = 0; i < written.size(); i++) {
                assertRecord(segment.read(i), i, written.get(i));
            }
            assertThat(texts(readRange(segment, 0, written.size(), Long.MAX_VALUE))).isEqualTo(texts(written));
            assertThat(texts(readRange(segment, 2, 3, Long.MAX_VALUE))).isEqualTo(texts(written.subList(2, 5)));
            assertThat(disk.opens.get()).as("opens of the index").isZero();
        }
    }

    /** The bound is on the flushed store, header included: at it the store is walked, one byte past it the index is read. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void theBoundIsTheStoreSize(int pastTheBound) throws IOException {
        int first = 100;
        int last = StoreWalk.WALK_BOUND - FileHeader.SIZE - Frame.length(first) - Frame.HEADER_SIZE + pastTheBound;
        List<NewRecord> written = write(List.of(Engines.sized(0, first), Engines.sized(1, last)));
        assertThat(Files.size(Engines.store(data, 0))).isEqualTo(StoreWalk.WALK_BOUND + pastTheBound);
        IndexOpens disk = new IndexOpens();
        try (OpenFiles files = new OpenFiles(disk, 16)) {
            Segment segment = sealed(files, 2);
            assertRecord(segment.read(1), 1, written.get(1));
            assertRecord(segment.read(0), 0, written.get(0));
            assertThat(texts(readRange(segment, 0, 2, Long.MAX_VALUE))).isEqualTo(texts(written));
            assertThat(disk.opens.get()).as("opens of the index").isEqualTo(pastTheBound);
        }
    }

    @Test
    void aRangeReadOfAWalkedStoreKeepsItsByteBudget() throws IOException {
        List<NewRecord> written = write(varied());
        try (OpenFiles files = new OpenFiles(Disk.LOCAL, 16)) {
            Segment segment = sealed(files, written.size());
            List<Record> out = new ArrayList<>();
            long bytes = segment.read(1, 5, Frame.length(1) + 1, out);
            assertThat(texts(out)).as("the first record always, then only what fits").isEqualTo(texts(written.subList(1, 2)));
            assertThat(bytes).isEqualTo(Frame.length(1));
            out.clear();
            bytes = segment.read(1, 5, Frame.length(1) + Frame.length(50), out);
            assertThat(texts(out)).isEqualTo(texts(written.subList(1, 3)));
            assertThat(bytes).isEqualTo(Frame.length(1) + Frame.length(50));
        }
    }

    /** Under FSYNC=never the active segment's newest records are in the write buffer until a read flushes them. */
    @Test
    void theActiveSegmentAnswersItsBufferedRecords() {
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.NEVER)) {
            List<NewRecord> written = varied();
            for (NewRecord r : written) {
                engine.append(KEY, List.of(r));
                long offset = engine.info(KEY).orElseThrow().nextOffset() - 1;
                assertThat(engine.read(KEY, offset).text()).isEqualTo(payloadText(r));
            }
            assertThat(Engines.texts(engine, KEY)).isEqualTo(texts(written));
        }
    }

    @Test
    void afterATruncationTheNewRecordsAreRead() {
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.NEVER)) {
            engine.append(KEY, varied());
            engine.truncate(KEY, 2);
            engine.append(KEY, List.of(text("new 2"), text("new 3 is longer than the record it replaces")));
            assertThat(engine.read(KEY, 3).text()).isEqualTo("new 3 is longer than the record it replaces");
            assertThat(engine.read(KEY, 2).text()).isEqualTo("new 2");
            List<String> expected = new ArrayList<>(texts(varied().subList(0, 2)));
            expected.addAll(List.of("new 2", "new 3 is longer than the record it replaces"));
            assertThat(Engines.texts(engine, KEY)).isEqualTo(expected);
        }
    }

    /** A damaged payload or length field before or at the record: reads answer as the index path always did. */
    @ParameterizedTest
    @ValueSource(ints = {0, 5, 30})
    void damageInASmallStoreIsAnsweredByTheIndexPath(int byteOfFrame) throws IOException {
        List<NewRecord> written = write(varied());
        long damaged = FileHeader.SIZE + Frame.length(0) + Frame.length(1);
        Engines.flipBit(Engines.store(data, 0), damaged + byteOfFrame); // in the frame of record 2 (its length, CRC or payload)
        try (OpenFiles files = new OpenFiles(Disk.LOCAL, 16)) {
            Segment segment = sealed(files, written.size());
            assertRecord(segment.read(0), 0, written.get(0));
            assertRecord(segment.read(1), 1, written.get(1));
            assertThatThrownBy(() -> segment.read(2)).isInstanceOf(CorruptRecordException.class);
            for (int i = 3; i < written.size(); i++) {
                assertRecord(segment.read(i), i, written.get(i));
            }
            assertThat(texts(readRange(segment, 3, 3, Long.MAX_VALUE))).isEqualTo(texts(written.subList(3, 6)));
            assertThatThrownBy(() -> readRange(segment, 0, 6, Long.MAX_VALUE)).isInstanceOf(CorruptRecordException.class);
        }
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.ALWAYS)) {
            assertThat(engine.read(KEY, 1).text()).isEqualTo(payloadText(written.get(1)));
            assertThatThrownBy(() -> engine.read(KEY, 2)).isInstanceOf(CorruptRecordException.class);
            assertThat(engine.read(KEY, 5).text()).isEqualTo(payloadText(written.get(5)));
        }
    }

    /**
     * The benchmark's shape in small (bench/scale.sh, warm reads): more partitions than half the LRU,
     * fewer than all of it, one record each; once each was read, reading them all again finds every
     * store open — a partition that is only read holds one descriptor, and its index is closed first.
     */
    @Test
    void partitionsThatAreOnlyReadFitTheLruWithOneDescriptorEach() {
        int capacity = Engines.config(data, 1 << 20, FsyncPolicy.ALWAYS).maxOpenFiles();
        int partitions = capacity * 3 / 4;
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.ALWAYS)) {
            for (int i = 0; i < partitions; i++) {
                engine.append(key(i), List.of(text("record of " + i)));
            }
        }
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.ALWAYS)) {
            for (int i = 0; i < partitions; i++) {
                assertThat(engine.read(key(i), 0).text()).isEqualTo("record of " + i);
            }
            long misses = engine.metrics().get("open_file_misses_total");
            long hits = engine.metrics().get("open_file_hits_total");
            for (int i = 0; i < partitions; i++) {
                assertThat(engine.read(key(i), 0).text()).isEqualTo("record of " + i);
            }
            assertThat(engine.metrics().get("open_file_misses_total") - misses).as("misses of the second pass").isZero();
            assertThat(engine.metrics().get("open_file_hits_total") - hits).as("hits of the second pass").isEqualTo(partitions);
        }
    }

    /** Records of varied sizes, the empty payload among them, in a store within {@link StoreWalk#WALK_BOUND}. */
    private static List<NewRecord> varied() {
        List<NewRecord> records = new ArrayList<>();
        for (int size : new int[] {0, 1, 50, 300, 7, 100, 3, 200}) {
            records.add(size == 0 ? text("") : size == 1 ? text("a") : Engines.sized(records.size(), size));
        }
        return records;
    }

    /** Appends {@code records} to a new partition {@link Engines#KEY}, one segment, and closes the engine. */
    private List<NewRecord> write(List<NewRecord> records) {
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.ALWAYS)) {
            for (NewRecord r : records) {
                engine.append(KEY, List.of(r));
            }
        }
        return records;
    }

    /** The first segment of {@link Engines#KEY}, opened as a sealed one: no file is opened until it is read. */
    private Segment sealed(OpenFiles files, long count) throws IOException {
        return SegmentFiles.open(KEY, Engines.partitionDir(data, KEY), 0, count, true, files);
    }

    private static List<Record> readRange(Segment segment, long from, int n, long budget) throws IOException {
        List<Record> out = new ArrayList<>();
        while (out.size() < n) {
            segment.read(from + out.size(), n - out.size(), budget, out);
        }
        return out;
    }

    private static void assertRecord(Record record, long offset, NewRecord written) {
        assertThat(record.offset()).isEqualTo(offset);
        assertThat(record.payload()).isEqualTo(written.payload());
        assertThat(record.type()).isEqualTo(written.type());
        assertThat(record.timestamp()).isEqualTo(written.timestamp());
    }

    private static String payloadText(NewRecord r) {
        return new String(r.payload(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static List<String> texts(List<?> records) {
        return records.stream().map(r -> r instanceof Record rec ? rec.text() : payloadText((NewRecord) r)).toList();
    }
}
